// SPDX-License-Identifier: Apache-2.0
package dev.golat.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the {@code golat} command line ({@code dev.golat.cli.Main}) in a child JVM on this test classpath. */
public final class GolatCli {
    private GolatCli() {}

    public record Result(int exit, List<String> stdout, String stderr) {
        public String line(String containing) {
            return stdout.stream().filter(l -> l.contains(containing)).findFirst()
                    .orElseThrow(() -> new AssertionError("no line with " + containing + " in " + stdout + "\n" + stderr));
        }
    }

    /** Runs {@code golat args...} to its end: its exit code, its standard output's lines and its standard error. */
    public static Result golat(String... args) throws IOException, InterruptedException {
        Process p = start(args);
        var err = new java.io.ByteArrayOutputStream();
        Thread t = new Thread(() -> {
            try {
                p.getErrorStream().transferTo(err);
            } catch (IOException ignored) {
                // process ended
            }
        });
        t.start();
        List<String> out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("golat trace did not finish in 120 s");
        }
        t.join(5_000);
        return new Result(p.exitValue(), out, err.toString(StandardCharsets.UTF_8));
    }

    /** Starts {@code golat args...} with its standard input closed, for a test that reads it while it runs. */
    public static Process start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                System.getProperty("java.home") + "/bin/java", "-cp", System.getProperty("java.class.path"),
                "dev.golat.cli.Main"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        return p;
    }
}
