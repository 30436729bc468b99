// SPDX-License-Identifier: Apache-2.0
package dev.golat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.testbins.GoTestBinaries;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code golat plan}: one JSON object per function; exit 2 and a message on bad input. */
class PlanCommandTest {

    @Test
    void prints_one_json_object_per_function() {
        String bin = GoTestBinaries.program("stmtserver").toString();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = PlanCommand.run(List.of(bin, "handleStmtExecute", "main.getTSO"),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(exit).isZero();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).matches("\\{\"goVersion\":\"go1\\.\\d+\\.\\d+\",\"function\":\"main\\.\\(\\*clientConn\\)"
                + "\\.handleStmtExecute\",\"entry\":\"0x[0-9a-f]+\",\"entryFileOffset\":\"0x[0-9a-f]+\",\"entrySite\":"
                + "\\{\"fileOffset\":\"0x[0-9a-f]+\",\"address\":\"0x[0-9a-f]+\",\"kind\":\"jcc\"},\"morestackSites\":"
                + "\\[\"0x[0-9a-f]+\"],\"returns\":\\[(\"0x[0-9a-f]+\",?)+],\"measurable\":true,\"warnings\":\\[]}");
    }

    @Test
    void prints_one_json_object_per_instantiation_of_a_generic_function() {
        dev.golat.binary.GoBinary generics = dev.golat.binary.GoBinary.open(GoTestBinaries.program("generics"));
        List<String> instantiations = generics.select("Hold").instances().stream()
                .map(dev.golat.binary.FunctionSelection.Instance::name).toList();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = PlanCommand.run(List.of(generics.path().toString(), "Hold"), new PrintStream(out, true, StandardCharsets.UTF_8));
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(exit).isZero();
        assertThat(lines).hasSize(instantiations.size()).hasSizeGreaterThan(1);
        for (int i = 0; i < lines.size(); i++) {
            assertThat(lines.get(i)).contains("\"function\":\"" + instantiations.get(i) + "\"")
                    .endsWith(",\"generic\":\"main.Hold[...]\"}");
        }
    }

    @Test
    void unknown_function_exits_2_with_the_closest_names() {
        String bin = GoTestBinaries.program("go1.21", "stmtserver").toString();
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = Main.run(List.of("plan", bin, "handleStmtExecut"));
        } finally {
            System.setErr(saved);
        }
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("golat plan: no Go function 'handleStmtExecut' in "
                + bin + " (Go 1.21.").contains("closest: main.(*clientConn).handleStmtExecute");
    }

    @Test
    void missing_arguments_exit_2_with_usage() {
        assertThat(Main.run(List.of("plan"))).isEqualTo(2);
    }
}
