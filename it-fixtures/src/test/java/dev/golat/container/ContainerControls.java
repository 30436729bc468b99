// SPDX-License-Identifier: Apache-2.0
package dev.golat.container;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test-only seam: the agent-in-container plumbing of {@link GoContainer}, package-private in the library,
 * for the ITs that exercise or time its steps one by one. Not part of golat's API.
 */
public final class ContainerControls {
    private ContainerControls() {}

    /** Where the agent is copied to in the container. */
    public static final String AGENT_PATH = GoContainer.AGENT_PATH;

    /** Copies {@code agentBinary} to {@link #AGENT_PATH} (mode 0755) in the running container. */
    public static String copyAgent(GoContainer container, byte[] agentBinary) {
        return container.copyAgent(agentBinary);
    }

    /** Copies the executable file {@code agentBinary} to {@link #AGENT_PATH} (mode 0755) in the running container. */
    public static String copyAgent(GoContainer container, Path agentBinary) {
        try {
            return container.copyAgent(Files.readAllBytes(agentBinary));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + agentBinary, e);
        }
    }

    /** Starts {@code command} in the running container with its standard streams attached. */
    public static ExecStream exec(GoContainer container, String... command) {
        return container.exec(command);
    }

    /** The service's pid inside its container. */
    public static long servicePid(GoContainer container) {
        return container.servicePid();
    }
}
