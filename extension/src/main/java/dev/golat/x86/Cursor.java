// SPDX-License-Identifier: Apache-2.0
package dev.golat.x86;

import dev.golat.x86.Instruction.Kind;
import java.util.HexFormat;

/**
 * The state of one {@link X86Decoder} decode: the position and what the prefixes said. Walks the prefixes,
 * the opcode maps, ModRM/SIB, displacements and immediates of one instruction.
 */
final class Cursor {
    private final byte[] code;
    private final int start;
    private final long address;
    private int p;
    private boolean opsize16;
    private boolean addr32;
    private boolean legacySimd; // 66, F2, F3 or F0: not allowed before VEX/EVEX
    private int rep; // last F2/F3, the mandatory prefix of 0F-map instructions
    private int rex;
    private Kind kind = Kind.OTHER;
    private long target = -1;

    Cursor(byte[] code, int start, long address) {
        this.code = code;
        this.start = start;
        this.address = address;
        this.p = start;
    }

    Instruction decode() {
        prefixes();
        int op = next();
        switch (OpcodeTables.ONE_BYTE.charAt(op)) {
            case '.' -> kind = plainKind(op);
            case 'm' -> modrm();
            case 'b' -> skip(1);
            case 'w' -> { skip(2); kind = op == 0xC2 ? Kind.RET : Kind.OTHER; }
            case 'z' -> skip(immz());
            case 'B' -> { modrm(); skip(1); }
            case 'Z' -> { modrm(); skip(immz()); }
            case 'v' -> skip(rexW() ? 8 : opsize16 ? 2 : 4);
            case 'a' -> skip(addr32 ? 4 : 8);
            case 'e' -> skip(3);
            case 'j' -> relative(op == 0xEB ? Kind.JMP : Kind.JCC, 1);
            case 'J' -> relative(op == 0xE8 ? Kind.CALL : Kind.JMP, immz());
            case 'L' -> memoryModrm("LEA");
            case 'F' -> group45(op);
            case 'P' -> group1a();
            case 'G' -> group11(1);
            case 'H' -> group11(immz());
            case 'g' -> group3(1);
            case 'h' -> group3(immz());
            case 'W' -> fwait();
            case '2' -> twoByte();
            case 'C' -> vex(3);
            case 'c' -> vex(2);
            case 'E' -> evex();
            default -> throw invalid(String.format("opcode %02X is invalid in 64-bit mode", op));
        }
        return new Instruction(address, p - start, kind, target);
    }

    private void prefixes() {
        while (true) {
            int b = peek(0);
            boolean legacy = switch (b) {
                case 0x66 -> { opsize16 = true; legacySimd = true; yield true; }
                case 0x67 -> { addr32 = true; yield true; }
                case 0xF2, 0xF3 -> { rep = b; legacySimd = true; yield true; }
                case 0xF0 -> { legacySimd = true; yield true; }
                case 0x2E, 0x36, 0x3E, 0x26, 0x64, 0x65 -> true;
                default -> false;
            };
            if (legacy) {
                if (rex != 0) {
                    throw invalid(String.format("REX prefix %02X must be the last prefix, found %02X after it", rex, b));
                }
            } else if ((b & 0xF0) == 0x40) {
                if (rex != 0) {
                    throw invalid(String.format("two REX prefixes (%02X %02X)", rex, b));
                }
                rex = b;
            } else {
                return;
            }
            p++;
        }
    }

    private static Kind plainKind(int op) {
        return switch (op) {
            case 0xC3 -> Kind.RET;
            case 0xCC -> Kind.INT3;
            default -> Kind.OTHER;
        };
    }

    private void twoByte() {
        int op = next();
        switch (OpcodeTables.TWO_BYTE.charAt(op)) {
            case '.' -> { }
            case 'm' -> modrm();
            case 'B' -> { modrm(); skip(1); }
            case 'J' -> relative(Kind.JCC, immz());
            case 'R' -> skip(1); // MOV to/from CR/DR ignores ModRM.mod: always a register form
            case 'D' -> { modrm(); skip(1); } // 3DNow!: the opcode is an imm8 suffix
            case 'X' -> { modrm(); skip(opsize16 || rep == 0xF2 ? 2 : 0); }
            case 'V' -> { // VIA PadLock (XSTORE, XCRYPT*, MONTMUL, XSHA*): register forms only
                if ((peek(0) >> 6) != 3) {
                    throw invalid(String.format("opcode 0F %02X needs ModRM.mod = 3", op));
                }
                skip(1);
            }
            case 'y' -> {
                if (rep != 0xF3) {
                    throw invalid(String.format("opcode 0F %02X is defined only with prefix F3 (POPCNT)", op));
                }
                modrm();
            }
            case '3' -> {
                int op3 = next();
                if (!OpcodeTables.MAP_0F38.get(op3)) {
                    throw invalid(String.format("opcode 0F 38 %02X is undefined", op3));
                }
                modrm();
            }
            case 'A' -> {
                int op3 = next();
                if (!OpcodeTables.MAP_0F3A.get(op3)) {
                    throw invalid(String.format("opcode 0F 3A %02X is undefined", op3));
                }
                modrm();
                skip(1);
            }
            default -> throw invalid(String.format("opcode 0F %02X is undefined", op));
        }
    }

    /** VEX: C5 [R vvvv L pp] or C4 [R X B mmmmm] [W vvvv L pp], then the opcode of map mmmmm. */
    private void vex(int size) {
        noPrefixesBefore("VEX");
        int map = 1;
        if (size == 3) {
            map = next() & 0x1F;
            if (map < 1 || map > 3) {
                throw invalid("VEX map " + map + " is undefined (only 1=0F, 2=0F38, 3=0F3A)");
            }
        }
        next(); // W vvvv L pp
        int op = next();
        if (map == 1 && op == 0x77) {
            return; // VZEROUPPER/VZEROALL: no ModRM
        }
        modrm();
        if (map == 3 || map == 1 && OpcodeTables.VEX_0F_IMM8.get(op)) {
            skip(1);
        }
    }

    /** EVEX: 62 [R X B R' 0 m m m] [W vvvv 1 pp] [z L'L b V' aaa], opcode, ModRM. */
    private void evex() {
        noPrefixesBefore("EVEX");
        int p0 = next();
        int p1 = next();
        next();
        int map = p0 & 0x07;
        if ((p0 & 0x08) != 0 || (p1 & 0x04) == 0) {
            throw invalid(String.format("EVEX payload %02X %02X has a reserved bit wrong", p0, p1));
        }
        if (map == 0 || map == 4 || map == 7) {
            throw invalid("EVEX map " + map + " is undefined (only 1, 2, 3, 5, 6)");
        }
        int op = next();
        modrm();
        if (map == 3 || map == 1 && OpcodeTables.VEX_0F_IMM8.get(op)) {
            skip(1);
        }
    }

    private void noPrefixesBefore(String what) {
        if (rex != 0 || legacySimd) {
            throw invalid("a REX, 66, F2, F3 or F0 prefix before " + what + " is undefined (#UD)");
        }
    }

    /** FE (group 4: INC/DEC r/m8) and FF (group 5: INC, DEC, CALL, CALLF, JMP, JMPF, PUSH). */
    private void group45(int op) {
        int m = peek(0);
        int reg = (m >> 3) & 7;
        boolean register = (m >> 6) == 3;
        if (op == 0xFE ? reg > 1 : reg == 7 || register && (reg == 3 || reg == 5)) {
            boolean needsMemory = op == 0xFF && (reg == 3 || reg == 5);
            throw invalid(String.format("%02X /%d is undefined%s", op, reg, needsMemory ? " with a register operand" : ""));
        }
        if (op == 0xFF) {
            kind = switch (reg) {
                case 2, 3 -> Kind.CALL_INDIRECT;
                case 4, 5 -> Kind.JMP_INDIRECT;
                default -> Kind.OTHER;
            };
        }
        modrm();
    }

    /**
     * 8F: /0 is POP r/m. Otherwise it is AMD's XOP escape, laid out like VEX3: 8F [R X B mmmmm]
     * [W vvvv L pp] opcode ModRM, with an imm8 in map 8 and an imm32 in map 10 (AMD APM Vol. 3, 1.8).
     */
    private void group1a() {
        int m = peek(0);
        if (((m >> 3) & 7) == 0) {
            modrm();
            return;
        }
        int map = m & 0x1F;
        if (map < 8 || map > 10) {
            throw invalid(map < 8 ? "8F /" + ((m >> 3) & 7) + " is undefined" : "XOP map " + map + " is undefined");
        }
        noPrefixesBefore("XOP");
        skip(2);
        next();
        modrm();
        skip(map == 8 ? 1 : map == 10 ? 4 : 0);
    }

    /** C6/C7: /0 is MOV r/m, imm; C6 F8 is XABORT imm8, C7 F8 is XBEGIN rel16/32. */
    private void group11(int immSize) {
        int m = peek(0);
        if (((m >> 3) & 7) == 0) {
            modrm();
        } else if (m == 0xF8) {
            skip(1);
        } else {
            throw invalid(String.format("%s /%d is undefined", immSize == 1 ? "C6" : "C7", (m >> 3) & 7));
        }
        skip(immSize);
    }

    /** F6/F7: /0 and /1 are TEST r/m, imm; the others (NOT, NEG, MUL, IMUL, DIV, IDIV) have no immediate. */
    private void group3(int immSize) {
        int reg = (peek(0) >> 3) & 7;
        modrm();
        if (reg < 2) {
            skip(immSize);
        }
    }

    /**
     * 9B: FWAIT. Decoded together with an x87 instruction (D8-DF) that follows it as objdump and the SDM
     * do (FSTSW is 9B DF E0, FINIT 9B DB E3): right after it, or after prefixes when none came before
     * the 9B, or after a second 9B. Otherwise it is one instruction of its prefixes and the 9B.
     */
    private void fwait() {
        if (rex != 0) {
            throw invalid(String.format("REX prefix %02X before FWAIT (9B) has no meaning", rex));
        }
        boolean bare = p == start + 1;
        int at = p;
        while (bare && at < code.length && at - start < X86Decoder.MAX_LENGTH && isPrefix(code[at] & 0xFF)) {
            at++;
        }
        if (bare && at < code.length && code[at] == (byte) 0x9B) {
            // 9B [prefixes] 9B: objdump stops its prefix scan at the second 9B
            if (at + 1 < code.length && (code[at + 1] & 0xF8) == 0xD8) {
                prefixes();
                p = at + 1;
                next();
                modrm();
            } else {
                p = at;
            }
            return;
        }
        if (bare ? at < code.length && (code[at] & 0xF8) == 0xD8 : p < code.length && (code[p] & 0xF8) == 0xD8) {
            prefixes();
            next();
            modrm();
        }
    }

    private static boolean isPrefix(int b) {
        return (b & 0xF0) == 0x40 || b == 0x66 || b == 0x67 || b == 0xF2 || b == 0xF3 || b == 0xF0
                || b == 0x2E || b == 0x36 || b == 0x3E || b == 0x26 || b == 0x64 || b == 0x65;
    }

    private void memoryModrm(String what) {
        if ((peek(0) >> 6) == 3) {
            throw invalid(what + " needs a memory operand, ModRM " + String.format("%02X", peek(0)) + " names a register");
        }
        modrm();
    }

    /** ModRM, then SIB and displacement as mod/rm/base say (Table 2-2; 67 does not change this in 64-bit mode). */
    private void modrm() {
        int m = next();
        int mod = m >> 6;
        int rm = m & 7;
        if (mod == 3) {
            return;
        }
        if (rm == 4) {
            int sib = next();
            if (mod == 0 && (sib & 7) == 5) {
                skip(4);
            }
        } else if (mod == 0 && rm == 5) {
            skip(4); // RIP-relative disp32
        }
        skip(mod == 1 ? 1 : mod == 2 ? 4 : 0);
    }

    private void relative(Kind k, int size) {
        long rel = 0;
        for (int i = size - 1; i >= 0; i--) {
            rel = (rel << 8) | (peek(i) & 0xFF);
        }
        int bits = size * 8;
        rel = (rel << (64 - bits)) >> (64 - bits);
        skip(size);
        kind = k;
        target = address + (p - start) + rel;
        if (size == 2) {
            target &= 0xFFFF; // a 16-bit operand size truncates RIP (AMD)
        }
    }

    private boolean rexW() {
        return (rex & 0x08) != 0;
    }

    /** Iz and Jz: 16 bits with 66 (without REX.W), else 32. */
    private int immz() {
        return opsize16 && !rexW() ? 2 : 4;
    }

    private int next() {
        int b = peek(0);
        p++;
        return b;
    }

    private int peek(int ahead) {
        int at = p + ahead;
        if (at - start >= X86Decoder.MAX_LENGTH) {
            throw invalid("longer than " + X86Decoder.MAX_LENGTH + " bytes");
        }
        if (at >= code.length) {
            throw new X86DecodeException(address, String.format(
                    "truncated x86-64 instruction at 0x%x: bytes %s end the code, need at least %d more",
                    address, hex(code.length), at - code.length + 1));
        }
        return code[at] & 0xFF;
    }

    private void skip(int n) {
        if (n > 0) {
            peek(n - 1);
            p += n;
        }
    }

    private X86DecodeException invalid(String why) {
        return new X86DecodeException(address, String.format("invalid x86-64 instruction at 0x%x (bytes %s): %s",
                address, hex(Math.min(code.length, start + X86Decoder.MAX_LENGTH)), why));
    }

    private String hex(int end) {
        return HexFormat.ofDelimiter(" ").formatHex(code, start, end);
    }
}
