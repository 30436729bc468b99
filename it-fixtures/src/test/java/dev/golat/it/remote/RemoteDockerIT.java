// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.remote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.testbins.GoTestBinaries;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * golat through a Docker daemon that is not local ({@code DOCKER_HOST=tcp://127.0.0.1:PORT}): a second dockerd in its
 * own pid namespace ({@link SecondDockerDaemon}), so the pids it reports name unrelated processes here. A child JVM
 * that knows only that DOCKER_HOST builds the stmtserver image into it, traces 300 statements with exact counts, and
 * ends the agent without a signal (its quit line; the debug log of the exec says how it ended). No local process gets
 * a signal: not those at the pids the remote daemon reports (each that had run for 10 minutes is still the same
 * process, by start time), and not a canary in a pid namespace of its own, about which golat's decision is asked
 * directly (the namespace checks in favour, only the daemon's locality against) and which counts the SIGTERMs and
 * SIGHUPs it gets. The reaper follows DOCKER_HOST: the session's containers and images leave the remote daemon.
 */
class RemoteDockerIT {
    static SecondDockerDaemon remote;

    @BeforeAll
    static void startTheSecondDaemon() throws Exception {
        remote = SecondDockerDaemon.start(Path.of("target", "remote-docker").toAbsolutePath());
    }

    @AfterAll
    static void stopTheSecondDaemon() {
        if (remote != null) {
            remote.close();
        }
    }

    @Test
    void traces_through_a_remote_daemon_and_signals_no_local_process(@TempDir Path tmp) throws Exception {
        Path signals = tmp.resolve("canary-signals");
        Files.writeString(signals, "");
        // The canary: in a pid namespace of its own (not this JVM's, as a container's process would be), counting signals.
        Process canaryNs = new ProcessBuilder("unshare", "--pid", "--fork", "--kill-child", "sh", "-c",
                "trap 'echo TERM >> " + signals + "' TERM; trap 'echo HUP >> " + signals + "' HUP; "
                        + "echo ready; while :; do sleep 0.2; done")
                .redirectErrorStream(true).start();
        try {
            assertThat(new String(canaryNs.getInputStream().readNBytes(6), StandardCharsets.UTF_8)).isEqualTo("ready\n");
            ProcessHandle canary = canaryNs.children().findFirst().orElseThrow();
            long canaryStart = startTime(canary.pid()).orElseThrow();
            java.util.Map<Long, Long> before = processes();

            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dgolat.root=" + GoTestBinaries.root(), "-Duser.home=" + tmp,
                    "-Dorg.slf4j.simpleLogger.log.dev.golat.container=debug",
                    "-cp", System.getProperty("java.class.path"), RemoteDockerChildMain.class.getName(),
                    Long.toString(canary.pid()))
                    .redirectErrorStream(true);
            pb.environment().put("DOCKER_HOST", remote.host());
            pb.environment().put("HOME", tmp.toString());
            pb.environment().keySet().removeIf(k -> k.startsWith("TESTCONTAINERS_"));
            Process child = pb.start();
            child.getOutputStream().close();
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as(out).isTrue();
            List<String> lines = out.lines().toList();
            System.out.print(out);

            // Traced through the remote daemon, exactly.
            assertThat(lines).as(out).contains("RESULT traced(Latency): SUCCESSFUL");
            assertThat(lines).as(out).anySatisfy(l -> assertThat(l).startsWith(
                    "TRACED n=" + RemoteDockerChildMain.CALLS + " matched=" + RemoteDockerChildMain.CALLS + " own="
                            + RemoteDockerChildMain.CALLS + " "));
            // The CPU-wait witness is the service's own, read inside its container: between two reads of the same
            // process through this host's /proc, never the figures of whatever local process has the remote pid.
            String witness = lines.stream().filter(l -> l.startsWith("WITNESS ")).findFirst()
                    .orElseThrow(() -> new AssertionError(out));
            long[] first = figures(witness, "before");
            long[] golat = figures(witness, "golat");
            long[] last = figures(witness, "after");
            assertThat(golat[2]).as("threads golat read, %s", witness).isPositive();
            assertThat(golat[0]).as("CPU time: %s", witness).isPositive().isBetween(first[0], last[0]);
            assertThat(golat[1]).as("CPU wait: %s", witness).isBetween(first[1], last[1]);
            assertThat(golat[2]).as("threads: %s", witness).isBetween(Math.min(first[2], last[2]), Math.max(first[2], last[2]));

            // The agent ended by its quit line: golat did not need, and was not allowed, to signal it.
            assertThat(lines).as(out).anySatisfy(l -> assertThat(l).contains("exec[/golat-agent").contains("ended by itself: exit code 0"));
            assertThat(out).doesNotContain("after SIGTERM", "after SIGKILL");
            assertThat(lines).as(out).contains("LOCAL_DAEMON false");
            assertThat(lines).as(out).contains("CANARY_SIGNALLED false");

            // The pids the remote daemon reported (the service's, the agent's) are its namespace's; here they name
            // other processes, or none. Those that had run here for 10 minutes when the child started (so that one
            // ending by itself in these seconds is not a worry on a busy machine) run still: same start time.
            long remotePid = lines.stream().filter(l -> l.startsWith("REMOTE_PID ")).map(l -> Long.parseLong(l.substring(11)))
                    .findFirst().orElseThrow(() -> new AssertionError(out));
            long agentPid = lines.stream().filter(l -> l.contains("exec[/golat-agent, host pid "))
                    .map(l -> l.replaceFirst(".*exec\\[/golat-agent, host pid (\\d+)\\].*", "$1")).map(Long::parseLong)
                    .findFirst().orElseThrow(() -> new AssertionError(out));
            for (long pid : new long[] {remotePid, agentPid}) {
                assertThat(pid).as("a pid the remote daemon reports, in %s", out).isPositive();
                System.out.printf("remote daemon pid %d: here %s%n", pid, ProcessHandle.of(pid)
                        .map(h -> "pid " + pid + " is " + h.info().command().orElse("a process") + " (not signalled)")
                        .orElse("no process"));
                if (before.containsKey(pid) && uptimeTicks() - before.get(pid) > 600 * TICKS) {
                    assertThat(startTime(pid)).as("the local process at pid %d (the remote daemon's pid of golat's)", pid)
                            .contains(before.get(pid));
                }
            }

            // The canary got nothing and still runs.
            Thread.sleep(300); // a signal sent at the very end would have run its trap by now
            assertThat(Files.readString(signals)).as("signals the canary counted").isEmpty();
            assertThat(startTime(canary.pid())).as("the canary still runs").contains(canaryStart);

            // The reaper followed DOCKER_HOST: the session's containers and images leave the remote daemon.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            String left;
            do {
                left = remote.docker("ps", "-aq", "--filter", "label=dev.golat=true")
                        + remote.docker("images", "-q", "--filter", "label=dev.golat=true");
            } while (!left.isBlank() && System.nanoTime() < deadline && sleep(200));
            assertThat(left).as("golat's containers and images left on the remote daemon").isBlank();
        } finally {
            canaryNs.destroyForcibly(); // --kill-child takes the canary with it
            canaryNs.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** {@code cpu,wait,threads} after {@code key=} in the child's WITNESS line. */
    static long[] figures(String line, String key) {
        String v = line.replaceFirst(".*\\b" + key + "=(\\d+,\\d+,\\d+).*", "$1");
        String[] f = v.split(",");
        return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])};
    }

    private static boolean sleep(long ms) throws InterruptedException {
        Thread.sleep(ms);
        return true;
    }

    /** USER_HZ: the unit of start times in {@code /proc/PID/stat} (100 on Linux/amd64). */
    static final long TICKS = 100;

    static long uptimeTicks() throws java.io.IOException {
        return Math.round(Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]) * TICKS);
    }

    /** Every local process: pid to start time. */
    static java.util.Map<Long, Long> processes() throws java.io.IOException {
        java.util.Map<Long, Long> all = new java.util.HashMap<>();
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path d : dirs.toList()) {
                String name = d.getFileName().toString();
                if (name.chars().allMatch(Character::isDigit)) {
                    long pid = Long.parseLong(name);
                    startTime(pid).ifPresent(t -> all.put(pid, t));
                }
            }
        }
        return all;
    }

    /** Field 22 of {@code /proc/PID/stat}: when the process started, in clock ticks since boot. */
    static Optional<Long> startTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Optional.of(Long.parseLong(f[19]));
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }
}
