// SPDX-License-Identifier: Apache-2.0
/**
 * Reads amd64 Go binaries: ELF headers, the Go version, the pclntab (function names and code ranges), the
 * moduledata and the inline trees. Pure Java, no native tools, no JUnit or Testcontainers: the probe planner
 * and any future CLI use it the same way.
 *
 * <p>Entry points: {@link dev.golat.binary.GoBinary#open}, and {@link dev.golat.binary.ElfDynamic#read} for what the
 * dynamic loader needs (interpreter, needed libraries). Everything else is package-private.
 *
 * <p><b>Why not jelf</b> (net.fornwall:jelf 0.9.0, the Java ELF reader on Maven Central): it reads the whole
 * file into a {@code byte[]} ({@code fromFile}) or wraps a mapped buffer in a stateful, position-based reader
 * that is not thread-safe; its errors are generic ("Bad magic number for file", checked {@code IOException}s);
 * and it has no lookup of a relocation by the address it patches, which PIE Go binaries need for the pclntab's
 * {@code textStart}, the moduledata and the build info pointers. What golat needs from ELF is small (headers,
 * section names, symbols, relative relocations), so {@link dev.golat.binary.ElfFile} maps the file once, reads
 * with absolute offsets (one instance serves many threads) and names every field after the spec in its errors.
 *
 * <p>Formats read, from the Go sources ({@code runtime/symtab.go}, {@code runtime/runtime2.go},
 * {@code runtime/symtabinl.go}, {@code cmd/link/internal/ld/pcln.go}, {@code debug/buildinfo}):
 * pclntab magic 0xfffffffa (Go 1.16–1.17: absolute entries, no textStart, funcdata as pointers), 0xfffffff0
 * (1.18–1.19: funcdata as uint32 offsets from {@code moduledata.gofunc}), 0xfffffff1 (1.20+, with textStart 0 from
 * Go 1.26 on); build info in both the pointer form (before 1.18) and the inline varint form. Tested on Go 1.17.5,
 * 1.18.1 and 1.26 builds of esbuild from npm, besides the installed toolchains; a Go 1.16 build is refused.
 */
package dev.golat.binary;
