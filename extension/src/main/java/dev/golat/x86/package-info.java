// SPDX-License-Identifier: Apache-2.0
/**
 * x86-64 instruction decoding and probe-site choice for Go functions: pure functions over {@code byte[]}.
 *
 * <p>{@link dev.golat.x86.X86Decoder} finds instruction boundaries, control-flow kinds and relative branch
 * targets (no mnemonics). {@link dev.golat.x86.ProbeSites} decodes one function and chooses where uprobes go:
 * the prologue's stack-check conditional jump (emulated by the kernel, unlike the CMP before it), every RET,
 * and the {@code CALL runtime.morestack*} sites. Neither does I/O; callers pass the bytes of a function and a
 * way to name call targets, e.g. from {@code dev.golat.binary.GoBinary}.
 */
package dev.golat.x86;
