// SPDX-License-Identifier: Apache-2.0
package dev.golat.testbins;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the tests find the Go programs they trace: the go-testbins built once per installed Go toolchain
 * ({@code go-testbins/target/bin/go1.21/workload}) and the real third-party binaries that
 * {@code scripts/bootstrap} unpacks into {@code .cache/golat/bin} (prometheus, dockerd, esbuild).
 *
 * <p>A missing binary is an error, never a skip: a test that silently skips in CI proves nothing.
 */
public final class GoTestBinaries {
    private GoTestBinaries() {}

    /** The repository root: the {@code golat.root} system property (set by the build), else found upwards. */
    public static Path root() {
        String prop = System.getProperty("golat.root");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("go-testbins")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the golat repository root above " + dir
                + "; set -Dgolat.root=/path/to/golat");
    }

    /** {@code go-testbins/target/bin}: one folder per Go toolchain, named like {@code go1.21}. */
    public static Path binDir() {
        return root().resolve("go-testbins/target/bin");
    }

    /** The Go versions the test programs were built with, oldest first, e.g. {@code [go1.19, go1.21]}. */
    public static List<String> goVersions() {
        Path dir = binDir();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("no Go test binaries at " + dir
                    + ": build them with `mvn -pl go-testbins compile` (needs scripts/bootstrap first)");
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<String> versions = s.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("go"))
                    .sorted(GoTestBinaries::compareGoVersions)
                    .toList();
            if (versions.isEmpty()) {
                throw new IllegalStateException("no Go toolchain folders in " + dir + ": run scripts/bootstrap, then rebuild go-testbins");
            }
            return versions;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A test program built with one toolchain, e.g. {@code program("go1.21", "workload")} (the default variant). */
    public static Path program(String goVersion, String name) {
        return program(goVersion, Variant.DEFAULT, name);
    }

    /** A test program in one build variant, e.g. {@code program("go1.27", Variant.STRIPPED_PIE, "stmtserver")}. */
    public static Path program(String goVersion, Variant variant, String name) {
        Path dir = binDir().resolve(goVersion);
        return existing(variant.folder.isEmpty() ? dir.resolve(name) : dir.resolve(variant.folder).resolve(name),
                "build it with `mvn -pl go-testbins compile`");
    }

    /** How go-testbins/build.sh built a program: the folder under {@code go1.XX/} and the flags it used. */
    public enum Variant {
        /** {@code CGO_ENABLED=0}, symbols and DWARF kept: a static executable. */
        DEFAULT("", "CGO_ENABLED=0"),
        /** {@code -ldflags=-s -w}: no .symtab, no DWARF, as every distro and release build ships. */
        STRIPPED("stripped", "CGO_ENABLED=0 -ldflags=-s -w"),
        /** {@code -buildmode=pie}: position-independent, text relocated at load. */
        PIE("pie", "CGO_ENABLED=0 -buildmode=pie"),
        /** {@code -buildmode=pie -ldflags=-s -w}. */
        STRIPPED_PIE("stripped-pie", "CGO_ENABLED=0 -buildmode=pie -ldflags=-s -w"),
        /** {@code CGO_ENABLED=1} importing net and os/user: dynamically linked against glibc, as Debian's Go servers are. */
        CGO("cgo", "CGO_ENABLED=1");

        /** The folder under {@code go1.XX/} ({@code ""} for the default). */
        public final String folder;
        /** The build settings, for messages and test names. */
        public final String flags;

        Variant(String folder, String flags) {
            this.folder = folder;
            this.flags = flags;
        }

        @Override
        public String toString() {
            return folder.isEmpty() ? "default" : folder;
        }
    }

    /**
     * The Go versions the matrix promises: Debian's 1.19 and 1.21-1.23, the preinstalled 1.26, and 1.27 fetched
     * with {@code GOTOOLCHAIN=go1.27.3}. {@link #goVersions()} is what was actually built.
     */
    public static final List<String> MATRIX = List.of("go1.19", "go1.21", "go1.22", "go1.23", "go1.26", "go1.27");

    /**
     * Why a version of {@link #MATRIX} has no binaries, as scripts/bootstrap wrote it
     * ({@code .cache/golat/toolchains/missing-go1.27}), or empty when it was built.
     */
    public static java.util.Optional<String> missingReason(String goVersion) {
        if (Files.isDirectory(binDir().resolve(goVersion))) {
            return java.util.Optional.empty();
        }
        Path note = toolchainsDir().resolve("missing-" + goVersion);
        try {
            return java.util.Optional.of(Files.isRegularFile(note) ? Files.readString(note).strip()
                    : "no " + goVersion + " toolchain was found: run scripts/bootstrap, then `mvn -pl go-testbins compile`");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Why one build of a version of {@link #MATRIX} cannot be tested here (the version's {@link #missingReason(String)},
     * or its variant folder is absent), or empty when its binaries exist.
     */
    public static java.util.Optional<String> missingReason(String goVersion, Variant variant) {
        java.util.Optional<String> version = missingReason(goVersion);
        if (version.isPresent() || variant.folder.isEmpty()
                || Files.isDirectory(binDir().resolve(goVersion).resolve(variant.folder))) {
            return version;
        }
        return java.util.Optional.of("no " + variant + " build (" + variant.flags + ") of " + goVersion + " in "
                + binDir().resolve(goVersion) + ": rebuild with `mvn -pl go-testbins compile`");
    }

    /** {@code .cache/golat/toolchains}: links to the Go toolchains that are not Debian packages. */
    public static Path toolchainsDir() {
        return cacheDir().getParent().resolve("toolchains");
    }

    /** A test program built with the newest installed toolchain. */
    public static Path program(String name) {
        List<String> versions = goVersions();
        return program(versions.get(versions.size() - 1), name);
    }

    /**
     * The {@code go} command of the toolchain that built a version folder, e.g. {@code goTool("go1.21")} is
     * {@code /usr/lib/go-1.21/bin/go} (Debian's golang-1.21-go), or {@code .cache/golat/toolchains/go1.27/bin/go}. Use it with {@code GOTOOLCHAIN=local} for
     * oracles such as {@code go tool nm} and {@code go tool objdump}.
     */
    public static Path goTool(String goVersion) {
        if (!goVersion.matches("go\\d+\\.\\d+")) {
            throw new IllegalArgumentException("Go version folder '" + goVersion + "' is not like go1.21");
        }
        Path debian = Path.of("/usr/lib/go-" + goVersion.substring(2), "bin", "go");
        if (Files.isRegularFile(debian)) {
            return debian;
        }
        return existing(toolchainsDir().resolve(goVersion).resolve("bin/go"),
                "install golang-" + goVersion.substring(2) + "-go, or run scripts/bootstrap (Go 1.26 and 1.27)");
    }

    /**
     * The text symbols of {@code binary} as the {@code go tool nm} of the toolchain {@code goVersion} lists them (the
     * lines of kind {@code T}): name to address. An oracle that does not share golat's own symbol reader.
     */
    public static java.util.Map<String, Long> textSymbols(String goVersion, Path binary) {
        try {
            Process p = new ProcessBuilder(goTool(goVersion).toString(), "tool", "nm", binary.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("go tool nm " + binary + " did not finish in 60 s");
            }
            java.util.Map<String, Long> symbols = new java.util.HashMap<>();
            out.lines().map(l -> l.trim().split("\\s+")).filter(f -> f.length == 3 && f[1].equals("T"))
                    .forEach(f -> symbols.put(f[2], Long.parseLong(f[0], 16)));
            return symbols;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run go tool nm on " + binary, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while go tool nm read " + binary, e);
        }
    }

    /** The folder of real third-party binaries ({@code .cache/golat/bin}, or {@code $GOLAT_CACHE/bin}). */
    public static Path cacheDir() {
        String env = System.getenv("GOLAT_CACHE");
        Path cache = env != null && !env.isBlank() ? Path.of(env) : root().resolve(".cache/golat");
        return cache.resolve("bin");
    }

    /** A real third-party binary from the cache: {@code prometheus}, {@code dockerd}, {@code esbuild}, or the older esbuild builds {@code esbuild-go116}, {@code esbuild-go117}, {@code esbuild-go118}. */
    public static Path cached(String name) {
        return existing(cacheDir().resolve(name), "run scripts/bootstrap, which fetches it");
    }

    private static Path existing(Path p, String fix) {
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("missing test binary " + p + ": " + fix);
        }
        return p;
    }

    /** Orders version folders: {@code go1.9 < go1.19 < go1.21}. */
    public static int compareGoVersions(String a, String b) {
        int[] x = parse(a);
        int[] y = parse(b);
        return x[0] != y[0] ? Integer.compare(x[0], y[0]) : Integer.compare(x[1], y[1]);
    }

    private static int[] parse(String v) {
        String[] parts = v.replaceFirst("^go", "").split("\\.");
        try {
            return new int[] {Integer.parseInt(parts[0]), parts.length > 1 ? Integer.parseInt(parts[1]) : 0};
        } catch (NumberFormatException e) {
            return new int[] {0, 0};
        }
    }
}
