// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apiguardian.api.API;

/**
 * An amd64 Go binary (Go 1.17+), read from its pclntab: every function with its name and code range, whatever
 * the linker did to the file (stripped, PIE, pclntab outside {@code .gopclntab}, no build info).
 *
 * <p>Immutable and thread-safe. {@link #open} maps the file and reads the headers and the function table;
 * the name index, the moduledata and the inline trees are read on first use and then kept.
 *
 * <pre>{@code
 * GoBinary bin = GoBinary.open(Path.of("target/bin/stmtserver"));
 * GoFunction f = bin.lookup("handleStmtExecute");   // main.(*clientConn).handleStmtExecute
 * byte[] code = bin.code(f);
 * long offset = bin.fileOffset(f.entry());          // for the uprobe
 * }</pre>
 */
@API(status = API.Status.INTERNAL)
public final class GoBinary {
    private final Path path;
    private final ElfFile elf;
    private final Image image;
    private final GoVersion version;
    private final PcHeader header;
    private final FuncTable table;
    /** Plain lookups answered by scanning funcnametab before the index is built; then the index pays off. */
    private static final int FAST_LOOKUPS = 8;
    private final AtomicInteger fastLookups = new AtomicInteger();
    private final Map<String, GoFunction> resolved = new ConcurrentHashMap<>();
    private volatile FunctionIndex index;
    private volatile ModuleData moduleData;
    private volatile GoBinaryException noModuleData;
    private volatile InlineTrees inlineTrees;
    /**
     * The first {@link #inlinedInto(GoFunction)} scans the trees for that one function ({@link #inlineScan}, whose
     * problems {@link #inlineTreeProblems} then reuses); a second one reads the table of every callee, kept.
     */
    private final AtomicInteger inlineScans = new AtomicInteger();
    private volatile InlineTrees.Scan inlineScan;
    private static final String UNREADABLE_TREES = "no inline tree can be read: their base, moduledata.gofunc, is unknown: ";

    private GoBinary(Path path, ElfFile elf, Image image, GoVersion version, PcHeader header, FuncTable table,
            ModuleData moduleData) {
        this.path = path;
        this.elf = elf;
        this.image = image;
        this.version = version;
        this.header = header;
        this.table = table;
        this.moduleData = moduleData;
    }

    /**
     * Maps {@code file} and reads its Go version and function table.
     *
     * @throws GoBinaryException when the file is not a 64-bit amd64 ELF Go binary built with Go 1.17 or newer,
     *     or when a table is truncated or inconsistent; the message names the field and the numbers
     */
    public static GoBinary open(Path file) {
        ElfFile elf = ElfFile.from(file);
        Image image = new Image(elf);
        Optional<GoVersion> fromBuildInfo = BuildInfo.fromBuildInfo(image);
        fromBuildInfo.ifPresent(v -> requireSupported(file, v));
        PcHeader header = PcHeader.locate(elf).orElseThrow(() -> new GoBinaryException(file
                + " is not a Go binary: no .gopclntab section and no pclntab header found"));
        GoVersion version = fromBuildInfo.or(() -> BuildInfo.fromStrings(elf)).orElseThrow(() -> new GoBinaryException(
                file + ": cannot tell the Go version: no .go.buildinfo and no go1.N string in the read-only data ("
                        + header.era() + " pclntab found)"));
        requireSupported(file, version);
        ModuleData md = null;
        long textStart;
        if (header.magic == PcHeader.MAGIC_GO116) {
            textStart = 0; // entries are absolute
        } else {
            textStart = elf.isPie() ? image.relocations().addendAt(header.textStartFieldVaddr, header.textStartField)
                    : header.textStartField;
            if (textStart == 0) { // Go 1.26+: the header no longer has it
                try {
                    md = ModuleData.locate(image, header, version);
                } catch (GoBinaryException e) {
                    throw new GoBinaryException("pcHeader.textStart is 0 (Go 1.26+), so the text start must come from "
                            + "moduledata.text, and " + e.getMessage());
                }
                textStart = md.text();
            }
        }
        FuncTable table = FuncTable.read(header, textStart, image);
        return new GoBinary(file, elf, image, version, header, table, md);
    }

    private static void requireSupported(Path file, GoVersion v) {
        if (!v.isAtLeast(1, 17)) {
            throw new GoBinaryException(file + " was built with " + v + "; golat needs Go 1.17 or newer (register ABI)");
        }
    }

    public Path path() {
        return path;
    }

    public GoVersion goVersion() {
        return version;
    }

    /** Whether the file is position-independent ({@code e_type} ET_DYN): addresses are relative to a load base. */
    /** The Go build id ({@code go tool buildid}), or {@code ""} when the binary has none. */
    public String buildId() {
        return GoBuildId.read(elf).orElse("");
    }

    public boolean isPie() {
        return elf.isPie();
    }

    /** Whether the file has no {@code .symtab} (built with {@code -ldflags=-s}, or stripped afterwards). */
    public boolean isStripped() {
        return elf.section(".symtab").isEmpty();
    }

    /** Every function of the pclntab, sorted by entry. */
    public List<GoFunction> functions() {
        return index().functions();
    }

    /** The function whose {@code [entry, end)} holds {@code vaddr}. */
    public Optional<GoFunction> functionContaining(long vaddr) {
        int i = table.indexOf(vaddr);
        return i < 0 ? Optional.empty() : Optional.of(table.function(i));
    }

    /**
     * The one function {@code query} names: the exact full name, else the short name or a qualified suffix
     * ({@code handleStmtExecute}, {@code (*clientConn).handleStmtExecute}), else a glob ({@code *}, {@code ?})
     * that matches exactly one function. See {@link #select} for generic functions.
     *
     * @throws GoBinaryException for an unknown name (with the five closest names), an ambiguous one (with the
     *     matches), or a generic function with several instantiations (with them and how to pick one), naming the
     *     binary, its Go version and its number of functions
     */
    public GoFunction lookup(String query) {
        GoFunction known = resolved.get(query == null ? "" : query);
        if (known != null) {
            return known;
        }
        if (query != null && !query.isBlank() && !FunctionNames.isGlob(query) && index == null
                && fastLookups.incrementAndGet() <= FAST_LOOKUPS) {
            int[] hits = NameSearch.find(table, query); // scans funcnametab (a few ms): cheaper than the index for a few names
            if (hits.length == 1) {
                GoFunction f = table.function(hits[0]);
                resolved.put(query, f);
                return f;
            }
        }
        GoFunction f;
        try {
            f = index().lookup(query, path.toString(), version);
        } catch (GoBinaryException e) {
            throw withInlining(query, e);
        }
        resolved.put(query, f);
        return f;
    }

    /**
     * What {@code query} selects for tracing: one function, or every instantiation of one generic function (its name
     * with the type arguments left out, {@code Hold}, {@code (*Stack).Push}, {@code Stack.Len}, or written
     * {@code [...]}); one instantiation by its full name ({@code main.Hold[go.shape.int]}; Go 1.18–1.20 also
     * {@code main.Hold[go.shape.int_0]} from {@code .symtab}).
     *
     * @throws GoBinaryException for an unknown name (with the closest names), a name that matches different
     *     functions (with them and how to name one), or identical names that are not instantiations (with their
     *     addresses)
     */
    public FunctionSelection select(String query) {
        if (query != null && !query.isBlank() && !FunctionNames.isGlob(query) && index == null
                && fastLookups.incrementAndGet() <= FAST_LOOKUPS) {
            int[] hits = NameSearch.find(table, query);
            if (hits.length == 1) {
                GoFunction f = table.function(hits[0]);
                if (!FunctionNames.hasTypeArgs(f.name())) {
                    return new FunctionSelection(f.name(), List.of(new FunctionSelection.Instance(f, f.name())), List.of());
                }
            }
        }
        try {
            return index().select(query, path.toString(), version);
        } catch (GoBinaryException e) {
            throw withInlining(query, e);
        }
    }

    /** Whether a traced name is a glob ({@code *}, {@code ?}, {@code [...]} outside type arguments). */
    public static boolean isGlob(String query) {
        return query != null && FunctionNames.isGlob(query);
    }

    /**
     * What {@code query} selects when it may be a glob over many functions: see {@link FunctionIndex#selectAll}. A
     * plain name, or a glob that matches one function, selects what {@link #select} does, with the same errors.
     *
     * @throws GoBinaryException as {@link #select} does, and for a glob that matches only compiler-generated wrappers
     */
    public GlobSelection selectAll(String query) {
        if (query == null || !FunctionNames.isGlob(query)) {
            return new GlobSelection(query, List.of(select(query)), List.of());
        }
        GlobSelection all;
        try {
            all = index().selectAll(query, path.toString(), version);
        } catch (GoBinaryException e) {
            throw withGlobInlining(query, e);
        }
        if (!all.isMany()) {
            return all;
        }
        FunctionIndex idx = index();
        java.util.SortedMap<String, List<String>> inlined = inlineTrees().callersMatching(
                name -> !idx.hasFunctionNamed(name) && FunctionIndex.globMatches(query, name));
        return new GlobSelection(query, all.functions(), all.wrappers(), inlined);
    }

    /** A glob that matched no function: say which functions it matches that were inlined into every caller. */
    private GoBinaryException withGlobInlining(String query, GoBinaryException e) {
        if (!e.getMessage().startsWith("no Go function matches the glob")) {
            return e;
        }
        FunctionIndex idx = index();
        java.util.SortedMap<String, List<String>> inlined = inlineTrees().callersMatching(
                name -> !idx.hasFunctionNamed(name) && FunctionIndex.globMatches(query, name));
        if (inlined.isEmpty()) {
            return e;
        }
        List<String> shown = new java.util.ArrayList<>(inlined.keySet()).subList(0, Math.min(5, inlined.size()));
        return new GoBinaryException(e.getMessage() + String.format(Locale.ROOT, "; the glob matches %,d function%s that %s "
                + "inlined into every caller, so %s no code of %s own to probe (%s%s): trace the callers, or build with "
                + "-gcflags=-l", inlined.size(), inlined.size() == 1 ? "" : "s", inlined.size() == 1 ? "was" : "were",
                inlined.size() == 1 ? "it has" : "they have", inlined.size() == 1 ? "its" : "their", String.join(", ", shown),
                inlined.size() > shown.size() ? ", ..." : ""));
    }

    /** An unknown name that was inlined everywhere has no code of its own: say where it went. */
    private GoBinaryException withInlining(String query, GoBinaryException e) {
        if (query == null || !e.getMessage().startsWith("no Go function")) {
            return e;
        }
        List<String> callers = inlinedInto(query);
        if (callers.isEmpty()) {
            return e;
        }
        List<String> shown = callers.subList(0, Math.min(5, callers.size()));
        return new GoBinaryException(e.getMessage() + String.format(Locale.ROOT, "; '%s' was inlined into %,d function%s (%s%s), "
                + "so it has no code of its own to probe: trace one of those, or build with -gcflags=-l",
                query, callers.size(), callers.size() == 1 ? "" : "s", String.join(", ", shown),
                callers.size() > shown.size() ? ", ..." : ""));
    }

    /** Every function {@code globOrName} names (exact, short name or suffix, glob), sorted by entry; may be empty. */
    public List<GoFunction> lookupAll(String globOrName) {
        return index().lookupAll(globOrName);
    }

    /** The bytes of {@code [f.entry, f.end)} from the executable segment that holds them. */
    public byte[] code(GoFunction f) {
        long off = fileOffset(f.entry());
        ElfSegment seg = executableSegment(f.entry());
        if (Long.compareUnsigned(f.end() - seg.p_vaddr(), seg.p_filesz()) > 0) {
            throw new GoBinaryException(String.format("%s: %s ends at 0x%x, past the end of its %s", path, f.name(), f.end(), seg));
        }
        return elf.bytes(off, (int) f.size(), f.name() + " code");
    }

    /** {@code vaddr − p_vaddr + p_offset} of the executable PT_LOAD segment holding {@code vaddr}: what uprobes take. */
    public long fileOffset(long vaddr) {
        return executableSegment(vaddr).fileOffset(vaddr);
    }

    private ElfSegment executableSegment(long vaddr) {
        for (ElfSegment s : elf.segments()) {
            if (s.isLoad() && s.isExecutable() && s.containsInFile(vaddr)) {
                return s;
            }
        }
        throw new GoBinaryException(String.format("%s: 0x%x is not in an executable PT_LOAD segment (%s)", path, vaddr,
                elf.segments().stream().filter(ElfSegment::isLoad).map(ElfSegment::toString).toList()));
    }

    /**
     * The names of the functions whose inline trees contain {@code f} at some instruction: where calls to
     * {@code f} were compiled into the caller's body, and so are invisible to a probe on {@code f}. Empty when
     * {@code f} was never inlined (call sites folded away to no instruction at all do not count). Read for all
     * functions on the first call, then kept. Trees that cannot be read are left out and named by
     * {@link #inlineTreeProblems()}; this never throws.
     */
    public List<String> inlinedInto(GoFunction f) {
        InlineTrees t = inlineTrees;
        if (t == null && inlineScans.incrementAndGet() <= 1) { // planning one function: no table of every callee
            InlineTrees.Scan scan = scanInlineTrees(f.name());
            inlineScan = scan;
            return scan.callers();
        }
        return inlineTrees().callers(f.name());
    }

    /**
     * Like {@link #inlinedInto(GoFunction)} for a function that may have no code of its own (inlined at every
     * call site): the callers of every inlined function whose full name is {@code name}, or whose short name is
     * {@code name} when it has no dot.
     */
    public List<String> inlinedInto(String name) {
        InlineTrees t = inlineTrees();
        List<String> exact = t.callers(name);
        return !exact.isEmpty() || FunctionNames.isQualified(name) ? exact : t.callersByShortName(name);
    }

    /**
     * Why {@link #inlinedInto} may be incomplete: one sentence per function whose inline tree could not be read
     * (naming it: {@code "main.handle at 0x4a1b20: its inline tree ... is not in the file bytes of a PT_LOAD
     * segment"}), the first 20 of them and a count of the rest, or one sentence when none could be read. Empty
     * when every tree was read.
     */
    public List<String> inlineTreeProblems() {
        InlineTrees t = inlineTrees;
        InlineTrees.Scan scan = inlineScan;
        if (t == null && scan != null) { // the same trees, read with the same checks
            return problems(scan.problems(), scan.unreadable());
        }
        t = inlineTrees();
        return problems(t.problems, t.unreadable);
    }

    private static List<String> problems(List<String> problems, int unreadable) {
        if (unreadable <= problems.size()) {
            return problems;
        }
        List<String> out = new java.util.ArrayList<>(problems);
        out.add(String.format(Locale.ROOT, "and %,d more functions", unreadable - problems.size()));
        return List.copyOf(out);
    }

    private InlineTrees inlineTrees() {
        InlineTrees t = inlineTrees;
        if (t == null) {
            synchronized (this) {
                t = inlineTrees;
                if (t == null) {
                    t = readInlineTrees();
                    inlineTrees = t;
                }
            }
        }
        return t;
    }

    /** One pass over every inline tree for the callers of {@code name}, with the problems {@link #readInlineTrees} finds. */
    private InlineTrees.Scan scanInlineTrees(String name) {
        long gofunc = 0;
        if (ModuleData.gofuncOffset(header, version) >= 0) {
            try {
                gofunc = moduleData().gofunc();
            } catch (GoBinaryException e) {
                return new InlineTrees.Scan(List.of(), List.of(UNREADABLE_TREES + e.getMessage()), -1);
            }
        }
        return InlineTrees.scan(table, image, gofunc, name);
    }

    private InlineTrees readInlineTrees() {
        long gofunc = 0;
        if (ModuleData.gofuncOffset(header, version) >= 0) {
            try {
                gofunc = moduleData().gofunc();
            } catch (GoBinaryException e) {
                return InlineTrees.unreadable(UNREADABLE_TREES + e.getMessage());
            }
        }
        return InlineTrees.build(table, image, gofunc);
    }

    /** The moduledata, found on first use; a failure to find it is kept and thrown again. */
    private ModuleData moduleData() {
        ModuleData md = moduleData;
        if (md != null) {
            return md;
        }
        GoBinaryException known = noModuleData;
        if (known != null) {
            throw known;
        }
        try {
            md = ModuleData.locate(image, header, version);
            moduleData = md;
            return md;
        } catch (GoBinaryException e) {
            noModuleData = e;
            throw e;
        }
    }

    private FunctionIndex index() {
        FunctionIndex i = index;
        if (i == null) {
            synchronized (this) {
                i = index;
                if (i == null) {
                    i = FunctionIndex.build(table, () -> elf.symbols(".symtab"));
                    index = i;
                }
            }
        }
        return i;
    }

    /**
     * The start of the Go text: what the entry offsets are relative to (from the pclntab header, its relocation, or
     * moduledata). Go 1.16–1.17 tables hold absolute entries and no text start, so there it is
     * {@code moduledata.text}.
     */
    long textStart() {
        if (header.magic != PcHeader.MAGIC_GO116) {
            return table.textStart;
        }
        return moduleData().text();
    }

    /** {@code moduledata.gofunc}, the base of the funcdata offsets (Go 1.18+); throws when there is no moduledata. */
    long gofunc() {
        return moduleData().gofunc();
    }

    /** The virtual address of {@code runtime.firstmoduledata}; throws when it cannot be found. */
    long moduleDataAddress() {
        return moduleData().vaddr();
    }

    FuncTable table() {
        return table;
    }

    ElfFile elf() {
        return elf;
    }

    /** The virtual address of the pclntab header. */
    long pclntabAddress() {
        return header.region.vaddr;
    }

    /** Where the pclntab was found: {@code .gopclntab}, or {@code pclntab in .data.rel.ro at 0x36fbd20}. */
    String pclntabLocation() {
        return header.region.name;
    }

    int functionCount() {
        return table.size();
    }

    private String describe() {
        return String.format(Locale.ROOT, "%s (%s, %,d functions)", path, version, table.size());
    }

    @Override
    public String toString() {
        return describe();
    }
}
