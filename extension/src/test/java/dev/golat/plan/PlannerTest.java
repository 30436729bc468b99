// SPDX-License-Identifier: Apache-2.0
package dev.golat.plan;

import dev.golat.agent.SpanSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.golat.testbins.GoTestBinaries;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The plan's addresses and file offsets, checked against objdump ({@code -F} prints file offsets). */
class PlannerTest {
    private static final Pattern FUNCTION_HEADER =
            Pattern.compile("^([0-9a-f]+) <.*> \\(File Offset: 0x([0-9a-f]+)\\):$");
    private static final Pattern LINE = Pattern.compile("^\\s+([0-9a-f]+):\\s+(.*)$");

    static Stream<String> goVersions() {
        return GoTestBinaries.goVersions().stream();
    }

    @ParameterizedTest
    @MethodSource("goVersions")
    void plan_of_handleStmtExecute_agrees_with_objdump(String go) throws Exception {
        Path bin = GoTestBinaries.program(go, "stmtserver");
        ProbePlan plan = Planner.of(bin).plan("handleStmtExecute");

        Objdump od = Objdump.of(bin, plan.entry());
        assertThat(plan.function()).isEqualTo("main.(*clientConn).handleStmtExecute");
        assertThat(plan.entryFileOffset()).isEqualTo(od.fileOffset);
        assertThat(plan.returns()).isEqualTo(od.fileOffsetsOf(od.rets));
        assertThat(plan.morestackSites()).isEqualTo(od.fileOffsetsOf(od.morestackCalls));
        // The stack check: the first conditional jump, a JBE (or a JB in huge frames).
        assertThat(plan.entrySite().kind()).isEqualTo(EntryKind.JCC);
        assertThat(plan.entrySite().fileOffset()).isEqualTo(od.fileOffsetsOf(List.of(od.firstJcc)).get(0));
        assertThat(plan.warnings()).isEmpty();
    }

    /**
     * The agent's {@code stacks} sites: runtime.copystack's stack-check jcc, before which nothing writes RAX (its
     * first argument, the g whose stack moves), and every RET of runtime.newproc1 (RAX = its result, the new g).
     */
    @ParameterizedTest
    @MethodSource("goVersions")
    void stack_move_sites_agree_with_objdump(String go) throws Exception {
        for (GoTestBinaries.Variant variant : GoTestBinaries.Variant.values()) {
            Path bin = GoTestBinaries.program(go, variant, "workload");
            Planner planner = Planner.of(bin);
            if (variant == GoTestBinaries.Variant.STRIPPED || variant == GoTestBinaries.Variant.STRIPPED_PIE) {
                // objdump finds no functions without symbols: the pclntab's sites, as many as unstripped
                assertThat(planner.stackMoveSites()).as("%s %s", go, variant).hasSize(
                        Planner.of(GoTestBinaries.program(go, variant == GoTestBinaries.Variant.STRIPPED
                                ? GoTestBinaries.Variant.DEFAULT : GoTestBinaries.Variant.PIE, "workload"))
                                .stackMoveSites().size());
                continue;
            }
            Objdump copy = Objdump.of(bin, planner.plan("runtime.copystack").entry());
            Objdump start = Objdump.of(bin, planner.plan("runtime.newproc1").entry());
            List<Long> expected = new ArrayList<>(copy.fileOffsetsOf(List.of(copy.firstJcc)));
            expected.addAll(start.fileOffsetsOf(start.rets));
            assertThat(planner.stackMoveSites()).as("%s %s", go, variant).isEqualTo(expected).hasSizeGreaterThan(1);
            assertThat(copy.beforeFirstJcc).as("%s %s: runtime.copystack's prologue", go, variant).isNotEmpty()
                    .noneMatch(insn -> insn.matches(".*,%[re]?ax$|.*,%al$"));
        }
    }

    /** Real third-party servers and CLIs (Debian, npm): each gets the stack-move sites; one built before Go 1.17 none. */
    @Test
    void stack_move_sites_of_real_binaries() {
        for (String name : List.of("prometheus", "dockerd", "esbuild", "buf-go124", "esbuild-go125", "esbuild-go120",
                "esbuild-go118", "esbuild-go117")) {
            Planner planner = Planner.of(GoTestBinaries.cached(name));
            List<Long> sites = planner.stackMoveSites();
            assertThat(sites).as(name).hasSizeGreaterThan(1)
                    .startsWith(planner.plan("runtime.copystack").entrySite().fileOffset());
            assertThat(sites.subList(1, sites.size())).as(name).isEqualTo(planner.plan("runtime.newproc1").returns());
        }
        assertThat(dev.golat.agent.AgentSession.stackMoveSites(GoTestBinaries.cached("esbuild-go116")))
                .as("Go 1.16 (ABI0, refused by the planner)").isEmpty();
    }

    @Test
    void stack_move_sites_of_a_binary_without_the_runtime_are_none() {
        Path notGo = Path.of("/bin/true");
        assertThat(dev.golat.agent.AgentSession.stackMoveSites(notGo)).isEmpty();
    }

    @Test
    void leaf_without_stack_check_is_probed_at_its_first_instruction() {
        Path bin = GoTestBinaries.program("workload");
        ProbePlan plan = Planner.of(bin).plan("main.trivial");
        assertThat(plan.entrySite().kind()).isEqualTo(EntryKind.FIRST);
        assertThat(plan.entrySite().fileOffset()).isEqualTo(plan.entryFileOffset());
        assertThat(plan.morestackSites()).isEmpty();
        assertThat(plan.returns()).isNotEmpty();
    }

    @Test
    void offset_and_raw_address_on_a_boundary_are_accepted() throws Exception {
        Path bin = GoTestBinaries.program("stmtserver");
        Planner planner = Planner.of(bin);
        ProbePlan whole = planner.plan("handleStmtExecute");
        long jccOffset = whole.entrySite().address() - whole.entry();

        ProbePlan byOffset = planner.plan("handleStmtExecute+" + jccOffset);
        ProbePlan byAddress = planner.plan("0x" + Long.toHexString(whole.entrySite().address()));

        for (ProbePlan p : List.of(byOffset, byAddress)) {
            assertThat(p.entrySite().kind()).isEqualTo(EntryKind.OFFSET);
            assertThat(p.entrySite().fileOffset()).isEqualTo(whole.entrySite().fileOffset());
            assertThat(p.returns()).isEqualTo(whole.returns());
        }
    }

    @Test
    void offset_inside_an_instruction_names_the_nearest_boundaries() {
        Path bin = GoTestBinaries.program("go1.21", "stmtserver");
        assertThatThrownBy(() -> Planner.of(bin).plan("handleStmtExecute+1"))
                .isInstanceOf(PlanException.class)
                .hasMessageMatching("'handleStmtExecute\\+1' \\(0x[0-9a-f]+\\) is inside an instruction of "
                        + "main\\.\\(\\*clientConn\\)\\.handleStmtExecute in .*/go1\\.21/stmtserver; nearest instruction "
                        + "boundaries: main\\.\\(\\*clientConn\\)\\.handleStmtExecute\\+0 \\(0x[0-9a-f]+\\) and "
                        + "main\\.\\(\\*clientConn\\)\\.handleStmtExecute\\+\\d+ \\(0x[0-9a-f]+\\)");
    }

    @Test
    void offset_past_the_end_is_refused() {
        Path bin = GoTestBinaries.program("stmtserver");
        assertThatThrownBy(() -> Planner.of(bin).plan("main.getTSO+100000"))
                .isInstanceOf(PlanException.class)
                .hasMessageStartingWith("'main.getTSO+100000' (0x")
                .hasMessageContaining(") is outside main.getTSO [0x");
    }

    @Test
    void address_outside_any_function_is_refused() {
        Path bin = GoTestBinaries.program("stmtserver");
        assertThatThrownBy(() -> Planner.of(bin).plan("0x10"))
                .isInstanceOf(PlanException.class)
                .hasMessageStartingWith("address 0x10 is not inside any Go function of ");
    }

    @Test
    void function_with_no_ret_is_planned_as_unmeasurable_with_the_reason() {
        Path bin = GoTestBinaries.program("stmtserver");
        ProbePlan plan = Planner.of(bin).plan("runtime.goexit");
        assertThat(plan.returns()).isEmpty();
        assertThat(plan.warnings()).singleElement().asString().contains("runtime.goexit");
    }

    @Test
    void a_function_also_inlined_elsewhere_carries_a_warning() {
        // sync.(*Mutex).Unlock has a body of its own and is inlined into its callers (its fast path):
        // InlineTreeTest checks inlinedInto() against the compiler's -gcflags=-m report.
        ProbePlan plan = Planner.of(GoTestBinaries.program("stmtserver")).plan("sync.(*Mutex).Unlock");
        assertThat(plan.returns()).isNotEmpty();
        assertThat(plan.warnings()).singleElement().asString()
                .matches("sync\\.\\(\\*Mutex\\)\\.Unlock was also inlined into \\d+ callers \\(.*\\): those calls will not be seen");
    }

    @Test
    void span_points_are_entries_returns_or_offsets() {
        Planner planner = Planner.of(GoTestBinaries.program("stmtserver"));
        ProbePlan handle = planner.plan("handleStmtExecute");
        ProbePlan tso = planner.plan("getTSO");

        PointPlan entry = planner.planPoint("handleStmtExecute");
        PointPlan ret = planner.planPoint("getTSO:return");

        assertThat(entry.kind()).isEqualTo(PointPlan.Kind.ENTRY);
        assertThat(entry.sites()).containsExactly(handle.entrySite().fileOffset());
        assertThat(entry.functionReturns()).isEqualTo(handle.returns());
        assertThat(ret.kind()).isEqualTo(PointPlan.Kind.RETURN);
        assertThat(ret.sites()).isEqualTo(tso.returns());
    }

    @Test
    void a_span_is_cancelled_at_the_from_functions_returns_except_where_it_ends() {
        Planner planner = Planner.of(GoTestBinaries.program("stmtserver"));
        ProbePlan handle = planner.plan("handleStmtExecute");

        SpanPlan toTso = planner.planSpan("dispatch-to-tso", "handleStmtExecute", "getTSO");
        SpanPlan whole = planner.planSpan("whole", "handleStmtExecute", "handleStmtExecute:return");

        assertThat(toTso.cancelSites()).isEqualTo(handle.returns());
        assertThat(whole.cancelSites()).isEmpty();
        assertThat(SpanSpec.of(3, toTso).toLine()).startsWith("span 3 dispatch-to-tso start="
                + Long.toHexString(handle.entrySite().fileOffset()) + " end=");
    }

    @Test
    void a_span_needs_two_different_points() {
        Planner planner = Planner.of(GoTestBinaries.program("stmtserver"));
        assertThatThrownBy(() -> planner.planSpan("s", "getTSO", "main.getTSO"))
                .isInstanceOf(PlanException.class)
                .hasMessage("span s: 'getTSO' and 'main.getTSO' are the same probe site; a span needs two different points");
    }

    @Test
    void return_of_an_offset_is_refused() {
        Planner planner = Planner.of(GoTestBinaries.program("stmtserver"));
        long jcc = planner.plan("getTSO").entrySite().address();
        String spec = "0x" + Long.toHexString(jcc) + ":return";
        assertThatThrownBy(() -> planner.planPoint(spec))
                .isInstanceOf(PlanException.class)
                .hasMessage("'" + spec + "': :return takes a function, not an offset or address");
    }

    /** objdump -d -F of one function: its file offset, RETs, morestack calls and first conditional jump. */
    static final class Objdump {
        long address;
        long fileOffset;
        final List<Long> rets = new ArrayList<>();
        final List<Long> morestackCalls = new ArrayList<>();
        long firstJcc = -1;
        final List<String> beforeFirstJcc = new ArrayList<>();

        static Objdump of(Path bin, long entry) throws IOException, InterruptedException {
            Process p = new ProcessBuilder("objdump", "-d", "-F", "--no-show-raw-insn",
                    "--start-address=0x" + Long.toHexString(entry), "--stop-address=0x" + Long.toHexString(entry + 1)
                            + "0", bin.toString())
                    .redirectErrorStream(true).start();
            Objdump od = new Objdump();
            boolean inFunction = false;
            for (String line : new String(p.getInputStream().readAllBytes()).split("\n")) {
                Matcher h = FUNCTION_HEADER.matcher(line);
                if (h.matches()) {
                    if (inFunction) {
                        break; // the next function
                    }
                    inFunction = Long.parseLong(h.group(1), 16) == entry;
                    od.address = entry;
                    od.fileOffset = Long.parseLong(h.group(2), 16);
                    continue;
                }
                Matcher l = LINE.matcher(line);
                if (!inFunction || !l.matches()) {
                    continue;
                }
                long at = Long.parseLong(l.group(1), 16);
                String insn = l.group(2).strip();
                if (insn.equals("ret") || insn.startsWith("ret ")) {
                    od.rets.add(at);
                } else if (insn.startsWith("call") && insn.contains("<runtime.morestack")
                        && !insn.contains("morestackc")) {
                    od.morestackCalls.add(at);
                } else if (od.firstJcc < 0 && insn.matches("j(be|b|a|ae|e|ne|l|le|g|ge|s|ns|o|no|p|np)\\s.*")) {
                    od.firstJcc = at;
                }
                if (od.firstJcc < 0) {
                    od.beforeFirstJcc.add(insn);
                }
            }
            p.waitFor();
            if (!inFunction) {
                throw new IllegalStateException("objdump shows no function at 0x" + Long.toHexString(entry) + " in " + bin);
            }
            return od;
        }

        List<Long> fileOffsetsOf(List<Long> addresses) {
            return addresses.stream().map(a -> a - address + fileOffset).toList();
        }
    }
}
