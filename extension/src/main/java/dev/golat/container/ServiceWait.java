// SPDX-License-Identifier: Apache-2.0
package dev.golat.container;

import com.github.dockerjava.api.command.InspectContainerResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.regex.Pattern;
import org.testcontainers.containers.wait.strategy.WaitStrategy;
import org.testcontainers.containers.wait.strategy.WaitStrategyTarget;

/**
 * Waits until the Go service is up: its process runs and, when asked, it printed a line matching a
 * pattern and accepts TCP connections on a port. It never runs anything inside the container (a
 * {@code FROM scratch} image has no {@code /bin/sh} for Testcontainers' port check) and polls every
 * 20 ms instead of sharing Testcontainers' one-call-per-second rate limiter, so a service that starts in
 * 30 ms is ready in about 30 ms. If the process exits first, the failure names the exit code and the last
 * log lines.
 */
final class ServiceWait implements WaitStrategy {
    private static final long POLL_MS = 20;

    private final GoContainer service;
    private Duration timeout = Duration.ofSeconds(60);

    ServiceWait(GoContainer service) {
        this.service = service;
    }

    @Override
    public WaitStrategy withStartupTimeout(Duration startupTimeout) {
        this.timeout = startupTimeout;
        return this;
    }

    Duration timeout() {
        return timeout;
    }

    @Override
    public void waitUntilReady(WaitStrategyTarget target) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Pattern line = service.awaitedLogLine();
        Integer port = service.awaitedPort();
        while (true) {
            InspectContainerResponse.ContainerState state =
                    target.getDockerClient().inspectContainerCmd(target.getContainerId()).exec().getState();
            if (!Boolean.TRUE.equals(state.getRunning())) {
                java.util.List<String> lines = service.lastLogLines();
                throw new GoContainerException("service " + service.serviceName() + " exited with code "
                        + state.getExitCodeLong() + " during startup" + errorSuffix(state)
                        + ExecFailure.explain(target.getDockerClient(), target.getContainerId(),
                                service.binaryPathInContainer(), service::hostBinary, lines)
                        + "; last log lines:\n" + LogTail.indent(lines));
            }
            boolean lineOk = line == null || service.logTail().matched();
            boolean portOk = lineOk && (port == null || accepts(target, port));
            if (lineOk && portOk) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                String what = !lineOk ? "print a line matching /" + line + "/" : "accept connections on " + address(target, port);
                throw new GoContainerException("service " + service.serviceName() + " did not " + what + " within "
                        + timeout.toMillis() + " ms (change it with withStartupTimeout); last log lines:\n"
                        + LogTail.indent(service.lastLogLines()));
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GoContainerException("interrupted while waiting for service " + service.serviceName());
            }
        }
    }

    private static String errorSuffix(InspectContainerResponse.ContainerState state) {
        String error = state.getError();
        return error == null || error.isBlank() ? "" : " (" + error + ")";
    }

    private InetSocketAddress address(WaitStrategyTarget target, int port) {
        if (service.usesHostNetwork()) {
            return new InetSocketAddress("127.0.0.1", port);
        }
        return new InetSocketAddress(target.getHost(), target.getMappedPort(port));
    }

    private boolean accepts(WaitStrategyTarget target, int port) {
        try (Socket s = new Socket()) {
            s.connect(address(target, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
