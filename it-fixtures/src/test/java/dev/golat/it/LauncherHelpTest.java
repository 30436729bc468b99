// SPDX-License-Identifier: Apache-2.0
package dev.golat.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.testbins.GoTestBinaries;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code ./golat help} prints the usage block, every command the launcher knows, and no shell code. */
class LauncherHelpTest {

    @Test
    void help_lists_every_command_and_no_code() throws Exception {
        Process p = new ProcessBuilder("bash", GoTestBinaries.root().resolve("golat").toString(), "help")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        List<String> lines = out.lines().toList();
        assertThat(lines.get(0)).isEqualTo("golat's launcher. Builds what it needs on first use.");
        for (String command : List.of("./golat demo", "./golat test", "./golat plan BINARY FUNCTION...",
                "./golat trace --pid PID FUNCTION...", "./golat trace FUNCTION... --exec -- CMD ARGS", "./golat help")) {
            assertThat(lines).as(out).anySatisfy(l -> assertThat(l.strip()).startsWith(command));
        }
        assertThat(out).doesNotContain("set -euo pipefail", "SPDX", "#");
    }
}
