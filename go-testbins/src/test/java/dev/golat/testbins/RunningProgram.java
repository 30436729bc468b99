// SPDX-License-Identifier: Apache-2.0
package dev.golat.testbins;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A Go test program started by a test: its stdout lines arrive on a queue, stderr goes to a file for the
 * failure message, and {@link #close()} always ends it (SIGTERM, then SIGKILL).
 */
final class RunningProgram implements AutoCloseable {
    private static final String EOF = new String("<eof>");

    private final Process process;
    private final Path stderr;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private final Thread reader;

    private RunningProgram(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        this.reader = new Thread(this::pump, "stdout of pid " + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    static RunningProgram start(List<String> command) {
        try {
            Path err = Files.createTempFile("golat-testbins-", ".stderr");
            err.toFile().deleteOnExit();
            Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
            return new RunningProgram(p, err);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    long pid() {
        return process.pid();
    }

    Process process() {
        return process;
    }

    void writeLine(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** The next stdout line, or an AssertionError (with stderr) when none arrives in time or stdout ends. */
    String nextLine(Duration timeout) throws InterruptedException {
        String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null || line == EOF) {
            if (line == EOF) {
                lines.add(EOF);
            }
            throw new AssertionError((line == null ? "no stdout line within " + timeout : "stdout ended")
                    + " from pid " + pid() + "; stdout so far " + seen + "; stderr: " + stderr());
        }
        seen.add(line);
        return line;
    }

    /** Skips lines until one matches. */
    String awaitLine(Predicate<String> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = nextLine(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (match.test(line)) {
                return line;
            }
        }
    }

    /** Waits for the program to exit and returns its remaining stdout lines. */
    List<String> awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("pid " + pid() + " still running after " + timeout + "; stdout so far "
                    + seen + "; stderr: " + stderr());
        }
        reader.join(timeout.toMillis());
        List<String> rest = new ArrayList<>();
        for (String l; (l = lines.poll()) != null && l != EOF; ) {
            seen.add(l);
            rest.add(l);
        }
        return rest;
    }

    String stderr() {
        try {
            return Files.readString(stderr).strip();
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; ) {
                lines.add(l);
            }
        } catch (IOException e) {
            // the process was killed; EOF below
        } finally {
            lines.add(EOF);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        try {
            Files.deleteIfExists(stderr);
        } catch (IOException e) {
            // a temp file; deleteOnExit is the fallback
        }
    }
}
