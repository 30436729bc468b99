// SPDX-License-Identifier: Apache-2.0
package dev.golat.junit;

import dev.golat.agent.AgentException;
import dev.golat.agent.AgentOutput;
import dev.golat.agent.AgentProtocol;
import dev.golat.agent.AgentSession;
import dev.golat.agent.ProbeSpec;
import dev.golat.agent.SpanSpec;
import dev.golat.container.ExecStream;
import dev.golat.container.GoContainer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** The agent inside the service's container: copied in, started with {@code docker exec}, spoken to over its pipes. */
final class ContainerAgent {
    private ContainerAgent() {}

    private static volatile byte[] agentBinary;

    static AgentSession start(GoContainer container, List<ProbeSpec> specs, List<SpanSpec> spans, String serviceName) {
        container.copyAgent(agentBinary());
        ExecStream exec = container.exec(GoContainer.AGENT_PATH);
        AgentOutput output = new AgentOutput();
        output.readStdoutFrom(exec.stdout(), "golat-agent-stdout-" + serviceName);
        AgentSession session = AgentSession.over(exec.stdin(), output, exec::close);
        try {
            session.start(container.servicePid(), container.binaryPathInContainer(), specs, spans);
            return session;
        } catch (AgentException e) {
            session.close();
            throw new GolatConfigurationException(explain(e, container, serviceName, exec), e);
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    private static String explain(AgentException e, GoContainer container, String serviceName, ExecStream exec) {
        String message = "golat-agent in @GoService " + serviceName + " (" + container.binaryPathInContainer()
                + "): " + e.getMessage();
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

    private static byte[] agentBinary() {
        byte[] b = agentBinary;
        if (b == null) {
            try (InputStream in = ContainerAgent.class.getClassLoader().getResourceAsStream(AgentProtocol.RESOURCE)) {
                if (in == null) {
                    throw new GolatConfigurationException("classpath resource " + AgentProtocol.RESOURCE
                            + " not found: add the dev.golat:golat-agent artifact");
                }
                b = in.readAllBytes();
                agentBinary = b;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return b;
    }
}
