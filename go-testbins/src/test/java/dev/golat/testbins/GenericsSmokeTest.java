// SPDX-License-Identifier: Apache-2.0
package dev.golat.testbins;

import static dev.golat.testbins.MiniJson.num;
import static dev.golat.testbins.MiniJson.obj;
import static dev.golat.testbins.MiniJson.str;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generics program, with every toolchain's build: its own counts follow the documented weights, and the
 * entry addresses it reports for each instantiation are those of the symbols {@code go tool nm} lists.
 */
class GenericsSmokeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** Type argument → weight, in the order the program prints them. */
    static final Map<String, Integer> WEIGHTS = weights();

    static List<String> goVersions() {
        return GoTestBinaries.goVersions();
    }

    private static Map<String, Integer> weights() {
        Map<String, Integer> w = new LinkedHashMap<>();
        List<String> args = List.of("int", "celsius", "string", "*node", "*leaf", "point");
        for (int i = 0; i < args.size(); i++) {
            w.put(args.get(i), i + 1);
        }
        return w;
    }

    @ParameterizedTest
    @MethodSource("goVersions")
    void every_call_is_counted_per_type_argument(String go) throws Exception {
        int rounds = 7;
        Map<String, Object> r = run(go, "-rounds", "" + rounds, "-goroutines", "3", "-sleep", "0");

        boolean rangeFunc = GoTestBinaries.compareGoVersions(go, "go1.23") >= 0;
        Map<String, Object> calls = obj(r, "calls");
        Set<String> expected = new HashSet<>(List.of("Counter", "Counter.func1", "Drain", "Hold", "Len", "Pop", "Push", "Push-fm",
                "apply", "applyCount", "offset.func1", "round", "round.defer", "run.go", "tally.Push"));
        if (rangeFunc) {
            expected.addAll(List.of("All", "All.func1", "Drain-range1"));
        }
        assertThat(calls.keySet()).as("functions counted by %s", go).containsExactlyInAnyOrderElementsOf(expected);
        Map<String, Object> hold = obj(r, "hold");
        for (Map.Entry<String, Integer> e : WEIGHTS.entrySet()) {
            String arg = e.getKey();
            long w = e.getValue();
            for (String fn : List.of("Hold", "Push", "Push-fm", "apply", "Counter.func1", "applyCount")) {
                assertThat(num(obj(calls, fn), arg)).as("%s[%s]", fn, arg).isEqualTo(rounds * w);
            }
            for (String fn : List.of("Counter", "Len", "Drain", "round", "round.defer")) {
                assertThat(num(obj(calls, fn), arg)).as("%s[%s]", fn, arg).isEqualTo(rounds);
            }
            assertThat(num(obj(calls, "Pop"), arg)).isEqualTo(rounds * (w + 1));
            if (rangeFunc) {
                assertThat(num(obj(calls, "Drain-range1"), arg)).isEqualTo(rounds * w);
                assertThat(num(obj(calls, "All.func1"), arg)).isEqualTo(rounds);
            }
            assertThat(num(obj(hold, arg), "count")).isEqualTo(rounds * w);
        }
        assertThat(num(obj(hold, "all"), "count")).isEqualTo(rounds * 21);
        assertThat(num(obj(calls, "run.go"), "")).isEqualTo(3);
        assertThat(num(obj(calls, "offset.func1"), "")).isEqualTo(rounds);
        assertThat(num(obj(calls, "tally.Push"), "")).isEqualTo(rounds);
    }

    @ParameterizedTest
    @MethodSource("goVersions")
    void hold_calls_last_at_least_the_sleep(String go) throws Exception {
        Map<String, Object> r = run(go, "-rounds", "4", "-goroutines", "4", "-sleep", "1ms");

        Map<String, Object> all = obj(obj(r, "hold"), "all");
        Map<String, Object> inner = obj(obj(r, "holdInner"), "all");
        assertThat(num(all, "count")).isEqualTo(4 * 21);
        assertThat(num(inner, "count")).isEqualTo(4 * 21);
        WorkloadSmokeTest.assertPercentilesOrdered(all);
        WorkloadSmokeTest.assertPercentilesOrdered(inner);
        assertThat(num(inner, "p50")).isGreaterThanOrEqualTo(Duration.ofMillis(1).toNanos());
        // The clock inside Hold runs within the caller's, call by call, so every percentile is at most the caller's.
        for (String p : List.of("p50", "p90", "p99", "max")) {
            assertThat(num(inner, p)).as("Hold %s inside vs around", p).isLessThanOrEqualTo(num(all, p));
        }
    }

    /**
     * The addresses the program reports (the Go runtime's own FuncForPC) are the entries of the instantiations
     * {@code go tool nm} lists under the expected names; the shapes group the six type arguments as documented.
     */
    @ParameterizedTest
    @MethodSource("goVersions")
    void reported_entries_are_the_instantiations_in_the_symbol_table(String go) throws Exception {
        Map<String, Object> r = run(go, "-rounds", "0");
        Map<Long, String> symbols = new HashMap<>();
        for (String line : GoSymbolsTest.go(go, "tool", "nm", GoTestBinaries.program(go, "generics").toString())) {
            String[] f = line.trim().split("\\s+", 3);
            if (f.length == 3 && (f[1].equals("T") || f[1].equals("t"))) {
                symbols.put(Long.parseLong(f[0], 16), f[2]);
            }
        }
        boolean go121 = GoTestBinaries.compareGoVersions(go, "go1.21") >= 0;
        Map<String, String> bare = new LinkedHashMap<>();
        bare.put("Hold", "main.Hold");
        bare.put("Push", "main.(*Stack).Push");
        bare.put("Pop", "main.(*Stack).Pop");
        bare.put("Len", "main.Stack.Len");
        bare.put("Counter", "main.Counter");
        bare.put("Counter.func1", "main.Counter.func1");
        bare.put("apply", "main.apply");
        bare.put("applyCount", "main.applyCount");
        bare.put("Drain", "main.Drain");
        bare.put("round", "main.round");
        bare.put("Push-fm", go121 ? "main.(*Stack).Push-fm" : "main.worker.func\\d");
        if (GoTestBinaries.compareGoVersions(go, "go1.23") >= 0) {
            bare.put("All", "main.(*Stack).All");
            bare.put("All.func1", "main.(*Stack).All.func1");
            bare.put("Drain-range1", "main.Drain-range1");
        }
        Map<String, Object> entries = obj(r, "entries");
        assertThat(entries.keySet()).containsExactlyInAnyOrderElementsOf(bare.keySet());
        for (Map.Entry<String, String> e : bare.entrySet()) {
            Map<String, Object> byArg = obj(entries, e.getKey());
            assertThat(byArg.keySet()).containsExactlyElementsOf(WEIGHTS.keySet());
            for (String arg : WEIGHTS.keySet()) {
                long at = Long.decode(str(byArg, arg));
                String sym = symbols.get(at);
                assertThat(sym).as("go tool nm symbol at %s's %s entry 0x%x", e.getKey(), arg, at).isNotNull();
                assertThat(sym.replaceAll("\\[(?:[^\\[\\]]|\\[[^\\[\\]]*\\])*\\]", ""))
                        .as("%s[%s] at 0x%x", e.getKey(), arg, at).matches(e.getValue().replace("(", "\\(")
                                .replace(")", "\\)").replace("*S", "\\*S"));
                if (!e.getKey().equals("Push-fm")) {
                    assertThat(sym).as("the body of a shape").contains("[go.shape.");
                }
            }
        }
        // One body per GC shape: int and celsius share one, and so (except under `comparable` from Go 1.21 on) do
        // the two pointer types; every Push-fm wrapper belongs to one concrete type argument.
        assertThat(distinct(obj(entries, "Hold"))).as("Hold instantiations").isEqualTo(4);
        assertThat(distinct(obj(entries, "Push"))).as("Push instantiations").isEqualTo(4);
        assertThat(distinct(obj(entries, "Counter"))).as("Counter instantiations").isEqualTo(go121 ? 5 : 4);
        assertThat(distinct(obj(entries, "Push-fm"))).as("Push-fm wrappers").isEqualTo(6);
        assertThat(str(obj(entries, "Hold"), "int")).isEqualTo(str(obj(entries, "Hold"), "celsius"));
        assertThat(Long.decode(str(r, "mainMain"))).as("main.main").satisfies(a -> assertThat(symbols.get(a)).isEqualTo("main.main"));
    }

    @Test
    void serve_mode_answers_each_run_with_its_own_counts() throws Exception {
        String go = newest();
        List<String> cmd = List.of(GoTestBinaries.program(go, "generics").toString(), "-addr", "127.0.0.1:0",
                "-goroutines", "2", "-sleep", "0");
        try (RunningProgram p = RunningProgram.start(cmd)) {
            String listening = p.nextLine(TIMEOUT);
            assertThat(listening).startsWith("listening on 127.0.0.1:");
            int port = Integer.parseInt(listening.substring(listening.lastIndexOf(':') + 1));
            try (Socket s = new Socket("127.0.0.1", port);
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                    PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
                out.println("RUN 3");
                Map<String, Object> first = MiniJson.parseObject(in.readLine());
                out.println("RUN 5");
                Map<String, Object> second = MiniJson.parseObject(in.readLine());
                out.println("STATS");
                String bad = in.readLine();

                assertThat(num(first, "rounds")).isEqualTo(3);
                assertThat(num(obj(obj(first, "calls"), "Push"), "point")).isEqualTo(3 * 6);
                assertThat(num(obj(obj(second, "calls"), "Push"), "point")).isEqualTo(5 * 6);
                assertThat(num(obj(obj(second, "hold"), "all"), "count")).isEqualTo(5 * 21);
                assertThat(obj(second, "entries")).isEqualTo(obj(first, "entries"));
                assertThat(bad).isEqualTo("ERR unknown command \"STATS\": want RUN <rounds> or QUIT");
            }
        }
    }

    @Test
    void bad_flags_fail_with_the_choices() throws Exception {
        try (RunningProgram p = RunningProgram.start(List.of(GoTestBinaries.program(newest(), "generics").toString(),
                "-wait", "sideways"))) {
            p.awaitExit(TIMEOUT);
            assertThat(p.process().exitValue()).isEqualTo(2);
            assertThat(p.stderr()).isEqualTo("generics: -wait \"sideways\": want none, stdin or signal");
        }
    }

    private static long distinct(Map<String, Object> byArg) {
        return byArg.values().stream().distinct().count();
    }

    private static String newest() {
        List<String> v = GoTestBinaries.goVersions();
        return v.get(v.size() - 1);
    }

    /** Runs to the end; the first line must be the ready line and the last the JSON result. */
    private static Map<String, Object> run(String go, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(GoTestBinaries.program(go, "generics").toString());
        cmd.addAll(List.of(args));
        cmd.add("-quiet");
        try (RunningProgram p = RunningProgram.start(cmd)) {
            assertThat(p.nextLine(TIMEOUT)).isEqualTo("ready pid=" + p.pid());
            List<String> rest = p.awaitExit(TIMEOUT);
            assertThat(p.process().exitValue()).as("exit status of %s; stderr: %s", cmd, p.stderr()).isZero();
            assertThat(rest).as("stdout after the ready line of %s", cmd).hasSize(1);
            return MiniJson.parseObject(rest.get(0));
        }
    }
}
