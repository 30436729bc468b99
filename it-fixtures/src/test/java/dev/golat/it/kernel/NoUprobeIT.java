// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.kernel;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.golat.agent.AgentException;
import dev.golat.agent.AgentSession;
import dev.golat.agent.HostAgent;
import dev.golat.it.agent.Workload;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A kernel without uprobes: the agent refuses with NOUPROBE and says what the kernel needs, instead of
 * letting libbpf fall back to writing tracefs. Simulated by running the real agent in its own mount namespace
 * with an empty tmpfs over /sys/bus/event_source/devices, which is where the kernel lists its uprobe PMU.
 */
class NoUprobeIT {
    private static final List<String> WITHOUT_UPROBE_PMU = List.of("unshare", "-m", "sh", "-c",
            "mount -t tmpfs golat-no-uprobe /sys/bus/event_source/devices && exec \"$@\"", "sh");

    @Test
    void a_kernel_without_the_uprobe_pmu_is_named_as_such() throws Exception {
        try (Workload w = Workload.start("go1.21", "-mode", "block", "-n", "10");
                AgentSession agent = HostAgent.start(WITHOUT_UPROBE_PMU)) {
            assertThatThrownBy(() -> agent.start(w.pid(), w.binary.toString(), List.of(w.probe(0, "main.blockSleep"))))
                    .isInstanceOf(AgentException.class)
                    .hasFieldOrPropertyWithValue("code", "NOUPROBE")
                    .hasMessageContaining("this kernel has no uprobe PMU (/sys/bus/event_source/devices/uprobe/type: "
                            + "No such file or directory): it needs CONFIG_UPROBE_EVENTS and a mounted /sys");
        }
    }
}
