// SPDX-License-Identifier: Apache-2.0
package dev.golat.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apiguardian.api.API;

/**
 * Runs the bundled golat-agent as a process on this host (Linux x86-64, root or CAP_BPF+CAP_PERFMON): extracts
 * the resource {@value AgentProtocol#RESOURCE} to a private temp file, starts it, and hands back the
 * {@link AgentSession}. Closing the session quits the agent, kills it if it does not exit, and deletes the file.
 */
@API(status = API.Status.INTERNAL)
public final class HostAgent {
    private HostAgent() {}

    /** Starts the agent; the caller owns the session. */
    public static AgentSession start() {
        return start(List.of());
    }

    /**
     * Starts the agent under a launcher, e.g. {@code List.of("sudo", "-n")}, or
     * {@code List.of("setpriv", "--bounding-set=-all")} to see what it says without privileges.
     */
    public static AgentSession start(List<String> launcher) {
        Path dir = null;
        try {
            sweepStaleCopies();
            dir = Files.createTempDirectory(TEMP_PREFIX + ProcessHandle.current().pid() + "-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path exe = dir.resolve("golat-agent");
            Files.write(exe, AgentBinary.bytes());
            Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwx------"));
            List<String> command = new ArrayList<>(launcher);
            command.add(exe.toString());
            Process process = spawn(command);
            AgentOutput output = new AgentOutput();
            output.readStdoutFrom(process.getInputStream(), "golat-agent-stdout");
            output.readStderrFrom(process.getErrorStream(), "golat-agent-stderr");
            Path tempDir = dir;
            return AgentSession.over(process.getOutputStream(), output, () -> stop(process, tempDir)).hostPaths()
                    .whenGone(() -> gone(process));
        } catch (IOException e) {
            deleteQuietly(dir);
            throw new UncheckedIOException("cannot start golat-agent from " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Another thread forking while the file was open for writing makes exec fail with ETXTBSY: retry. */
    private static Process spawn(List<String> command) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return new ProcessBuilder(command).start();
            } catch (IOException e) {
                if (attempt >= 10 || e.getMessage() == null || !e.getMessage().contains("Text file busy")) {
                    throw e;
                }
                try {
                    Thread.sleep(20L * attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** How the agent process ended, once its output has; {@code ""} if it still runs. */
    private static String gone(Process process) {
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                return "";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
        return "golat-agent (pid " + process.pid() + ") " + AgentSession.describeExit(process.exitValue())
                + " while it traced: the kernel detached its probes when it died, so the target runs on untraced and "
                + "nothing more was measured. Something outside golat ended it (kill, a cleanup script, the OOM killer: "
                + "dmesg | grep -i oom); run again";
    }

    private static void stop(Process process, Path dir) {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            deleteQuietly(dir);
        }
    }

    private static final String TEMP_PREFIX = "golat-agent-";

    /**
     * Removes agent copies left by JVMs that died without cleaning up (SIGKILL): a copy's folder is named
     * after the JVM that made it, and is removed once no process has that pid.
     */
    static void sweepStaleCopies() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (var dirs = Files.newDirectoryStream(tmp, TEMP_PREFIX + "*")) {
            for (Path d : dirs) {
                String rest = d.getFileName().toString().substring(TEMP_PREFIX.length());
                int dash = rest.indexOf('-');
                if (dash <= 0 || !rest.substring(0, dash).chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long pid = Long.parseLong(rest.substring(0, dash));
                if (ProcessHandle.of(pid).isEmpty()) {
                    deleteQuietly(d);
                }
            }
        } catch (IOException | RuntimeException e) {
            // best effort: a stale copy costs 1.4 MB of /tmp, never correctness
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try {
            Files.deleteIfExists(dir.resolve("golat-agent"));
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // Left in the temp dir; nothing runs from it any more.
        }
    }
}
