// SPDX-License-Identifier: Apache-2.0
package dev.golat.it;

import dev.golat.testbins.GoTestBinaries;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM on this test's class path running one {@code main} class, its output lines collected by a thread
 * (so it never blocks on a full pipe). For tests of what happens to, or between, whole JVMs.
 */
public record ChildJvm(Process process, BlockingQueue<String> lines, List<String> seen) {
    private static final int STARTUP_SECONDS = 120;

    /** Starts {@code main} with {@code -D} settings given as {@code name=value}; no TESTCONTAINERS_* variable. */
    public static ChildJvm start(Class<?> main, String... properties) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                "-Dgolat.root=" + GoTestBinaries.root()));
        for (String p : properties) {
            command.add("-D" + p);
        }
        command.add(main.getName());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("TESTCONTAINERS_")); // golat needs none
        Process p = pb.start();
        ChildJvm c = new ChildJvm(p, new LinkedBlockingQueue<>(), Collections.synchronizedList(new ArrayList<>()));
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    c.seen.add(line);
                    c.lines.add(line);
                }
            } catch (IOException e) {
                // the child died
            }
        }, "child-jvm-output-" + p.pid());
        reader.setDaemon(true);
        reader.start();
        return c;
    }

    /** The next line starting with {@code prefix}, waiting at most {@value #STARTUP_SECONDS} s. */
    public String awaitLine(String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STARTUP_SECONDS);
        while (System.nanoTime() - deadline < 0) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null && line.startsWith(prefix)) {
                return line;
            }
            if (line == null && !process.isAlive() && lines.isEmpty()) {
                break;
            }
        }
        throw new AssertionError("the child JVM did not print '" + prefix + "...' (alive: " + process.isAlive()
                + "); its output:\n" + String.join("\n", seen));
    }

    public void send(String line) throws IOException {
        Writer w = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        w.write(line + "\n");
        w.flush();
    }
}
