// SPDX-License-Identifier: Apache-2.0
package dev.golat.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real child process of this JVM stands for "a local process that a remote daemon's pid happens to name". */
class HostProcessesTest {
    private Process sleeper;
    private final Optional<String> ownNs = HostProcesses.pidNamespace(ProcessHandle.current().pid());

    @BeforeEach
    void start() throws Exception {
        sleeper = new ProcessBuilder("sleep", "60").start();
    }

    @AfterEach
    void stop() throws Exception {
        sleeper.destroyForcibly();
        sleeper.waitFor(10, TimeUnit.SECONDS);
    }

    @Test
    void should_never_signal_a_process_in_the_jvms_own_pid_namespace() throws Exception {
        assertThat(ownNs).isPresent();
        assertThat(HostProcesses.pidNamespace(sleeper.pid())).isEqualTo(ownNs);
        // the container's init would be this process too (same namespace): still refused
        assertThat(HostProcesses.signal(sleeper.pid(), sleeper.pid(), true, true, ownNs)).isFalse();
        assertThat(sleeper.waitFor(300, TimeUnit.MILLISECONDS)).as("still running").isFalse();
    }

    @Test
    void should_never_signal_when_docker_is_not_reached_through_a_local_socket() throws Exception {
        assertThat(HostProcesses.signal(sleeper.pid(), sleeper.pid(), true, false, Optional.of("pid:[1]"))).isFalse();
        assertThat(sleeper.waitFor(300, TimeUnit.MILLISECONDS)).as("still running").isFalse();
    }

    @Test
    void should_signal_a_process_in_the_containers_namespace_when_it_is_not_the_jvms() throws Exception {
        // GIVEN a JVM namespace that differs from the process's (as a container's does): the signal goes out
        assertThat(HostProcesses.signal(sleeper.pid(), sleeper.pid(), true, true, Optional.of("pid:[1]"))).isTrue();
        assertThat(sleeper.waitFor(10, TimeUnit.SECONDS)).as("killed").isTrue();
    }
}
