// SPDX-License-Identifier: Apache-2.0
package dev.golat.x86;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Test-only: the functions of a non-stripped Go binary as {@code go tool nm -size} lists them, each with
 * the lines {@code objdump -d -M intel} prints for its bytes. Both tools are independent of the decoder.
 */
final class ObjdumpFunctions {
    /** One objdump line: the address and the text after the raw bytes, whitespace collapsed. */
    record Line(long address, String text) {
        /** Compiled once: this runs for every instruction of every binary the oracles sweep. */
        private static final java.util.regex.Pattern PREFIX =
                java.util.regex.Pattern.compile("rex(\\.[WRXB]+)?|data16|addr32|lock|rep|repz|repnz|bnd|notrack|[cdefgs]s");

        /** The mnemonic after any prefixes ("repz ret" is "ret"). */
        String mnemonic() {
            int space = text.indexOf(' ');
            if (space < 0) {
                return text;
            }
            String first = text.substring(0, space);
            if (!PREFIX.matcher(first).matches()) {
                return first;
            }
            String[] tok = text.split(" ");
            int i = 0;
            while (i < tok.length - 1 && PREFIX.matcher(tok[i]).matches()) {
                i++;
            }
            return tok[i];
        }
    }

    /** A function: its symbol, address, size from the symbol table, and objdump's lines inside it. */
    record Function(String name, long address, long size, List<Line> lines) {
        long end() {
            return address + size;
        }
    }

    private ObjdumpFunctions() {}

    /** The functions with a non-zero size in {@code .text}, in address order, with their objdump lines. */
    static List<Function> read(Path binary, Path goTool) {
        List<Function> funcs = nm(binary, goTool);
        long[] starts = funcs.stream().mapToLong(Function::address).toArray();
        try {
            Process p = new ProcessBuilder("objdump", "-d", "-w", "--no-show-raw-insn", "-M", "intel", "-j", ".text",
                    binary.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8), 1 << 16)) {
                String line;
                while ((line = r.readLine()) != null) {
                    int colon = line.indexOf(":\t");
                    if (colon < 0 || line.isEmpty() || line.charAt(0) != ' ') {
                        continue;
                    }
                    long addr = Long.parseLong(line.substring(0, colon).trim(), 16);
                    int i = Arrays.binarySearch(starts, addr);
                    i = i >= 0 ? i : -i - 2;
                    if (i >= 0 && addr < funcs.get(i).end()) {
                        funcs.get(i).lines().add(new Line(addr, ObjdumpOracle.WHITESPACE.matcher(line.substring(colon + 2).trim()).replaceAll(" ")));
                    }
                }
            } finally {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return funcs;
    }

    /** Name of every text symbol by address, for {@code symbolAt}. */
    static Map<Long, String> symbols(List<Function> funcs) {
        Map<Long, String> out = new HashMap<>();
        for (Function f : funcs) {
            out.putIfAbsent(f.address(), f.name());
        }
        return out;
    }

    private static List<Function> nm(Path binary, Path goTool) {
        List<Function> out = new ArrayList<>();
        try {
            Process p = new ProcessBuilder(goTool.toString(), "tool", "nm", "-size", "-sort", "address", binary.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    String[] f = line.trim().split("\\s+", 4);
                    if (f.length == 4 && (f[2].equals("T") || f[2].equals("t")) && !f[1].equals("0")) {
                        long addr = Long.parseLong(f[0], 16);
                        if (out.isEmpty() || out.get(out.size() - 1).address() != addr) {
                            out.add(new Function(f[3], addr, Long.parseLong(f[1]), new ArrayList<>()));
                        }
                    }
                }
            }
            if (p.waitFor() != 0 || out.isEmpty()) {
                throw new IllegalStateException("go tool nm found no text symbols in " + binary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return out;
    }

    static final java.util.regex.Pattern STACK_GUARD_CMP =
            java.util.regex.Pattern.compile("cmp (rsp|r12),QWORD PTR \\[\\w+\\+0x10\\]");

    /**
     * The entry site objdump's text implies: the first JB/JBE of a prologue that compares RSP or R12 with
     * g.stackguard0 at [reg+0x10], else the first instruction.
     */
    static ProbeSites.Site expectedEntry(long entry, List<Line> lines) {
        List<Line> head = lines.subList(0, Math.min(8, lines.size()));
        for (int i = 0; i < head.size(); i++) {
            if (STACK_GUARD_CMP.matcher(head.get(i).text()).matches()) {
                for (int j = 0; j <= Math.min(i + 1, head.size() - 1); j++) {
                    String mn = head.get(j).mnemonic();
                    if (mn.equals("jbe") || mn.equals("jb")) {
                        return new ProbeSites.Site(head.get(j).address(), ProbeSites.Site.Kind.STACK_CHECK_JCC);
                    }
                }
            }
        }
        return new ProbeSites.Site(entry, ProbeSites.Site.Kind.FIRST_INSTRUCTION);
    }
}
