// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.golat.testbins.GoTestBinaries;

/** {@link ElfFile} and {@link Relocations} against binutils' {@code readelf} and {@code nm}. */
class ElfFileTest {
    @TempDir
    Path dir;

    @Test
    void sections_and_segments_agree_with_readelf() {
        for (Path file : List.of(GoTestBinaries.program("workload"), GoTestBinaries.cached("dockerd"))) {
            ElfFile elf = ElfFile.from(file);
            List<String> readelf = new ArrayList<>();
            Matcher m = Pattern.compile("(?m)^\\s*\\[\\s*\\d+\\]\\s+(\\S+)\\s+\\S+\\s+([0-9a-f]+)\\s+([0-9a-f]+)\\s+([0-9a-f]+)\\s")
                    .matcher(Oracles.run("readelf", "-SW", file.toString()));
            while (m.find()) {
                if (m.group(1).equals("NULL")) { // section 0 has no name; readelf shows its type there
                    continue;
                }
                readelf.add(String.format("%s %x %x %x", m.group(1), Long.parseLong(m.group(2), 16),
                        Long.parseLong(m.group(3), 16), Long.parseLong(m.group(4), 16)));
            }
            List<String> ours = elf.sections().stream().filter(s -> s.index() > 0)
                    .map(s -> String.format("%s %x %x %x", s.name(), s.sh_addr(), s.sh_offset(), s.sh_size())).toList();
            assertThat(ours).as("sections of %s", file).isEqualTo(readelf);
            List<String> loads = Oracles.readelfLoadSegments(file).stream()
                    .map(r -> String.format("%x %x %x %d", r[0], r[1], r[2], r[3])).toList();
            assertThat(elf.segments().stream().filter(ElfSegment::isLoad).map(s -> String.format("%x %x %x %d", s.p_offset(),
                    s.p_vaddr(), s.p_filesz(), s.isExecutable() ? 1 : 0)).toList()).as("PT_LOAD of %s", file).isEqualTo(loads);
        }
    }

    @Test
    void symtab_functions_agree_with_nm() {
        Path file = GoTestBinaries.program("workload");
        Map<Long, List<String>> nm = new TreeMap<>();
        Matcher m = Pattern.compile("(?m)^([0-9a-f]+) [Tt] (.+)$").matcher(Oracles.run("nm", "--defined-only", file.toString()));
        while (m.find()) {
            nm.computeIfAbsent(Long.parseLong(m.group(1), 16), k -> new ArrayList<>()).add(m.group(2));
        }
        Map<Long, List<String>> ours = new TreeMap<>();
        for (ElfSymbol s : ElfFile.from(file).symbols(".symtab")) {
            if (s.type() == ElfSymbol.STT_FUNC) {
                ours.computeIfAbsent(s.st_value(), k -> new ArrayList<>()).add(s.name());
            }
        }
        assertThat(nm).isNotEmpty();
        nm.forEach((addr, names) -> assertThat(ours.get(addr)).as("symbols at 0x%x", addr).containsAnyElementsOf(names));
    }

    @Test
    void relative_relocation_addends_agree_with_readelf() {
        List<String> versions = GoTestBinaries.goVersions();
        Path pie = GoPrograms.build(dir, versions.get(versions.size() - 1), "pie", Map.of(), "-buildmode=pie");
        Matcher m = Pattern.compile("(?m)^([0-9a-f]+)\\s+[0-9a-f]+\\s+R_X86_64_RELATIVE\\s+([0-9a-f]+)$")
                .matcher(Oracles.run("readelf", "-rW", pie.toString()));
        Relocations relocations = Relocations.read(ElfFile.from(pie));
        int n = 0;
        while (m.find()) {
            long at = Long.parseLong(m.group(1), 16);
            assertThat(relocations.addendAt(at, -1)).as("addend at 0x%x", at).isEqualTo(Long.parseLong(m.group(2), 16));
            n++;
        }
        assertThat(n).isGreaterThan(100).isEqualTo(relocations.size());
    }
}
