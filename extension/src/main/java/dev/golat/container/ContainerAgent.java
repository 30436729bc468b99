// SPDX-License-Identifier: Apache-2.0
package dev.golat.container;

import dev.golat.agent.AgentBinary;
import dev.golat.agent.AgentException;
import dev.golat.agent.AgentOutput;
import dev.golat.agent.AgentProtocol;
import dev.golat.agent.AgentSession;
import dev.golat.agent.BreakdownSpec;
import dev.golat.agent.ProbeSpec;
import dev.golat.agent.SpanSpec;
import java.util.List;
import org.apiguardian.api.API;

/**
 * The agent inside a service's container: copied in, started with {@code docker exec}, spoken to over its
 * pipes, and attached to the service. The plumbing it uses ({@code copyAgent}, {@code exec},
 * {@code servicePid}) stays inside this package.
 */
@API(status = API.Status.INTERNAL)
public final class ContainerAgent {
    private ContainerAgent() {}

    /**
     * Starts the agent in {@code container} (running) and attaches {@code probes} and {@code spans} to its
     * service; the caller owns the session.
     *
     * @param label who asks, for messages and thread names, e.g. {@code "@GoService server"}
     * @throws AgentException when the agent refuses; the message quotes the agent, says which privileges the
     *                        container was granted (for EPERM) and how to fix it, and ends with the agent's stderr
     */
    public static AgentSession start(GoContainer container, List<ProbeSpec> probes, List<SpanSpec> spans,
            String label) {
        return start(container, probes, spans, null, label);
    }

    /**
     * As {@link #start(GoContainer, List, List, String)}, with the runtime's hooks for the probes that break their
     * calls down ({@code null} when none does).
     */
    public static AgentSession start(GoContainer container, List<ProbeSpec> probes, List<SpanSpec> spans,
            BreakdownSpec breakdown, String label) {
        container.copyAgent(AgentBinary.bytes());
        ExecStream exec = container.exec(GoContainer.AGENT_PATH);
        AgentOutput output = new AgentOutput();
        output.readStdoutFrom(exec.stdout(), "golat-agent-stdout-" + label);
        AgentSession session = AgentSession.over(exec.stdin(), output, exec::close);
        try {
            session.stackMoves(stackMoveSites(container));
            session.start(container.servicePid(), container.binaryPathInContainer(), probes, spans, breakdown);
            return session;
        } catch (AgentException e) {
            session.close();
            throw new AgentException(e.code(), explain(e, container, label, exec), e);
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** Where the service's goroutine stacks move, planned from the host's copy of its binary; none if unreadable. */
    private static List<Long> stackMoveSites(GoContainer container) {
        try {
            return AgentSession.stackMoveSites(container.hostBinary());
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /**
     * Whether the pids Docker reports ({@link GoContainer#hostPid()}) name processes of this host: Docker is reached
     * through a local socket. A daemon over TCP may run on another machine or in another pid namespace.
     */
    public static boolean daemonIsLocal() {
        return DockerAccess.daemonIsLocal();
    }

    private static String explain(AgentException e, GoContainer container, String label, ExecStream exec) {
        String message = "golat-agent in " + label + " (" + container.binaryPathInContainer() + "): " + e.getMessage();
        if (AgentProtocol.ERR_EPERM.equals(e.code())) {
            message += System.lineSeparator() + "The container was granted " + container.grantedCapabilities()
                    + " (" + container.privilegeReason() + "). Fix: grant CAP_BPF + CAP_PERFMON (Docker 23+: "
                    + "withCapabilities(\"BPF\", \"PERFMON\")) or CAP_SYS_ADMIN (withCapabilities(\"SYS_ADMIN\")), "
                    + "or call withPrivileged() where the host allows it.";
        }
        List<String> stderr = exec.stderrTail();
        if (!stderr.isEmpty()) {
            message += System.lineSeparator() + "agent stderr: " + String.join(System.lineSeparator() + "  ", stderr);
        }
        return message;
    }
}
