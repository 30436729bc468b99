// SPDX-License-Identifier: Apache-2.0
package dev.golat.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.golat.testbins.GoTestBinaries;
import dev.golat.testbins.GoTestBinaries.Variant;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a dynamically linked binary needs in a {@code FROM scratch} image. Real binaries are checked against
 * {@code ldd} (glibc's loader itself, run with {@code LD_TRACE_LOADED_OBJECTS}: it uses {@code ld.so.cache},
 * we do not); the search rules the host cannot show ({@code $ORIGIN}, a missing library) on tiny ELF files in a
 * folder standing for {@code /}.
 */
class SharedLibrariesTest {
    private static final Pattern LDD_LIB = Pattern.compile("^\\s*(\\S+) => (/\\S+) \\(0x[0-9a-f]+\\)$");
    private static final Pattern LDD_INTERP = Pattern.compile("^\\s*(/\\S+) \\(0x[0-9a-f]+\\)$");

    @ParameterizedTest
    @ValueSource(strings = {"go1.19", "go1.26", "go1.27"})
    void should_find_what_ldd_finds_for_cgo_test_programs(String go) throws Exception {
        if (GoTestBinaries.missingReason(go).isPresent()) {
            return; // the toolchain matrix reports it; nothing to resolve
        }
        Path cgo = GoTestBinaries.program(go, Variant.CGO, "stmtserver");
        SharedLibraries.Resolution r = SharedLibraries.host().resolve(cgo, "/app/stmtserver");
        assertThat(r.isDynamic()).isTrue();
        assertThat(r.interpreter()).isEqualTo("/lib64/ld-linux-x86-64.so.2");
        assertThat(entries(r)).isEqualTo(ldd(cgo));
    }

    @ParameterizedTest
    @ValueSource(strings = {"prometheus", "dockerd"})
    void should_find_what_ldd_finds_for_debian_servers_transitively(String name) throws Exception {
        Path server = GoTestBinaries.cached(name);
        SharedLibraries.Resolution r = SharedLibraries.host().resolve(server, "/app/" + name);
        assertThat(r.complete()).as("missing %s", r.missing()).isTrue();
        assertThat(entries(r)).isEqualTo(ldd(server));
    }

    @Test
    void should_need_nothing_for_a_static_binary() {
        Path plain = GoTestBinaries.program("go1.26", Variant.DEFAULT, "stmtserver");
        SharedLibraries.Resolution r = SharedLibraries.host().resolve(plain, "/app/stmtserver");
        assertThat(r.isDynamic()).isFalse();
        assertThat(r.files()).isEmpty();
        assertThat(r.complete()).isTrue();
    }

    @Test
    void should_follow_origin_runpath_and_symlinks_and_load_a_soname_once(@TempDir Path root) throws IOException {
        Path exe = world(root, true);
        SharedLibraries.Resolution r = new SharedLibraries(root).resolve(exe, "/app/server");
        assertThat(r.missing()).isEmpty();
        Path real = root.toRealPath();
        assertThat(entries(r)).isEqualTo(Map.of(
                "/lib64/ld-linux-x86-64.so.2", real.resolve("usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"),
                "/lib/libfoo.so.1", real.resolve("opt/svc/lib/libfoo.so.1"), // $ORIGIN/../lib from /app/server
                "/usr/lib/x86_64-linux-gnu/libbaz.so.2", real.resolve("usr/lib/x86_64-linux-gnu/libbaz.so.2.0.1")));
        assertThat(r.files()).extracting(SharedLibraries.Entry::neededBy)
                .containsExactly(exe.toString(), exe.toString(), real.resolve("opt/svc/lib/libfoo.so.1").toString());
    }

    @Test
    void should_search_ld_so_conf_and_move_what_the_cacheless_loader_would_not_find(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("etc/ld.so.conf.d"));
        Files.writeString(root.resolve("etc/ld.so.conf"), "include /etc/ld.so.conf.d/*.conf\n");
        Files.writeString(root.resolve("etc/ld.so.conf.d/local.conf"), "# local builds\n/usr/local/lib  # first\n");
        Files.createDirectories(root.resolve("lib64"));
        Files.write(root.resolve("lib64/ld-linux-x86-64.so.2"), TinyElf.of(null, "ld-linux-x86-64.so.2", List.of(), null));
        Files.createDirectories(root.resolve("usr/local/lib"));
        Files.write(root.resolve("usr/local/lib/libq.so.1"), TinyElf.of(null, "libq.so.1", List.of(), null));
        Files.createDirectories(root.resolve("usr/lib64"));
        Files.write(root.resolve("usr/lib64/libr.so.2"), TinyElf.of(null, "libr.so.2", List.of(), null));
        Path exe = Files.write(root.resolve("server"),
                TinyElf.of("/lib64/ld-linux-x86-64.so.2", null, List.of("libq.so.1", "libr.so.2"), null));
        SharedLibraries libs = new SharedLibraries(root);
        assertThat(libs.ldSoConf()).containsExactly("/usr/local/lib");

        SharedLibraries.Resolution r = libs.resolve(exe, "/app/server");
        Path real = root.toRealPath();
        // glibc's loader without a cache searches neither /usr/local/lib nor /usr/lib64: both go to its first folder.
        assertThat(entries(r)).isEqualTo(Map.of(
                "/lib64/ld-linux-x86-64.so.2", real.resolve("lib64/ld-linux-x86-64.so.2"),
                "/lib/x86_64-linux-gnu/libq.so.1", real.resolve("usr/local/lib/libq.so.1"),
                "/lib/x86_64-linux-gnu/libr.so.2", real.resolve("usr/lib64/libr.so.2")));
        assertThat(SharedLibraries.loaderDirs("/lib/ld-musl-x86_64.so.1")).containsExactly("/lib", "/usr/local/lib", "/usr/lib");
    }

    @Test
    void should_name_the_binary_its_interpreter_the_missing_library_and_the_ways_out(@TempDir Path root) throws IOException {
        Path exe = world(root, false);
        SharedLibraries.Resolution r = new SharedLibraries(root).resolve(exe, "/app/server");
        Path libfoo = root.toRealPath().resolve("opt/svc/lib/libfoo.so.1");
        assertThat(r.missing()).containsExactly("libbaz.so.2 (needed by " + libfoo + ")");
        assertThat(SharedLibraries.missingMessage(exe, "/app/server", r)).isEqualTo("fromBinary(" + exe
                + "): the binary is dynamically linked (interpreter /lib64/ld-linux-x86-64.so.2, needs libfoo.so.1) and this "
                + "host lacks libbaz.so.2 (needed by " + libfoo + "); searched /lib/x86_64-linux-gnu, "
                + "/usr/lib/x86_64-linux-gnu, /lib64, /usr/lib64, /lib, /usr/lib. A FROM scratch image cannot run it without "
                + "them. Ways out: install the missing libraries on this host; or GoContainer.fromImage(\"<image>\", "
                + "\"/app/server\") with an image built on a glibc base such as debian:bookworm-slim that holds the binary; "
                + "or GoContainer.fromDockerfile(dir, \"/app/server\") with a Dockerfile that installs them; or rebuild the "
                + "binary static (CGO_ENABLED=0).");
    }

    @Test
    void should_fail_before_start_when_the_host_lacks_the_interpreter(@TempDir Path dir) throws IOException {
        Path exe = Files.write(dir.resolve("server"), TinyElf.of("/lib/ld-musl-x86_64.so.1", null, List.of("libc.musl-x86_64.so.1"), null));
        assertThatThrownBy(() -> GoContainer.fromBinary(exe))
                .isInstanceOf(GoContainerException.class)
                .hasMessageStartingWith("fromBinary(" + exe + "): the binary is dynamically linked (interpreter "
                        + "/lib/ld-musl-x86_64.so.1, needs libc.musl-x86_64.so.1) and this host lacks interpreter "
                        + "/lib/ld-musl-x86_64.so.1, libc.musl-x86_64.so.1 (needed by " + exe + ")")
                .hasMessageContaining("with an image built on a base that has its loader and libraries that holds the binary");
    }

    @Test
    void should_refuse_a_file_that_is_not_elf_before_start(@TempDir Path dir) throws IOException {
        Path script = Files.writeString(dir.resolve("server.sh"), "#!/bin/sh\nexec sleep 1\n");
        assertThatThrownBy(() -> GoContainer.fromBinary(script))
                .isInstanceOf(GoContainerException.class)
                .hasMessage(script + " is not an ELF file: it starts with 23 21 2f 62, not 7f 45 4c 46 (\\x7fELF); "
                        + "fromBinary needs an amd64 ELF executable (a Go binary)");
    }

    /**
     * {@code root}/opt/svc/bin/server (RUNPATH $ORIGIN/../lib, needs libfoo.so.1), its libfoo.so.1 (needs
     * ld-linux-x86-64.so.2 by name, as libsystemd does, and libbaz.so.2), libbaz.so.2 as a symlink to
     * libbaz.so.2.0.1 when {@code withBaz}, and /lib64/ld-linux-x86-64.so.2 as a symlink into /usr/lib.
     */
    private static Path world(Path root, boolean withBaz) throws IOException {
        Path multiarch = Files.createDirectories(root.resolve("usr/lib/x86_64-linux-gnu"));
        Files.write(multiarch.resolve("ld-linux-x86-64.so.2"), TinyElf.of(null, "ld-linux-x86-64.so.2", List.of(), null));
        Files.createDirectories(root.resolve("lib64"));
        Files.createSymbolicLink(root.resolve("lib64/ld-linux-x86-64.so.2"), Path.of("../usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"));
        if (withBaz) {
            Files.write(multiarch.resolve("libbaz.so.2.0.1"), TinyElf.of(null, "libbaz.so.2", List.of(), null));
            Files.createSymbolicLink(multiarch.resolve("libbaz.so.2"), Path.of("libbaz.so.2.0.1"));
        }
        Path lib = Files.createDirectories(root.resolve("opt/svc/lib"));
        Files.write(lib.resolve("libfoo.so.1"), TinyElf.of(null, "libfoo.so.1", List.of("ld-linux-x86-64.so.2", "libbaz.so.2"), null));
        Path bin = Files.createDirectories(root.resolve("opt/svc/bin"));
        return Files.write(bin.resolve("server"), TinyElf.of("/lib64/ld-linux-x86-64.so.2", null, List.of("libfoo.so.1"), "$ORIGIN/../lib"));
    }

    private static Map<String, Path> entries(SharedLibraries.Resolution r) {
        Map<String, Path> m = new LinkedHashMap<>();
        r.files().forEach(e -> m.put(e.pathInImage(), e.hostFile()));
        return m;
    }

    /** {@code ldd}'s answer as path the loader opened → the real file behind it; the vDSO has no file. */
    private static Map<String, Path> ldd(Path binary) throws Exception {
        Process p = new ProcessBuilder("ldd", binary.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        Map<String, Path> m = new LinkedHashMap<>();
        List<String> interp = new ArrayList<>();
        for (String line : out.split("\n")) {
            Matcher lib = LDD_LIB.matcher(line);
            Matcher in = LDD_INTERP.matcher(line);
            if (lib.matches()) {
                m.put(lib.group(2), Path.of(lib.group(2)).toRealPath());
            } else if (in.matches()) {
                interp.add(in.group(1));
            }
        }
        assertThat(interp).as(out).hasSize(1);
        Map<String, Path> withInterp = new LinkedHashMap<>();
        withInterp.put(interp.get(0), Path.of(interp.get(0)).toRealPath());
        withInterp.putAll(m);
        return withInterp;
    }
}
