// SPDX-License-Identifier: Apache-2.0
package dev.golat.x86;

import dev.golat.x86.Instruction.Kind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Test-only: decodes every executable section of an ELF file linearly and compares each instruction
 * boundary, kind and branch target with GNU objdump's linear sweep, streamed line by line.
 *
 * <p>Where objdump prints {@code (bad)}, {@code .byte} or a lone prefix, the bytes are not one valid
 * instruction (Go puts data in a few assembly functions); those lines are counted apart and both sides
 * resynchronise at objdump's next line. Everything else must agree exactly.
 */
final class ObjdumpOracle {
    private static final int KEEP = 20;
    private static final Pattern PREFIX = Pattern.compile(
            "rex(\\.[WRXB]+)?|data16|addr32|lock|rep|repz|repnz|repe|repne|bnd|notrack|[cdefgs]s|\\{vex\\}|\\{vex3\\}|\\{evex\\}");
    private static final Pattern DIRECT = Pattern.compile("(0x)?[0-9a-f]+( <.*>)?");
    /** Compiled once: String.split with a regex compiles it on every call, millions of times per binary. */
    static final Pattern WHITESPACE = Pattern.compile("\\s+");

    /** What one comparison found. */
    record Result(Path file, long instructions, long bad, long badAccepted, long prefixedVex, List<String> mismatches,
                  long mismatchCount, Map<String, Long> kinds, long codeBytes, long decodedBytes) {
        @Override
        public String toString() {
            return String.format("%s: %,d instructions (%,d of %,d code bytes), %,d mismatches; %,d objdump (bad)/.byte/lone-prefix lines"
                            + " (%,d of them accepted by the decoder); %,d VEX/EVEX after a prefix (objdump decodes,"
                            + " the CPU and the decoder reject); kinds %s", file.getFileName(), instructions, decodedBytes, codeBytes,
                    mismatchCount, bad, badAccepted, prefixedVex, new java.util.TreeMap<>(kinds));
        }
    }

    private final Path file;
    private final List<String> command;
    private final Map<String, Code> sections;
    private final List<String> mismatches = new ArrayList<>();
    private final Map<String, Long> kinds = new HashMap<>();
    private long mismatchCount;
    private long instructions;
    private long bad;
    private long badAccepted;
    private long zeroRuns;
    private long prefixedVex;
    private long decodedBytes;

    /** The bytes objdump prints under "Disassembly of section NAME:", and their first address. */
    record Code(long address, byte[] bytes) {}

    private ObjdumpOracle(Path file, List<String> command, Map<String, Code> sections) {
        this.file = file;
        this.command = command;
        this.sections = sections;
    }

    /**
     * Compares the executable sections of an ELF file but the PLT: objdump 2.40 prints the entries under
     * its synthetic {@code foo@plt} symbols as data when raw bytes are hidden, and the PLT is linker glue.
     */
    static Result compare(Path file) {
        ElfSections elf = ElfSections.read(file);
        List<String> cmd = new ArrayList<>(List.of("objdump", "-d", "-w", "--no-show-raw-insn", "-M", "intel"));
        Map<String, Code> sections = new HashMap<>();
        for (ElfSections.Section s : elf.executable()) {
            if (!s.name().startsWith(".plt")) {
                cmd.add("-j");
                cmd.add(s.name());
                sections.put(s.name(), new Code(s.sh_addr(), elf.bytes(s)));
            }
        }
        cmd.add(file.toString());
        return new ObjdumpOracle(file, cmd, sections).run();
    }

    /** Compares a raw file of x86-64 bytes, loaded at {@code address}. */
    static Result compareRaw(Path file, byte[] bytes, long address) {
        List<String> cmd = List.of("objdump", "-D", "-w", "--no-show-raw-insn", "-M", "intel", "-b", "binary",
                "-m", "i386:x86-64", "--adjust-vma=0x" + Long.toHexString(address), file.toString());
        return new ObjdumpOracle(file, cmd, Map.of(".data", new Code(address, bytes))).run();
    }

    private Result run() {
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        Process proc;
        try {
            proc = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run objdump (binutils): " + e.getMessage(), e);
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8), 1 << 16)) {
            sweep(r);
            int rc = proc.waitFor();
            if (rc != 0) {
                throw new IllegalStateException("objdump exited with " + rc + " on " + file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            proc.destroyForcibly();
        }
        return new Result(file, instructions, bad, badAccepted, prefixedVex, List.copyOf(mismatches), mismatchCount, Map.copyOf(kinds),
                sections.values().stream().mapToLong(c -> c.bytes().length).sum(), decodedBytes);
    }

    private void sweep(BufferedReader r) throws IOException {
        Code section = null;
        byte[] code = null;
        long pos = -1; // our next boundary; -1: resynchronise at objdump's next line
        boolean skippedZeros = false;
        String line;
        while ((line = r.readLine()) != null) {
            if (line.startsWith("Disassembly of section ")) {
                String name = line.substring("Disassembly of section ".length(), line.length() - 1);
                section = sections.get(name);
                if (section == null) {
                    throw new IllegalStateException("objdump disassembles " + name + " of " + file + ", which was not asked for");
                }
                code = section.bytes();
                pos = section.address();
                continue;
            }
            if (line.equals("\t...")) {
                skippedZeros = true; // objdump elides a run of zero bytes; the next line resumes after it
                continue;
            }
            int colon = line.indexOf(":\t");
            if (section == null || colon < 0 || line.isEmpty() || line.charAt(0) != ' ') {
                continue; // headers, symbol labels ("0000000000401000 <main.main>:"), blank lines
            }
            long addr = Long.parseLong(line.substring(0, colon).trim(), 16);
            String text = line.substring(colon + 2).trim();
            if (skippedZeros && pos >= 0) {
                for (long a = pos; a < addr; a++) {
                    if (code[(int) (a - section.address())] != 0) {
                        mismatch(String.format("0x%x: objdump elided bytes up to 0x%x that are not all zero", pos, addr));
                        break;
                    }
                }
                zeroRuns++;
                pos = addr;
            }
            skippedZeros = false;
            if (pos >= 0 && addr != pos) {
                mismatch(String.format("0x%x: objdump starts an instruction here, the decoder at 0x%x (%s)", addr, pos, text));
            }
            pos = addr;
            boolean isBad = text.contains("(bad)") || text.startsWith(".byte") || lonePrefix(text);
            int off = (int) (addr - section.address());
            Instruction insn;
            try {
                insn = X86Decoder.decode(code, off, addr);
            } catch (X86DecodeException e) {
                if (isBad) {
                    bad++;
                } else if (e.getMessage().contains("prefix before VEX") || e.getMessage().contains("prefix before EVEX")) {
                    prefixedVex++; // the CPU raises #UD (SDM 2.3.2); objdump prints it with the prefix
                } else {
                    mismatch(String.format("0x%x: objdump decodes '%s', the decoder throws: %s", addr, text, e.getMessage()));
                }
                pos = -1;
                continue;
            }
            if (isBad) {
                bad++;
                badAccepted++;
                pos = -1;
                continue;
            }
            instructions++;
            decodedBytes += insn.length();
            pos = addr + insn.length();
            kinds.merge(insn.kind().name(), 1L, Long::sum);
            checkKind(addr, text, insn);
        }
    }

    private void checkKind(long addr, String text, Instruction insn) {
        String[] tok = WHITESPACE.split(text, -1);
        int i = 0;
        while (i < tok.length - 1 && PREFIX.matcher(tok[i]).matches()) {
            i++;
        }
        String mn = tok[i];
        String operand = i + 1 < tok.length ? String.join(" ", java.util.Arrays.copyOfRange(tok, i + 1, tok.length)) : "";
        Kind expected;
        long target = -1;
        boolean direct = DIRECT.matcher(operand).matches();
        if (mn.equals("ret") || mn.equals("retw") || mn.equals("retq")) {
            expected = Kind.RET;
        } else if (mn.equals("int3")) {
            expected = Kind.INT3;
        } else if (mn.startsWith("call")) {
            expected = direct ? Kind.CALL : Kind.CALL_INDIRECT;
        } else if (mn.startsWith("jmp")) {
            expected = direct ? Kind.JMP : Kind.JMP_INDIRECT;
        } else if (mn.startsWith("j") || mn.startsWith("loop")) {
            expected = Kind.JCC;
        } else {
            expected = Kind.OTHER;
        }
        if (expected == Kind.CALL || expected == Kind.JMP || expected == Kind.JCC) {
            String hex = operand.split(" ")[0];
            target = Long.parseUnsignedLong(hex.startsWith("0x") ? hex.substring(2) : hex, 16);
        }
        if (expected != insn.kind() || target != insn.target()) {
            mismatch(String.format("0x%x: objdump '%s' is %s%s, the decoder says %s", addr, text, expected,
                    target >= 0 ? String.format(" -> 0x%x", target) : "", insn));
        }
    }

    private static boolean lonePrefix(String text) {
        int space = text.indexOf(' ');
        if (!PREFIX.matcher(space < 0 ? text : text.substring(0, space)).matches()) {
            return false; // the common case: the first word is a mnemonic
        }
        for (String t : WHITESPACE.split(text)) {
            if (!PREFIX.matcher(t).matches()) {
                return false;
            }
        }
        return true;
    }

    private void mismatch(String what) {
        mismatchCount++;
        if (mismatches.size() < KEEP) {
            mismatches.add(what);
        }
    }
}
