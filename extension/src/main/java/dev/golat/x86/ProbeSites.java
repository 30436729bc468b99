// SPDX-License-Identifier: Apache-2.0
package dev.golat.x86;

import dev.golat.x86.Instruction.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongFunction;
import org.apiguardian.api.API;

/**
 * Where to put the uprobes of one Go function: one entry site and one site per RET.
 *
 * <p>The entry site is the prologue's stack-check conditional jump when there is one (see
 * {@link StackCheck}): the kernel emulates a probe on a jcc (0.5-0.9 µs a hit) but single-steps one on
 * the CMP or LEA before it (~10 µs), and SP and R14 still hold their entry values at the jcc. A function
 * without a stack check (a NOSPLIT leaf) is probed at its first instruction. A function without any RET
 * (it ends in a tail jump, or never returns) cannot be measured and says why in {@link #reason()}.
 */
@API(status = API.Status.INTERNAL)
public final class ProbeSites {
    /** A probe site: its virtual address and why it was chosen. */
    public record Site(long address, Kind kind) {
        /** How the entry site was chosen. */
        public enum Kind {
            /** The conditional jump of the prologue's stack check (JBE, or JB for huge frames). */
            STACK_CHECK_JCC,
            /** The function's first instruction: it has no stack check. */
            FIRST_INSTRUCTION
        }
    }

    private final String functionName;
    private final List<Instruction> instructions;
    private final Boundaries boundaries;
    private final Site entry;
    private final List<Long> morestackCalls;
    private final List<Long> returns;
    private final String reason;

    private ProbeSites(String functionName, List<Instruction> instructions, Boundaries boundaries, Site entry,
                       List<Long> morestackCalls, List<Long> returns, String reason) {
        this.functionName = functionName;
        this.instructions = instructions;
        this.boundaries = boundaries;
        this.entry = entry;
        this.morestackCalls = morestackCalls;
        this.returns = returns;
        this.reason = reason;
    }

    /**
     * Decodes one function and chooses its probe sites.
     *
     * @param functionName the function's name, for messages
     * @param code         its bytes, from the entry to its end (trailing INT3 padding is fine)
     * @param entry        the virtual address of {@code code[0]}
     * @param symbolAt     the name of the function at an absolute call target, or null when unknown; used to
     *                     recognise {@code runtime.morestack_noctxt}/{@code runtime.morestack} (with or without
     *                     {@code .abi0}), never {@code runtime.morestackc}
     * @throws X86DecodeException when the bytes are not a sequence of valid instructions
     */
    public static ProbeSites find(String functionName, byte[] code, long entry, LongFunction<String> symbolAt) {
        Objects.requireNonNull(functionName, "functionName");
        Objects.requireNonNull(symbolAt, "symbolAt");
        if (code.length == 0) {
            throw new IllegalArgumentException(String.format("%s at 0x%x has no code bytes: pass the bytes from its entry to its end", functionName, entry));
        }
        List<Instruction> insns;
        try {
            insns = List.copyOf(X86Decoder.decodeAll(code, entry));
        } catch (X86DecodeException e) {
            throw new X86DecodeException(e.address(), String.format("cannot decode %s (0x%x-0x%x) linearly: %s",
                    functionName, entry, entry + code.length, e.getMessage()));
        }
        Boundaries boundaries = new Boundaries(insns, entry, entry + code.length);
        List<Long> morestack = new ArrayList<>();
        List<Long> rets = new ArrayList<>();
        for (Instruction insn : insns) {
            if (insn.kind() == Kind.RET) {
                rets.add(insn.address());
            } else if (StackCheck.isMorestack(insn, symbolAt)) {
                morestack.add(insn.address());
            }
        }
        String[] why = new String[1];
        int check = StackCheck.find(insns, boundaries, symbolAt, why);
        Site site = check >= 0 ? new Site(insns.get(check).address(), Site.Kind.STACK_CHECK_JCC)
                : new Site(entry, Site.Kind.FIRST_INSTRUCTION);
        String reason = rets.isEmpty() ? noReturn(functionName, insns)
                : check >= 0 ? String.format("%s: entry probe at the stack-check jump at 0x%x (+0x%x), %d RET%s",
                        functionName, site.address(), site.address() - entry, rets.size(), rets.size() == 1 ? "" : "s")
                : String.format("%s: no stack check (%s), entry probe at the first instruction 0x%x, %d RET%s",
                        functionName, why[0], entry, rets.size(), rets.size() == 1 ? "" : "s");
        return new ProbeSites(functionName, insns, boundaries, site, List.copyOf(morestack), List.copyOf(rets), reason);
    }

    private static String noReturn(String functionName, List<Instruction> insns) {
        Instruction last = null;
        for (Instruction insn : insns) {
            if (insn.kind() != Kind.INT3) {
                last = insn;
            }
        }
        String ending = last == null ? "it is only INT3 padding"
                : last.kind() == Kind.JMP || last.kind() == Kind.JMP_INDIRECT
                ? String.format("it ends in a %s at 0x%x: a tail jump, or a loop that never exits", last.kind(), last.address())
                : String.format("its last instruction is a %s at 0x%x: it never returns", last.kind(), last.address());
        return String.format("%s cannot be measured: it has no RET instruction (%s); choose a function it calls, or its caller",
                functionName, ending);
    }

    /** The function's name as given to {@link #find}. */
    public String functionName() {
        return functionName;
    }

    /** The entry probe site: the stack-check jcc when there is one, else the first instruction. */
    public Site entry() {
        return entry;
    }

    /** The addresses of the {@code CALL runtime.morestack*} instructions of this function. */
    public List<Long> morestackCalls() {
        return morestackCalls;
    }

    /** The address of every RET ({@code C3}, {@code C2 iw}, {@code F3 C3}), in address order. */
    public List<Long> returns() {
        return returns;
    }

    /** Whether calls of this function can be timed: it needs at least one RET. */
    public boolean measurable() {
        return !returns.isEmpty();
    }

    /** Why the sites are what they are; when not {@link #measurable()}, why not. */
    public String reason() {
        return reason;
    }

    /** Every instruction of the function, in address order. */
    public List<Instruction> instructions() {
        return instructions;
    }

    /** Whether an instruction of this function starts at {@code vaddr}. */
    public boolean isBoundary(long vaddr) {
        return boundaries.indexOf(vaddr) >= 0;
    }

    /** The start of the instruction that holds {@code vaddr} ({@code vaddr} itself when it is a boundary). */
    public long previousBoundary(long vaddr) {
        return boundaries.start(boundaries.holding(inside(vaddr)));
    }

    /** The start of the instruction after the one that holds {@code vaddr}, or the function's end after the last. */
    public long nextBoundary(long vaddr) {
        int next = boundaries.holding(inside(vaddr)) + 1;
        return next < boundaries.size() ? boundaries.start(next) : boundaries.end();
    }

    private long inside(long vaddr) {
        if (vaddr < boundaries.first() || vaddr >= boundaries.end()) {
            throw new IllegalArgumentException(String.format("0x%x is outside %s (0x%x-0x%x)", vaddr, functionName,
                    boundaries.first(), boundaries.end()));
        }
        return vaddr;
    }

    @Override
    public String toString() {
        return reason;
    }
}
