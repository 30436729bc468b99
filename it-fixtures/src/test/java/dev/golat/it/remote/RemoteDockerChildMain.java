// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.remote;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.golat.container.GoContainer;
import dev.golat.container.RemoteSignalProbe;
import dev.golat.gate.NoiseWitness;
import dev.golat.it.MiniJson;
import dev.golat.it.StmtClient;
import dev.golat.it.StmtServer;
import dev.golat.junit.GoService;
import dev.golat.junit.GoTest;
import dev.golat.junit.TraceLatency;
import dev.golat.result.Latency;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Run by {@link RemoteDockerIT} in a child JVM whose {@code DOCKER_HOST} is the second daemon's TCP address, with no
 * {@code TESTCONTAINERS_*} variable: one traced test through the JUnit Platform launcher, then golat's signalling
 * decision about the canary whose pid is the first argument. Prints {@code TRACED ...}, {@code REMOTE_PID ...},
 * {@code WITNESS ...}, {@code RESULT <test>: <status>}, {@code LOCAL_DAEMON <bool>} and {@code CANARY_SIGNALLED <bool>}.
 */
public final class RemoteDockerChildMain {
    static final int CALLS = 300;

    private RemoteDockerChildMain() {}

    public static void main(String[] args) {
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(RemoteTestCase.class)).build(), new TestExecutionListener() {
                    @Override
                    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                        System.out.println("RESULT " + id.getDisplayName() + ": " + result.getStatus()
                                + result.getThrowable().map(t -> " " + t).orElse(""));
                    }
                });
        System.out.println("LOCAL_DAEMON " + RemoteSignalProbe.daemonIsLocal());
        System.out.println("CANARY_SIGNALLED " + RemoteSignalProbe.signalAsAgent(Long.parseLong(args[0])));
        System.out.flush();
    }

    static String figures(NoiseWitness w) {
        return w.cpuNanos() + "," + w.waitNanos() + "," + w.threads();
    }

    /** The pid here of the init process of the container {@code id}: its cgroup names the container. */
    static long localPidOf(String id) {
        try (java.util.stream.Stream<java.nio.file.Path> dirs = java.nio.file.Files.list(java.nio.file.Path.of("/proc"))) {
            for (java.nio.file.Path d : dirs.toList()) {
                String name = d.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String cgroup = java.nio.file.Files.readString(d.resolve("cgroup"));
                    String nspid = java.nio.file.Files.readAllLines(d.resolve("status")).stream()
                            .filter(l -> l.startsWith("NSpid:")).findFirst().orElse("");
                    if (cgroup.contains(id) && nspid.endsWith("\t1")) {
                        return Long.parseLong(name);
                    }
                } catch (java.io.IOException e) {
                    // exited meanwhile
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new AssertionError("no local process in the cgroup of container " + id);
    }

    @GoTest
    static class RemoteTestCase {
        static final int PORT = StmtClient.freePort();

        @GoService static GoContainer server = StmtServer.container(PORT);

        @Test
        @TraceLatency("handleStmtExecute")
        void traced(Latency latency) {
            String stats;
            try (StmtClient client = StmtClient.connect(PORT)) {
                client.resetStats();
                for (int i = 0; i < CALLS; i++) {
                    client.exec("SELECT " + i + " + (1 * 2)");
                }
                stats = client.stats();
            }
            Latency l = latency.snapshot();
            long own = MiniJson.number(stats, "handleStmtExecute.count");
            System.out.println("TRACED n=" + l.count() + " matched=" + l.counts().matched() + " own=" + own
                    + " p50=" + l.p50().toNanos() + " ownP50=" + MiniJson.number(stats, "handleStmtExecute.p50"));
            System.out.println("REMOTE_PID " + server.hostPid());
            // The CPU-wait witness golat reads for this service (a duet's, a baseline gate's), bracketed by this host's
            // own /proc of the same process, found by its container's cgroup: what the remote daemon's pid is not.
            NoiseWitness.Source witness = NoiseWitness.of(latency).orElseThrow(() -> new AssertionError("no witness"));
            long local = localPidOf(server.getContainerId());
            NoiseWitness before = NoiseWitness.read(local);
            NoiseWitness read = witness.read();
            NoiseWitness after = NoiseWitness.read(local);
            System.out.println("WITNESS local=" + local + " before=" + figures(before) + " golat=" + figures(read)
                    + " after=" + figures(after));
            if (l.count() != CALLS || l.counts().matched() != CALLS || own != CALLS) {
                throw new AssertionError("expected " + CALLS + " calls, traced " + l.counts() + ", the server counted " + own);
            }
        }
    }
}
