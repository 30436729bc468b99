// SPDX-License-Identifier: Apache-2.0
package dev.golat.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.binary.GoBinary;
import dev.golat.testbins.GoTestBinaries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The oracle of {@link WaitReasons}: for every toolchain of the matrix, the DWARF of a binary built with it (read by
 * {@code readelf --debug-dump=info}, not by golat) gives the offset of {@code runtime.g.waitreason} and every
 * {@code runtime.waitReason*} constant, which must be exactly the table's.
 */
class WaitReasonsTest {

    static List<String> toolchains() {
        return GoTestBinaries.MATRIX;
    }

    @ParameterizedTest
    @MethodSource("toolchains")
    void the_table_is_what_the_dwarf_of_a_binary_built_with_that_toolchain_says(String go) throws Exception {
        Path bin = GoTestBinaries.program(go, "workload");
        var version = GoBinary.open(bin).goVersion();
        Dwarf d = Dwarf.read(bin);
        WaitReasons table = WaitReasons.of(version.major(), version.minor()).orElseThrow(() -> new AssertionError(
                "no WaitReasons for " + version.raw() + ": derive it from this DWARF: offset " + d.waitReasonOff + ", goid " + d.goidOff
                        + ", reasons " + d.reasons));

        assertThat(d.reasons).as("runtime.waitReason* constants in the DWARF of %s", bin).hasSizeGreaterThan(20);
        assertThat(table.waitReasonOff()).as("g.waitreason offset of Go %s", version.raw()).isEqualTo(d.waitReasonOff);
        assertThat(table.goidOff()).as("g.goid offset of Go %s", version.raw()).isEqualTo(d.goidOff);
        assertThat(table.reasons()).as("wait reasons of Go %s, in value order", version.raw()).isEqualTo(d.reasons);
    }

    @ParameterizedTest
    @MethodSource("toolchains")
    void every_class_the_issue_names_has_a_reason_in_every_version(String go) {
        var version = GoBinary.open(GoTestBinaries.program(go, "workload")).goVersion();
        List<WaitClass> classes = WaitReasons.of(version.major(), version.minor()).orElseThrow().reasons().stream()
                .map(WaitClass::of).toList();
        assertThat(classes).contains(WaitClass.CHAN, WaitClass.SELECT, WaitClass.SYNC, WaitClass.SLEEP, WaitClass.NET,
                WaitClass.GC, WaitClass.OTHER);
    }

    /** What readelf says of one binary. */
    record Dwarf(int waitReasonOff, int goidOff, List<String> reasons) {
        private static final Pattern NAME = Pattern.compile("DW_AT_name\\s*: (\\S+)\\s*$");
        private static final Pattern VALUE = Pattern.compile("DW_AT_const_value\\s*: (-?\\d+)");
        private static final Pattern MEMBER_OFF = Pattern.compile("DW_AT_data_member_location: (\\d+)");

        static Dwarf read(Path bin) throws IOException, InterruptedException {
            Process p = new ProcessBuilder("readelf", "--debug-dump=info", bin.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            Map<Integer, String> byValue = new TreeMap<>();
            int off = -1;
            int goid = -1;
            boolean inG = false;
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i);
                if (l.contains("DW_TAG_constant")) {
                    String name = null;
                    String value = null;
                    for (int j = i + 1; j < lines.size() && !lines.get(j).contains("Abbrev Number"); j++) {
                        Matcher n = NAME.matcher(lines.get(j));
                        if (n.find()) {
                            name = n.group(1);
                        }
                        Matcher v = VALUE.matcher(lines.get(j));
                        if (v.find()) {
                            value = v.group(1);
                        }
                    }
                    if (name != null && value != null && name.startsWith("runtime.waitReason")) {
                        String prev = byValue.put(Integer.parseInt(value), name.substring("runtime.waitReason".length()));
                        assertThat(prev).as("two wait reasons with value %d in %s", value, bin).isNull();
                    }
                } else if (l.contains("DW_TAG_structure_type")) {
                    inG = i + 1 < lines.size() && lines.get(i + 1).matches(".*DW_AT_name\\s*: runtime\\.g\\s*$");
                } else if (inG && l.matches(".*DW_AT_name\\s*: waitreason\\s*$")) {
                    off = memberOffset(lines, i);
                } else if (inG && l.matches(".*DW_AT_name\\s*: goid\\s*$")) {
                    goid = memberOffset(lines, i);
                }
            }
            assertThat(off).as("runtime.g.waitreason in the DWARF of %s", bin).isPositive();
            assertThat(goid).as("runtime.g.goid in the DWARF of %s", bin).isPositive();
            List<String> reasons = new ArrayList<>();
            byValue.forEach((v, name) -> {
                assertThat(v).as("wait reasons of %s numbered 0, 1, ... without gaps (%s)", bin, byValue)
                        .isEqualTo(reasons.size());
                reasons.add(name);
            });
            return new Dwarf(off, goid, reasons);
        }

        /** The DW_AT_data_member_location of the member named on line {@code i}. */
        private static int memberOffset(List<String> lines, int i) {
            for (int j = i + 1; j < Math.min(lines.size(), i + 6); j++) {
                Matcher m = MEMBER_OFF.matcher(lines.get(j));
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
            }
            return -1;
        }
    }
}
