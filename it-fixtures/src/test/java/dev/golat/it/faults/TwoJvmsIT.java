// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.it.ChildJvm;
import dev.golat.it.cleanup.HostTraces;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two JVMs trace the same binary file at once, each in its own service process: the uprobes sit on the same file
 * (one inode, when Docker's build cache shares the image layer), and each agent's links are filtered to its own
 * process, so each JVM counts exactly its own calls. Different call counts per JVM make a leak from one into the
 * other visible; each is checked against its server's own count.
 */
class TwoJvmsIT {
    private static final int[] CALLS = {3000, 5000};
    private final List<ChildJvm> children = new ArrayList<>();

    @AfterEach
    void killChildren() {
        children.forEach(c -> c.process().destroyForcibly());
    }

    @Test
    void should_count_each_jvm_exactly_when_two_trace_the_same_binary_at_once() throws Exception {
        for (int calls : CALLS) {
            children.add(ChildJvm.start(SameBinaryChildMain.class, "golat.faults.calls=" + calls));
        }
        List<String> files = new ArrayList<>();
        for (ChildJvm c : children) {
            long pid = Long.parseLong(c.awaitLine("ATTACHED ").substring("ATTACHED ".length()));
            files.add(HostTraces.run("stat", "-L", "-c", "dev %d inode %i size %s", "/proc/" + pid + "/exe"));
        }
        // Both attached; now both drive their calls at the same time.
        for (ChildJvm c : children) {
            c.send("go");
        }
        for (int i = 0; i < children.size(); i++) {
            ChildJvm c = children.get(i);
            assertThat(c.awaitLine("COUNT ")).isEqualTo("COUNT golat=" + CALLS[i] + " server=" + CALLS[i]);
            assertThat(c.awaitLine("RESULT ")).as("child %d: %s", i, c.seen()).isEqualTo("RESULT succeeded=1 failed=0");
            assertThat(c.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        // Each container has an overlay mount of its own (its dev); the same inode number is the same layer file.
        boolean shared = files.get(0).replaceFirst("^dev \\d+ ", "").equals(files.get(1).replaceFirst("^dev \\d+ ", ""));
        System.out.printf("golat two JVMs: exact counts %d and %d; the services' executables: %s and %s (%s)%n",
                CALLS[0], CALLS[1], files.get(0), files.get(1),
                shared ? "one layer file: the uprobes sit on one inode" : "two copies");
    }
}
