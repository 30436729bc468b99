// SPDX-License-Identifier: Apache-2.0
package dev.golat.x86;

import java.util.ArrayList;
import java.util.List;
import org.apiguardian.api.API;

/**
 * An x86-64 instruction-length decoder: where each instruction ends, whether it transfers control, and
 * where a relative branch goes. It does not produce mnemonics or operands.
 *
 * <p>Covers legacy prefixes, REX, VEX2/VEX3, EVEX and XOP, the one-byte, 0F, 0F 38 and 0F 3A maps,
 * ModRM/SIB/displacements (RIP-relative included), every immediate form, x87 and 3DNow!. Where Intel
 * and AMD differ (a 66 prefix on {@code CALL/JMP/Jcc rel32} makes it rel16 on AMD), it follows AMD as
 * GNU objdump does; Go never emits those forms. Encodings a CPU rejects (#UD) are rejected with an
 * {@link X86DecodeException} naming the address and bytes.
 */
@API(status = API.Status.INTERNAL)
public final class X86Decoder {
    /** The architectural limit: longer instructions raise #GP. */
    public static final int MAX_LENGTH = 15;

    private X86Decoder() {}

    /** Decodes the one instruction at {@code code[offset]}, whose virtual address is {@code address}. */
    public static Instruction decode(byte[] code, int offset, long address) {
        if (offset < 0 || offset >= code.length) {
            throw new IndexOutOfBoundsException("offset " + offset + " is outside the code (" + code.length + " bytes)");
        }
        return new Cursor(code, offset, address).decode();
    }

    /** Decodes {@code code} from its first byte to its last, one instruction after the other. */
    public static List<Instruction> decodeAll(byte[] code, long baseAddress) {
        List<Instruction> out = new ArrayList<>(code.length / 4 + 1);
        int offset = 0;
        while (offset < code.length) {
            Instruction insn = decode(code, offset, baseAddress + offset);
            out.add(insn);
            offset += insn.length();
        }
        return out;
    }
}
