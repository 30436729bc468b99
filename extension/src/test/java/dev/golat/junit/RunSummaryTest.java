// SPDX-License-Identifier: Apache-2.0
package dev.golat.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.result.GateResult;
import dev.golat.result.TestLatencies;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunSummaryTest {
    private static final List<GateResult> GATES = List.of(
            new GateResult("QuoteIT.fast()", "main.handleQuote", "p99", 112_345, "< 50 ms", true),
            new GateResult("QuoteIT.gate()", "main.handle|\"x\"", "p50", 41_600, "< 100 ns", false));

    @Test
    void should_write_every_gate_as_json() {
        assertThat(RunSummary.json(GATES)).isEqualTo("""
                {
                  "gates": 2,
                  "failed": 1,
                  "results": [
                    {"test": "QuoteIT.fast()", "function": "main.handleQuote", "statistic": "p99", "valueNanos": 112345, \
                "value": "112 µs", "limit": "< 50 ms", "verdict": "pass"},
                    {"test": "QuoteIT.gate()", "function": "main.handle|\\"x\\"", "statistic": "p50", "valueNanos": 41600, \
                "value": "41.6 µs", "limit": "< 100 ns", "verdict": "FAIL"}
                  ]
                }
                """);
        assertThat(RunSummary.json(List.of())).isEqualTo("{\n  \"gates\": 0,\n  \"failed\": 0,\n  \"results\": []\n}\n");
    }

    @Test
    void should_write_a_markdown_table_with_escaped_cells() {
        assertThat(RunSummary.markdown(GATES)).isEqualTo("""
                ### golat: 2 gates, 1 failed

                | test | function | statistic | value | limit | verdict |
                | --- | --- | --- | ---: | --- | --- |
                | QuoteIT.fast() | `main.handleQuote` | p99 | 112 µs | < 50 ms | pass |
                | QuoteIT.gate() | `main.handle\\|"x"` | p50 | 41.6 µs | < 100 ns | **FAIL** |

                """);
    }

    @Test
    void should_print_one_aligned_line_per_gate_and_the_json_path() {
        String nl = System.lineSeparator();
        assertThat(RunSummary.console(GATES, Path.of("/tmp/golat/summary.json"))).isEqualTo(nl
                + "golat: 2 gates, 1 failed" + nl
                + "  verdict  test            function          statistic  value    limit" + nl
                + "  pass     QuoteIT.fast()  main.handleQuote  p99        112 µs   < 50 ms" + nl
                + "  FAIL     QuoteIT.gate()  main.handle|\"x\"   p50        41.6 µs  < 100 ns" + nl
                + "golat: summary /tmp/golat/summary.json" + nl);
    }

    @Test
    void should_name_tests_as_the_extension_does() {
        assertThat(GolatSummaryListener.testName("com.example.QuoteLatencyIT", "quotesStayFast"))
                .isEqualTo("QuoteLatencyIT.quotesStayFast()");
        assertThat(GolatSummaryListener.testName("dev.golat.it.console.QuietConsoleChildMain$TracedTestCase", "traced"))
                .isEqualTo("TracedTestCase.traced()");
    }

    @Test
    void should_publish_count_and_percentiles_per_function() {
        var entries = JUnitReporting.entries(TestLatencies.stmtExecute());
        assertThat(entries.keySet()).containsExactly("golat.handleStmtExecute.function", "golat.handleStmtExecute.count",
                "golat.handleStmtExecute.p50", "golat.handleStmtExecute.p90", "golat.handleStmtExecute.p99",
                "golat.handleStmtExecute.max");
        assertThat(entries.get("golat.handleStmtExecute.count")).isEqualTo(Long.toString(TestLatencies.stmtExecute().count()));
        assertThat(entries.get("golat.handleStmtExecute.p99"))
                .isEqualTo(dev.golat.result.Units.duration(TestLatencies.stmtExecute().p99()));
        assertThat(JUnitReporting.entries(dev.golat.result.Latency.empty("rollback", "main.rollback")))
                .containsExactly(java.util.Map.entry("golat.rollback.function", "main.rollback"),
                        java.util.Map.entry("golat.rollback.count", "0"));
    }
}
