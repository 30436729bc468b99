// SPDX-License-Identifier: Apache-2.0
package dev.golat.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apiguardian.api.API;

/**
 * The static x86-64 golat-agent executable, read once from the classpath resource {@value AgentProtocol#RESOURCE}
 * (artifact {@code dev.golat:golat-agent}): the one loader behind {@link HostAgent} and the agent golat copies
 * into a service's container.
 */
@API(status = API.Status.INTERNAL)
public final class AgentBinary {
    private AgentBinary() {}

    private static volatile byte[] bytes;

    /** The executable's bytes (read on first use, then kept; do not modify the array). */
    public static byte[] bytes() {
        byte[] b = bytes;
        if (b == null) {
            try (InputStream in = AgentBinary.class.getClassLoader().getResourceAsStream(AgentProtocol.RESOURCE)) {
                if (in == null) {
                    throw new AgentException("SESSION", "classpath resource " + AgentProtocol.RESOURCE
                            + " not found: add the dev.golat:golat-agent artifact (built by `make` in agent/)");
                }
                b = in.readAllBytes();
                bytes = b;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the classpath resource " + AgentProtocol.RESOURCE, e);
            }
        }
        return b;
    }
}
