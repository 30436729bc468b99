// SPDX-License-Identifier: Apache-2.0
package dev.golat.x86;

import java.util.BitSet;

/**
 * What follows each opcode byte in 64-bit mode, one character per opcode, 16 per row (Intel SDM Vol. 2,
 * Appendix A "Opcode Map", Tables; AMD APM Vol. 3 Appendix A for the AMD-only forms
 * objdump accepts). The decoder switches on the character, never on the opcode.
 *
 * <pre>
 *  .  nothing                       m  ModRM                      x  invalid in 64-bit mode
 *  b  imm8                          B  ModRM + imm8               p  prefix (handled before the table)
 *  w  imm16                         Z  ModRM + imm16/32           j  rel8
 *  z  imm16/32 (66 makes it 16)     J  rel16/32                   a  moffs (8 bytes, 4 with 67)
 *  v  imm16/32/64 (MOV r, imm)      e  imm16 + imm8 (ENTER)       R  ModRM, always register form (MOV CR/DR)
 *  2  0F escape                     3  0F 38 escape               A  0F 3A escape
 *  C  VEX3 (C4)    c  VEX2 (C5)     E  EVEX (62)                  D  3DNow! (ModRM + imm8 suffix)
 *  L  ModRM, memory only (LEA)      F  ModRM, group 4/5 (FE/FF)   P  group 1A (8F: POP r/m, else XOP)
 *  G  group 11 (C6: ModRM + imm8)   H  group 11 (C7: ModRM + imm16/32)
 *  g  group 3 (F6: ModRM, +imm8 for TEST)   h  group 3 (F7: ModRM, +imm16/32 for TEST)
 *  W  9B FWAIT, merged with a following FSTSW/FSTCW/FINIT/FCLEX/FSTENV/FSAVE as objdump and the SDM do
 *  X  0F 78: VMREAD ModRM, or with 66/F2 EXTRQ/INSERTQ ModRM + imm8 + imm8
 *  y  ModRM, only with F3 (0F B8 POPCNT)          V  ModRM, register form only (0F A6/A7 VIA PadLock)
 * </pre>
 */
final class OpcodeTables {
    private OpcodeTables() {}

    /** The one-byte opcode map (Table A-2). */
    static final String ONE_BYTE = ""
            //0123456789abcdef
            + "mmmmbzxxmmmmbzx2" // 0x
            + "mmmmbzxxmmmmbzxx" // 1x
            + "mmmmbzpxmmmmbzpx" // 2x
            + "mmmmbzpxmmmmbzpx" // 3x
            + "pppppppppppppppp" // 4x REX
            + "................" // 5x
            + "xxEmppppzZbB...." // 6x
            + "jjjjjjjjjjjjjjjj" // 7x
            + "BZxBmmmmmmmmmLmP" // 8x
            + "..........xW...." // 9x
            + "aaaa....bz......" // Ax
            + "bbbbbbbbvvvvvvvv" // Bx
            + "BBw.CcGHe.w..bx." // Cx
            + "mmmmxxx.mmmmmmmm" // Dx
            + "jjjjbbbbJJxj...." // Ex
            + "p.pp..gh......FF"; // Fx

    /** The two-byte opcode map, after 0F (Table A-3). */
    static final String TWO_BYTE = ""
            //0123456789abcdef
            + "mmmmx.....x.xm.D" // 0x
            + "mmmmmmmmmmmmmmmm" // 1x
            + "RRRRxxxxmmmmmmmm" // 2x
            + "......x.3xAxxxxx" // 3x
            + "mmmmmmmmmmmmmmmm" // 4x
            + "mmmmmmmmmmmmmmmm" // 5x
            + "mmmmmmmmmmmmmmmm" // 6x
            + "BBBBmmm.Xmxxmmmm" // 7x
            + "JJJJJJJJJJJJJJJJ" // 8x
            + "mmmmmmmmmmmmmmmm" // 9x
            + "...mBmVV...mBmmm" // Ax
            + "mmmmmmmmymBmmmmm" // Bx
            + "mmBmBBBm........" // Cx
            + "mmmmmmmmmmmmmmmm" // Dx
            + "mmmmmmmmmmmmmmmm" // Ex
            + "mmmmmmmmmmmmmmmm"; // Fx

    /** Defined opcodes of the 0F 38 map without VEX (ModRM, no immediate), under any mandatory prefix. */
    static final BitSet MAP_0F38 = ranges("00-0b 10 14-15 17 1c-1e 20-25 28-2b 30-35 37-41 80-82 c8-cd cf d8 db-df f0-f1 f5-f6 f8-fc");

    /** Defined opcodes of the 0F 3A map without VEX (ModRM + imm8), under any mandatory prefix. */
    static final BitSet MAP_0F3A = ranges("08-0f 14-17 20-22 40-42 44 60-63 cc ce-cf df f0");

    /** VEX/EVEX map 1 (0F) opcodes that carry an imm8: PSHUF*, shift groups, CMPPS, PINSRW, PEXTRW, SHUFPS. */
    static final BitSet VEX_0F_IMM8 = ranges("70-73 c2 c4-c6");

    static BitSet ranges(String spec) {
        BitSet set = new BitSet(256);
        for (String r : spec.split(" ")) {
            int dash = r.indexOf('-');
            int lo = Integer.parseInt(dash < 0 ? r : r.substring(0, dash), 16);
            int hi = dash < 0 ? lo : Integer.parseInt(r.substring(dash + 1), 16);
            set.set(lo, hi + 1);
        }
        return set;
    }

    static {
        if (ONE_BYTE.length() != 256 || TWO_BYTE.length() != 256) {
            throw new AssertionError("opcode tables must have 256 entries: " + ONE_BYTE.length() + ", " + TWO_BYTE.length());
        }
    }
}
