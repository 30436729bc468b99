// SPDX-License-Identifier: Apache-2.0
package dev.golat.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process {@code golat trace --pid} names, checked through {@code /proc} before anything is planned: one that
 * does not exist, and one whose {@code /proc/PID} exists but whose executable cannot be read (a kernel thread, a
 * zombie, another user's process), each said apart with the fix.
 */
final class TargetProcess {
    private TargetProcess() {}

    /** {@code /proc/PID/exe}, after checking it can be read. */
    static Path executable(long pid) {
        Path dir = Path.of("/proc/" + pid);
        if (!Files.isDirectory(dir)) {
            throw new UsageException("no process " + pid + ": /proc/" + pid + " does not exist; give the pid of a running "
                    + "Go program (e.g. from pgrep)");
        }
        Path exe = dir.resolve("exe");
        try {
            Files.readSymbolicLink(exe);
            return exe;
        } catch (AccessDeniedException e) {
            throw new UsageException("process " + pid + describe(dir) + " exists, but /proc/" + pid + "/exe cannot be read: "
                    + "permission denied for user " + System.getProperty("user.name") + "; tracing another user's process "
                    + "needs root (CAP_SYS_PTRACE)");
        } catch (IOException | UnsupportedOperationException e) {
            String state = state(dir);
            if ("Z".equals(state)) {
                throw new UsageException("process " + pid + describe(dir) + " is a zombie: it has exited and waits for its "
                        + "parent to reap it, so there is nothing to trace; give the pid of a running Go program");
            }
            if (isKernelThread(dir)) {
                throw new UsageException("process " + pid + describe(dir) + " is a kernel thread: it has no executable "
                        + "(/proc/" + pid + "/exe cannot be read), so there is nothing to trace; give the pid of a Go program");
            }
            throw new UsageException("process " + pid + describe(dir) + " exists, but /proc/" + pid + "/exe cannot be read: "
                    + (e.getMessage() == null ? e.toString() : e.getMessage()) + "; give the pid of a running Go program, "
                    + "or its binary with --exec");
        }
    }

    /** {@code " (name)"} from {@code /proc/PID/comm}, or nothing. */
    private static String describe(Path dir) {
        try {
            return " (" + Files.readString(dir.resolve("comm"), StandardCharsets.UTF_8).strip() + ")";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** The state letter of {@code /proc/PID/stat} (after the parenthesised name), or null. */
    private static String state(Path dir) {
        try {
            String s = Files.readString(dir.resolve("stat"), StandardCharsets.UTF_8);
            int close = s.lastIndexOf(')');
            return close < 0 || close + 2 >= s.length() ? null : s.substring(close + 2, close + 3);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Kernel threads have PF_KTHREAD (0x00200000) in the flags, field 9 of {@code /proc/PID/stat}. */
    private static boolean isKernelThread(Path dir) {
        try {
            String s = Files.readString(dir.resolve("stat"), StandardCharsets.UTF_8);
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[6]) & 0x00200000L) != 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
