// SPDX-License-Identifier: Apache-2.0
package dev.golat.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code golat trace --pid}: a pid that does not exist, and pids whose /proc entry exists but has no executable. */
class TargetProcessTest {

    @Test
    void a_pid_that_does_not_exist() {
        assertThatThrownBy(() -> TargetProcess.executable(2_147_483_647L)).isInstanceOf(UsageException.class)
                .hasMessage("no process 2147483647: /proc/2147483647 does not exist; give the pid of a running Go program "
                        + "(e.g. from pgrep)");
    }

    @Test
    void a_kernel_thread_exists_but_has_no_executable() throws Exception {
        assumeThat(Files.exists(Path.of("/proc/2/stat"))).as("kthreadd visible in this PID namespace").isTrue();
        assertThatThrownBy(() -> TargetProcess.executable(2)).isInstanceOf(UsageException.class)
                .hasMessage("process 2 (kthreadd) is a kernel thread: it has no executable (/proc/2/exe cannot be read), "
                        + "so there is nothing to trace; give the pid of a Go program");
    }

    @Test
    void a_zombie_exists_but_has_exited() throws Exception {
        // GIVEN a child that exits at once and a parent (sleep, after exec) that never reaps it
        Process parent = new ProcessBuilder("/bin/sh", "-c", "/bin/true & exec sleep 30").start();
        try {
            long zombie = -1;
            for (int i = 0; i < 500 && zombie < 0; i++) {
                zombie = parent.children().filter(c -> state(c.pid()).equals("Z")).mapToLong(ProcessHandle::pid)
                        .findFirst().orElse(-1);
                Thread.sleep(10);
            }
            assertThat(zombie).as("zombie child of %d", parent.pid()).isPositive();
            long pid = zombie;
            assertThatThrownBy(() -> TargetProcess.executable(pid)).isInstanceOf(UsageException.class)
                    .hasMessage("process " + pid + " (true) is a zombie: it has exited and waits for its parent to reap it, "
                            + "so there is nothing to trace; give the pid of a running Go program");
        } finally {
            parent.destroyForcibly();
            parent.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void a_live_process_gives_its_executable() {
        assertThat(TargetProcess.executable(ProcessHandle.current().pid()))
                .isEqualTo(Path.of("/proc/" + ProcessHandle.current().pid() + "/exe"));
    }

    private static String state(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return s.substring(s.lastIndexOf(')') + 2, s.lastIndexOf(')') + 3);
        } catch (Exception e) {
            return "?";
        }
    }
}
