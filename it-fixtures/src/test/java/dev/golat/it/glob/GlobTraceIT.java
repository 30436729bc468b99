// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.glob;

import static dev.golat.it.GolatCli.golat;

import dev.golat.it.GolatCli.Result;
import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.it.MiniJson;
import dev.golat.testbins.GoTestBinaries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@code golat trace} of a glob over many methods of one type, as a user runs it: a separate JVM, the host agent,
 * the workload's {@code -mode fleet}, which calls each of the first K of its 1,000 methods
 * {@code main.(*fleet).M0000 … M0999} exactly N times (its own count is the oracle), and has one method that cannot
 * be measured ({@code Fail}: no RET).
 */
class GlobTraceIT {
    private static final String WORKLOAD = GoTestBinaries.program("go1.26", "workload").toString();

    @Test
    void a_glob_over_a_thousand_methods_counts_every_call_and_skips_the_one_that_cannot_be_measured() throws Exception {
        // GIVEN the first 990 methods called 200 times each, the last 10 never
        Result r = golat("trace", "main.(*fleet).*", "--json", "--exec", "--", WORKLOAD,
                "-mode", "fleet", "-n", "200", "-fleet", "990", "-quiet");
        assertThat(r.exit()).as("exit code; stderr:%n%s", r.stderr()).isZero();
        String own = r.line("\"mode\":\"fleet\"");
        assertThat(MiniJson.number(own, "count")).isEqualTo(200);
        assertThat(MiniJson.number(own, "functions")).isEqualTo(990);

        // THEN Fail (no RET) and the two methods inlined everywhere are left out with one warning each
        assertThat(r.stderr()).contains("golat trace: 'main.(*fleet).*' matches 1000 functions that can be measured (3 more cannot)");
        assertThat(count(r.stderr(), "not traced: ")).isEqualTo(3);
        assertThat(r.stderr()).contains("golat trace: warning: not traced: main.(*fleet).Fail cannot be measured: it has no RET")
                .contains("golat trace: warning: not traced: main.(*fleet).Inlined was inlined into its one caller "
                        + "(main.runFleet), so it has no code of its own to probe: trace a caller, or build with -gcflags=-l")
                .contains("golat trace: warning: not traced: main.(*fleet).step was inlined into all 1000 of its callers "
                        + "(main.(*fleet).M0000, main.(*fleet).M0001, main.(*fleet).M0002, ...), so it has no code of its own");
        List<String> lines = r.stdout().stream().filter(l -> l.contains("\"function\":\"main.(*fleet).")).toList();
        assertThat(lines).hasSize(1000);
        // AND each one's count is the workload's own: 200 for the called, 0 (never entered) for the rest
        for (int i = 0; i < 1000; i++) {
            String name = String.format("main.(*fleet).M%04d", i);
            String line = lines.stream().filter(l -> l.contains("\"function\":\"" + name + "\"")).findFirst()
                    .orElseThrow(() -> new AssertionError("no line for " + name));
            long want = i < 990 ? 200 : 0;
            assertThat(MiniJson.number(line, "count")).as(name).isEqualTo(want);
            assertThat(MiniJson.number(line, "counters.entries")).as(name).isEqualTo(want);
            assertThat(MiniJson.number(line, "counters.unmatched")).as(name).isZero();
            assertThat(MiniJson.number(line, "counters.errors")).as(name).isZero();
        }
    }

    @Test
    void many_functions_print_a_table_and_the_never_called_on_one_line() throws Exception {
        // GIVEN 100 methods matched, the first 95 called 50 times each
        Result r = golat("trace", "main.(*fleet).M00*", "--sort", "name", "--exec", "--", WORKLOAD,
                "-mode", "fleet", "-n", "50", "-fleet", "95", "-quiet");
        assertThat(r.exit()).as("exit code; stderr:%n%s", r.stderr()).isZero();
        // THEN one row per called function, in name order, each with the workload's count
        Pattern row = Pattern.compile("^(main\\.\\(\\*fleet\\)\\.M\\d{4})\\s+([\\d,]+)\\s+\\S+ \\S+\\s+\\S+ \\S+\\s+\\S+ \\S+\\s+\\S+ \\S+$");
        List<String> names = new ArrayList<>();
        for (String l : r.stdout()) {
            Matcher m = row.matcher(l);
            if (m.matches()) {
                names.add(m.group(1));
                assertThat(m.group(2)).as(l).isEqualTo("50");
            }
        }
        assertThat(names).containsExactlyElementsOf(IntStream.range(0, 95).mapToObj(i -> String.format("main.(*fleet).M%04d", i)).toList());
        assertThat(r.stdout().stream().filter(l -> l.startsWith("function ")).findFirst().orElse(""))
                .matches("function\\s+count\\s+total\\s+p50\\s+p99\\s+max");
        // AND the five never called share one line
        assertThat(r.stdout()).contains("never called (5): main.(*fleet).M0095, main.(*fleet).M0096, main.(*fleet).M0097, "
                + "main.(*fleet).M0098, main.(*fleet).M0099");
        assertThat(r.stdout()).noneMatch(l -> l.contains("no call measured"));
    }

    @Test
    void the_table_sorts_by_total_time_by_default() throws Exception {
        // GIVEN methods called the same number of times: the per-call time decides the total
        Result r = golat("trace", "main.(*fleet).M000*", "main.smallNonLeaf", "--exec", "--", WORKLOAD,
                "-mode", "fleet", "-n", "300", "-fleet", "10", "-quiet");
        assertThat(r.exit()).as("exit code; stderr:%n%s", r.stderr()).isZero();
        List<Long> totals = new ArrayList<>();
        Pattern row = Pattern.compile("^main\\.\\(\\*fleet\\)\\.M\\d{4}\\s+300\\s+(\\S+) (\\S+)\\s.*$");
        for (String l : r.stdout()) {
            Matcher m = row.matcher(l);
            if (m.matches()) {
                totals.add(nanos(m.group(1), m.group(2)));
            }
        }
        // THEN all ten rows are there, largest total first; smallNonLeaf (never called) is on the never-called line
        assertThat(totals).hasSize(10);
        assertThat(totals).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(r.stdout()).contains("never called (1): main.smallNonLeaf");
    }

    @Test
    void a_function_named_exactly_that_cannot_be_measured_still_fails() throws Exception {
        Result r = golat("trace", "main.(*fleet).Fail", "--exec", "--", WORKLOAD, "-mode", "fleet", "-n", "1");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).contains("golat trace: main.(*fleet).Fail cannot be measured: it has no RET instruction");
    }

    @Test
    void a_glob_that_matches_only_inlined_functions_says_where_they_went() throws Exception {
        Result r = golat("trace", "main.(*fleet).Inl*", "--exec", "--", WORKLOAD, "-mode", "fleet", "-n", "1");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).contains("golat trace: no Go function matches the glob 'main.(*fleet).Inl*' in " + WORKLOAD)
                .contains("; the glob matches 1 function that was inlined into every caller, so it has no code of its own "
                        + "to probe (main.(*fleet).Inlined): trace the callers, or build with -gcflags=-l");
    }

    @Test
    void a_name_outside_ascii_is_traced_by_that_name() throws Exception {
        Result r = golat("trace", "main.grüße", "--json", "--exec", "--", WORKLOAD, "-mode", "fleet", "-n", "120", "-fleet", "3",
                "-quiet");
        assertThat(r.exit()).as("exit code; stderr:%n%s", r.stderr()).isZero();
        assertThat(MiniJson.number(r.line("\"function\":\"main.grüße\""), "count"))
                .isEqualTo(MiniJson.number(r.line("\"mode\":\"fleet\""), "count")).isEqualTo(120);
    }

    @Test
    void a_bad_sort_column_is_a_usage_error() throws Exception {
        Result r = golat("trace", "main.(*fleet).*", "--sort", "p95", "--exec", "--", WORKLOAD, "-mode", "fleet");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).contains("golat trace: --sort: 'p95' is not a column to sort by; choose one of count, "
                + "total, p50, p99, max, name");
    }

    /** {@code 1.23 ms} in ns, as the table prints it (3 significant digits, so only the order is compared). */
    private static long nanos(String number, String unit) {
        double v = Double.parseDouble(number.replace(",", ""));
        return (long) (v * switch (unit) {
            case "ns" -> 1;
            case "µs" -> 1_000;
            case "ms" -> 1_000_000;
            case "s" -> 1_000_000_000;
            default -> throw new AssertionError("unit " + unit);
        });
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
