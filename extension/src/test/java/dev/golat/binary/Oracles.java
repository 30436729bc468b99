// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.golat.testbins.GoTestBinaries;

/**
 * The independent tools the tests compare against: {@code go tool nm}, {@code go version}, {@code go tool
 * addr2line}, binutils {@code nm -D}, {@code objdump}, {@code readelf}, and the Go toolchains that build test
 * programs. Each runs as a child process with a time limit and is killed if it overruns.
 */
final class Oracles {
    private Oracles() {}

    /** The toolchain used for {@code go tool nm} etc.: the newest one the test binaries were built with. */
    static Path goTool() {
        List<String> versions = GoTestBinaries.goVersions();
        return goBinary(versions.get(versions.size() - 1));
    }

    /** The {@code go} command of a toolchain folder name ({@code go1.21}): Debian's, or the one bootstrap linked. */
    static Path goBinary(String goVersion) {
        return GoTestBinaries.goTool(goVersion);
    }

    /** Runs a command, returns stdout; fails with stderr when it exits non-zero (unless {@code allowFailure}). */
    static String run(List<String> command, Path dir, Map<String, String> env, boolean allowFailure) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(false);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        pb.environment().put("GOTOOLCHAIN", "local");
        pb.environment().put("GOFLAGS", "-mod=mod");
        pb.environment().putAll(env);
        Process p = null;
        try {
            Path err = Files.createTempFile("golat-oracle", ".err");
            pb.redirectError(err.toFile());
            p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("timed out: " + command);
            }
            String stderr = Files.readString(err);
            Files.deleteIfExists(err);
            if (p.exitValue() != 0 && !allowFailure) {
                throw new IllegalStateException(command + " exited " + p.exitValue() + ": " + stderr);
            }
            return new String(out, StandardCharsets.UTF_8) + (allowFailure ? stderr : "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
            }
        }
    }

    static String run(String... command) {
        return run(List.of(command), null, Map.of(), false);
    }

    /** {@code go version <file>}: {@code go1.21.13}. */
    static String goVersionOf(Path file) {
        String out = run(goTool().toString(), "version", file.toString()).strip();
        return out.substring(out.lastIndexOf(' ') + 1);
    }

    /** {@code go tool nm}'s output per file, run once: several oracles of one test class read the same binary's. */
    private static final Map<Path, String> NM = new java.util.concurrent.ConcurrentHashMap<>();

    private static String goNm(Path file) {
        return NM.computeIfAbsent(file.toAbsolutePath(), f -> run(goTool().toString(), "tool", "nm", f.toString()));
    }

    /** The {@code T} symbols of {@code go tool nm}: address → names (several names can share an address). */
    static Map<Long, List<String>> goNmTextSymbols(Path file) {
        String out = goNm(file);
        return symbols(out, Pattern.compile("^\\s*([0-9a-f]+) T (.+)$"));
    }

    /** Every symbol of {@code go tool nm}, any kind: name → address (the first, when a name repeats). */
    static Map<String, Long> goNmAddresses(Path file) {
        String out = goNm(file);
        Pattern line = Pattern.compile("^\\s*([0-9a-f]+) [A-Za-z] (.+)$");
        Map<String, Long> map = new HashMap<>();
        for (String l : out.split("\n")) {
            Matcher m = line.matcher(l);
            if (m.matches()) {
                map.putIfAbsent(m.group(2), Long.parseUnsignedLong(m.group(1), 16));
            }
        }
        return map;
    }

    /** The sections of {@code readelf -SW}: name → {address, file offset, size}. */
    static Map<String, long[]> readelfSections(Path file) {
        Pattern row = Pattern.compile("^\\s*\\[\\s*\\d+\\]\\s+(\\S+)\\s+\\S+\\s+([0-9a-f]+)\\s+([0-9a-f]+)\\s+([0-9a-f]+)\\s.*$");
        Map<String, long[]> map = new LinkedHashMap<>();
        for (String l : run("readelf", "-SW", file.toString()).split("\n")) {
            Matcher m = row.matcher(l);
            if (m.matches()) {
                map.put(m.group(1), new long[] {Long.parseLong(m.group(2), 16), Long.parseLong(m.group(3), 16),
                        Long.parseLong(m.group(4), 16)});
            }
        }
        return map;
    }

    /** What {@link #inlineTreeMismatches} found: how many (callee, caller) pairs qualified, and the bad ones. */
    record InlineCheck(int pairs, List<String> mismatches) {}

    /**
     * {@link GoBinary#inlinedInto} against the line tables, read by {@code go tool addr2line} (the pcfile/pcln
     * tables, which do not depend on the inline trees): where a callee was inlined, the caller's code holds
     * instructions whose position is in the callee's file, within the lines of the callee's own out-of-line copy.
     * Checks {@code sample} (callee, caller) pairs chosen at random with a fixed seed among functions of at most
     * {@code calleeMax} and {@code callerMax} bytes; every caller named must be in the function table.
     */
    static InlineCheck inlineTreeMismatches(Path file, GoBinary bin, int sample, int calleeMax, int callerMax) {
        Map<String, GoFunction> byName = new HashMap<>();
        bin.functions().forEach(f -> byName.putIfAbsent(f.name(), f));
        List<GoFunction[]> pairs = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (GoFunction callee : bin.functions()) {
            for (String caller : bin.inlinedInto(callee)) {
                GoFunction c = byName.get(caller);
                if (c == null) {
                    problems.add(callee + " is inlined into " + caller + ", which is not in the function table");
                } else if (callee.size() <= calleeMax && c.size() <= callerMax) {
                    pairs.add(new GoFunction[] {callee, c});
                }
            }
        }
        java.util.Collections.shuffle(pairs, new java.util.Random(1));
        List<GoFunction[]> chosen = pairs.subList(0, Math.min(sample, pairs.size()));
        List<Long> addrs = new ArrayList<>();
        for (GoFunction[] p : chosen) {
            for (GoFunction f : p) {
                for (long a = f.entry(); a < f.end(); a++) {
                    addrs.add(a);
                }
            }
        }
        List<String[]> lines = addr2lineFull(file, addrs);
        if (lines.size() != addrs.size()) {
            throw new IllegalStateException("go tool addr2line answered " + lines.size() + " of " + addrs.size() + " addresses");
        }
        int at = 0;
        for (GoFunction[] p : chosen) {
            GoFunction callee = p[0];
            GoFunction caller = p[1];
            List<String[]> own = lines.subList(at, at + (int) callee.size());
            at += own.size();
            List<String[]> inCaller = lines.subList(at, at + (int) caller.size());
            at += inCaller.size();
            String calleeFile = own.get(0)[1];
            int lo = Integer.MAX_VALUE;
            int hi = 0;
            for (String[] l : own) {
                if (l[1].equals(calleeFile)) {
                    lo = Math.min(lo, Integer.parseInt(l[2]));
                    hi = Math.max(hi, Integer.parseInt(l[2]));
                }
            }
            int from = lo;
            int to = hi;
            boolean found = inCaller.stream().anyMatch(l -> l[1].equals(calleeFile)
                    && Integer.parseInt(l[2]) >= from && Integer.parseInt(l[2]) <= to);
            if (!found) {
                problems.add(String.format("%s (%s:%d-%d) inlined into %s: no instruction of it is at those lines",
                        callee, calleeFile, lo, hi, caller));
            }
        }
        return new InlineCheck(pairs.size(), problems);
    }

    /** The defined text symbols of binutils {@code nm -D} (the dynamic symbol table). */
    static Map<Long, List<String>> dynamicTextSymbols(Path file) {
        String out = run("nm", "-D", "--defined-only", file.toString());
        return symbols(out, Pattern.compile("^([0-9a-f]+) [Tt] (.+)$"));
    }

    private static Map<Long, List<String>> symbols(String out, Pattern line) {
        Map<Long, List<String>> map = new TreeMap<>();
        for (String l : out.split("\n")) {
            Matcher m = line.matcher(l);
            if (m.matches()) {
                map.computeIfAbsent(Long.parseUnsignedLong(m.group(1), 16), k -> new ArrayList<>()).add(m.group(2));
            }
        }
        return map;
    }

    /** {@code go tool addr2line}: the function name at each address (the first line of its two-line answer). */
    static List<String> addr2line(Path file, List<Long> addresses) {
        return addr2lineFull(file, addresses).stream().map(answer -> answer[0]).toList();
    }

    /** {@code go tool addr2line}'s whole answer for each address: {function name, file, line}. */
    static List<String[]> addr2lineFull(Path file, List<Long> addresses) {
        StringBuilder in = new StringBuilder();
        for (long a : addresses) {
            in.append(String.format("0x%x%n", a));
        }
        try {
            Path input = Files.createTempFile("golat-addr2line", ".txt");
            Files.writeString(input, in);
            String out = run(List.of("sh", "-c", "'" + goTool() + "' tool addr2line '" + file + "' < '" + input + "'"), null,
                    Map.of(), false);
            Files.deleteIfExists(input);
            String[] lines = out.split("\n");
            List<String[]> answers = new ArrayList<>();
            for (int i = 0; i + 1 < lines.length; i += 2) {
                int colon = lines[i + 1].lastIndexOf(':');
                answers.add(new String[] {lines[i], lines[i + 1].substring(0, colon), lines[i + 1].substring(colon + 1)});
            }
            return answers;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The PT_LOAD rows of {@code readelf -lW}: each {offset, vaddr, filesz, executable ? 1 : 0}. */
    static List<long[]> readelfLoadSegments(Path file) {
        String out = run("readelf", "-lW", file.toString());
        Pattern load = Pattern.compile("^\\s*LOAD\\s+0x([0-9a-f]+)\\s+0x([0-9a-f]+)\\s+0x[0-9a-f]+\\s+0x([0-9a-f]+)\\s+0x[0-9a-f]+\\s+(.*?)\\s+0x[0-9a-f]+$");
        List<long[]> rows = new ArrayList<>();
        for (String l : out.split("\n")) {
            Matcher m = load.matcher(l);
            if (m.matches()) {
                rows.add(new long[] {Long.parseLong(m.group(1), 16), Long.parseLong(m.group(2), 16),
                        Long.parseLong(m.group(3), 16), m.group(4).contains("E") ? 1 : 0});
            }
        }
        return rows;
    }

    /** The bytes {@code objdump -d} shows for {@code [start, stop)}, in address order. */
    static Map<Long, byte[]> objdumpBytes(Path file, long start, long stop) {
        String out = run("objdump", "-d", "-w", "--start-address=0x" + Long.toHexString(start),
                "--stop-address=0x" + Long.toHexString(stop), file.toString());
        Pattern insn = Pattern.compile("^\\s*([0-9a-f]+):\\t((?:[0-9a-f]{2} )+)\\s*\\t?.*$");
        Map<Long, byte[]> map = new LinkedHashMap<>();
        for (String l : out.split("\n")) {
            Matcher m = insn.matcher(l);
            if (m.matches()) {
                String[] hex = m.group(2).strip().split(" ");
                byte[] b = new byte[hex.length];
                for (int i = 0; i < hex.length; i++) {
                    b[i] = (byte) Integer.parseInt(hex[i], 16);
                }
                map.put(Long.parseLong(m.group(1), 16), b);
            }
        }
        return map;
    }

    /**
     * A symbol name as the pclntab spells it: type arguments shown as {@code [...]} (the pclntab of Go 1.19+
     * keeps {@code main.Map[...]} where the symbol table has {@code main.Map[go.shape.int_0,...]}, and Go 1.19
     * writes {@code type..eq.[...]T} for array types), {@code ·} as {@code .}, without an {@code .abi0} suffix.
     */
    static String normalize(String name) {
        String n = name.endsWith(".abi0") ? name.substring(0, name.length() - 5) : name;
        StringBuilder sb = new StringBuilder();
        int depth = 0;
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (c == '[') {
                if (depth++ == 0) {
                    sb.append("[...]");
                }
            } else if (c == ']') {
                depth = Math.max(0, depth - 1);
            } else if (depth == 0) {
                sb.append(c == '\u00b7' ? '.' : c);
            }
        }
        return sb.toString();
    }
}
