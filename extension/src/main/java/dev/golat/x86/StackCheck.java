// SPDX-License-Identifier: Apache-2.0
package dev.golat.x86;

import dev.golat.x86.Instruction.Kind;
import java.util.List;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * Finds the conditional jump of a Go prologue's stack check. The Go linker (cmd/internal/obj/x86
 * {@code stacksplit}) emits, before the frame is set up and with SP and R14 untouched:
 *
 * <pre>
 *   small frames:  CMP RSP, [R14+0x10]                    ; 49 3b 66 10
 *                  JBE morestack
 *   medium frames: LEA R12, [RSP-N]; CMP R12, [R14+0x10]  ; 4c 8d 64 24 xx / 4d 3b 66 10
 *                  JBE morestack
 *   huge frames:   MOV R12, RSP; SUB R12, N; JB morestack ; guards against wrap-around
 *                  CMP R12, [R14+0x10]; JBE morestack
 *   ABI0 assembly: MOV R14 (or RCX), FS:[-8] first, then one of the above with that register
 * </pre>
 *
 * and, at the end of the function, the block the jump goes to: spill the arguments, {@code CALL
 * runtime.morestack_noctxt} (or {@code runtime.morestack} for closures), reload, {@code JMP} back to the
 * entry. Rather than match the byte forms, which change between Go versions, this recognises the first
 * conditional jump of the prologue whose taken branch reaches such a call: the jump is the stack check
 * whatever registers and frame size came before it.
 */
final class StackCheck {
    /** The prologue is at most this many instructions before its first conditional jump (huge frame + TLS load). */
    static final int PROLOGUE_LIMIT = 8;
    /** The morestack block spills at most the 9 integer and 15 float argument registers before its call. */
    static final int SPILL_LIMIT = 40;

    /** Names of the stack-growth entry points, as pclntab (no suffix) and the symbol table (.abi0) spell them. */
    static final Set<String> MORESTACK = Set.of("runtime.morestack_noctxt", "runtime.morestack_noctxt.abi0",
            "runtime.morestack", "runtime.morestack.abi0");

    private StackCheck() {}

    static boolean isMorestack(Instruction insn, LongFunction<String> symbolAt) {
        if (insn.kind() != Kind.CALL) {
            return false;
        }
        String name = symbolAt.apply(insn.target());
        return name != null && MORESTACK.contains(name);
    }

    /** The index of the stack-check jump in {@code insns}, or -1 with {@code why[0]} saying what was found instead. */
    static int find(List<Instruction> insns, Boundaries boundaries, LongFunction<String> symbolAt, String[] why) {
        for (int i = 0; i < Math.min(PROLOGUE_LIMIT, insns.size()); i++) {
            Instruction insn = insns.get(i);
            if (insn.kind() == Kind.JCC) {
                if (reachesMorestack(insns, boundaries, insn.target(), symbolAt)) {
                    return i;
                }
                why[0] = String.format("the first conditional jump (0x%x) does not lead to a call of runtime.morestack*", insn.address());
                return -1;
            }
            if (insn.kind() != Kind.OTHER) {
                why[0] = String.format("a %s at 0x%x comes before any conditional jump", insn.kind(), insn.address());
                return -1;
            }
        }
        why[0] = "no conditional jump in the first " + PROLOGUE_LIMIT + " instructions";
        return -1;
    }

    private static boolean reachesMorestack(List<Instruction> insns, Boundaries boundaries, long target, LongFunction<String> symbolAt) {
        int at = boundaries.indexOf(target);
        if (at < 0) {
            return false; // outside the function or inside an instruction
        }
        for (int i = at; i < Math.min(insns.size(), at + SPILL_LIMIT); i++) {
            Instruction insn = insns.get(i);
            if (insn.kind() == Kind.CALL) {
                return isMorestack(insn, symbolAt);
            }
            if (insn.kind() != Kind.OTHER) {
                return false;
            }
        }
        return false;
    }
}
