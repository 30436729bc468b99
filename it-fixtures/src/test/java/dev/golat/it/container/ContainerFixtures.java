// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.container;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the container ITs share: the service they run (go-testbins' stmtserver), a small static helper
 * that stands in for the agent in exec tests (built once from {@code svc.go} with the newest installed
 * Go toolchain), free ports, and the {@code docker} CLI as an independent oracle.
 */
final class ContainerFixtures {
    private static Path svc;

    private ContainerFixtures() {}

    /** go-testbins' stmtserver, built with the newest installed Go toolchain. */
    static Path stmtserver() {
        return dev.golat.testbins.GoTestBinaries.program("stmtserver");
    }

    /** A static helper: -echo (stdin lines to stdout), -status PID, -bpf (create a map), -ignoreterm. */
    static synchronized Path svc() {
        if (svc == null) {
            try {
                Path dir = Path.of("target", "container-it").toAbsolutePath();
                Files.createDirectories(dir);
                Path src = dir.resolve("svc.go");
                try (InputStream in = ContainerFixtures.class.getResourceAsStream("svc.go")) {
                    Files.write(src, in.readAllBytes());
                }
                Path out = dir.resolve("golat-helper");
                ProcessBuilder pb = new ProcessBuilder(newestGo().toString(), "build", "-o", out.toString(), src.toString())
                        .directory(dir.toFile())
                        .redirectErrorStream(true);
                pb.environment().put("GOTOOLCHAIN", "local");
                pb.environment().put("CGO_ENABLED", "0");
                Result r = run(pb, 180);
                if (r.code != 0) {
                    throw new IllegalStateException("go build of svc.go failed: " + r.out);
                }
                svc = out;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return svc;
    }

    static Path newestGo() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/usr/lib"))) {
            return s.filter(p -> p.getFileName().toString().matches("go-1\\.\\d+"))
                    .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().substring(5))))
                    .map(p -> p.resolve("bin/go"))
                    .orElseThrow(() -> new IllegalStateException("no Go toolchain under /usr/lib/go-1.*: run scripts/bootstrap"));
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Result(int code, String out) {}

    /** Runs {@code docker <args>} and returns its exit code and combined output (trimmed). */
    static Result docker(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("docker");
        cmd.addAll(Arrays.asList(args));
        return run(new ProcessBuilder(cmd).redirectErrorStream(true), 60);
    }

    static Result run(ProcessBuilder pb, int timeoutSeconds) {
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(pb.command() + " did not finish in " + timeoutSeconds + " s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A FROM scratch image around {@code binary} (the entrypoint), built with the docker CLI. Remove it after use. */
    static String cliImage(Path binary) {
        try {
            Path context = Files.createTempDirectory("golat-cli-image");
            try {
                Files.copy(binary, context.resolve("bin"));
                Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nCOPY bin /bin/x\nENTRYPOINT [\"/bin/x\"]\n");
                String tag = "golat-it/cli:" + Long.toHexString(System.nanoTime());
                Result r = docker("build", "-q", "-t", tag, context.toString());
                if (r.code() != 0) {
                    throw new IllegalStateException("docker build failed: " + r.out());
                }
                return tag;
            } finally {
                try (Stream<Path> files = Files.list(context)) {
                    for (Path f : files.toList()) {
                        Files.delete(f);
                    }
                }
                Files.delete(context);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Containers (any state) carrying a label, via the CLI. */
    static List<String> containersWithLabel(String label) {
        String out = docker("ps", "-aq", "--filter", "label=" + label).out();
        return out.isEmpty() ? List.of() : List.of(out.split("\\s+"));
    }
}
