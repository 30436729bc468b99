// SPDX-License-Identifier: Apache-2.0
package dev.golat.x86;

import org.apiguardian.api.API;

/**
 * One decoded x86-64 instruction: where it is, how long it is, and whether it transfers control.
 *
 * @param address the virtual address of its first byte (prefixes included)
 * @param length  its length in bytes, 1..15
 * @param kind    what it does to the flow of control
 * @param target  the absolute branch or call target of a relative form (rel8, rel16, rel32), else -1
 */
@API(status = API.Status.INTERNAL)
public record Instruction(long address, int length, Kind kind, long target) {

    /** The flow-of-control classes a probe planner cares about; everything else is {@link #OTHER}. */
    public enum Kind {
        /** Near return: {@code C3}, {@code C2 iw}, with any prefixes ({@code F3 C3} is "rep ret"). */
        RET,
        /** {@code E8} call with a relative target. */
        CALL,
        /** {@code FF /2} and {@code FF /3}: call through a register or memory. */
        CALL_INDIRECT,
        /** {@code EB}, {@code E9}: jump with a relative target. */
        JMP,
        /** {@code FF /4} and {@code FF /5}: jump through a register or memory. */
        JMP_INDIRECT,
        /** Conditional jump with a relative target: {@code 70-7F}, {@code 0F 80-8F}, LOOP/JRCXZ {@code E0-E3}. */
        JCC,
        /** {@code CC}: Go pads between functions with it. */
        INT3,
        /** Any other instruction. */
        OTHER
    }

    public Instruction {
        if (length < 1 || length > 15) {
            throw new IllegalArgumentException("x86-64 instruction length must be 1..15, got " + length);
        }
    }

    /** The address just past this instruction. */
    public long end() {
        return address + length;
    }

    @Override
    public String toString() {
        return String.format("0x%x+%d %s%s", address, length, kind, target >= 0 ? String.format(" -> 0x%x", target) : "");
    }
}
