// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.agent;

import dev.golat.agent.ProbeSpec;
import dev.golat.agent.SpanSpec;
import dev.golat.it.MiniJson;
import dev.golat.plan.Planner;
import dev.golat.testbins.GoTestBinaries;
import dev.golat.testbins.GoTestBinaries.Variant;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * go-testbins' workload started with {@code -wait stdin}: it prints {@code ready pid=<pid>} and waits, so the
 * probes are attached before the first call; {@link #go()} lets it run, {@link #result()} is its own JSON.
 */
public final class Workload implements AutoCloseable {
    public final Path binary;
    private final Process process;
    private final BufferedReader stdout;
    private final OutputStream stdin;

    private Workload(Path binary, Process process) throws IOException {
        this.binary = binary;
        this.process = process;
        this.stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.stdin = process.getOutputStream();
        String ready = stdout.readLine();
        if (ready == null || !ready.equals("ready pid=" + process.pid())) {
            process.destroyForcibly();
            throw new IllegalStateException("workload did not say 'ready pid=" + process.pid() + "' but: " + ready);
        }
    }

    public static Workload start(String goVersion, String... args) throws IOException {
        return start(goVersion, Variant.DEFAULT, args);
    }

    /** The workload of one build of the matrix, e.g. {@code start("go1.27", Variant.CGO, "-mode", "block")}. */
    public static Workload start(String goVersion, Variant variant, String... args) throws IOException {
        return start(GoTestBinaries.program(goVersion, variant, "workload"), args);
    }

    /** Another go-testbins program that speaks the same {@code -wait stdin -quiet} protocol (generics). */
    public static Workload start(Path bin, String... args) throws IOException {
        return start(List.of(), bin, args);
    }

    /** {@code bin} started through {@code prefix} (e.g. {@code taskset -c 0}), which must exec it in place. */
    public static Workload start(List<String> prefix, Path bin, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(bin.toString());
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-wait", "stdin", "-quiet"));
        return new Workload(bin, new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    public long pid() {
        return process.pid();
    }

    /** The plan of {@code function} in this binary, as the agent's probe {@code id}. */
    public ProbeSpec probe(int id, String function) {
        return ProbeSpec.of(id, Planner.of(binary).plan(function));
    }

    /** The plan of span {@code from → to} in this binary, as the agent's {@code id}. */
    public SpanSpec span(int id, String name, String from, String to) {
        return SpanSpec.of(id, Planner.of(binary).planSpan(name, from, to));
    }

    public void go() throws IOException {
        stdin.write('\n');
        stdin.flush();
    }

    /** With {@code -rounds}: waits for the next round's JSON line (its own figures for that round). */
    public String roundResult() throws IOException, InterruptedException {
        for (String line; (line = stdout.readLine()) != null; ) {
            if (line.startsWith("{")) {
                return line;
            }
        }
        process.waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException("the traced workload ended before its round result: "
                + (process.isAlive() ? "stdout closed" : "exit " + process.exitValue()));
    }

    /** Whether the program is still running (a crash under tracing ends it early). */
    public boolean alive() {
        return process.isAlive();
    }

    /** Waits for the program to finish cleanly and returns its last line (its own figures). */
    public String result() throws IOException, InterruptedException {
        String last = null;
        for (String line; (line = stdout.readLine()) != null; ) {
            last = line;
        }
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("workload " + pid() + " did not exit within 120 s");
        }
        if (process.exitValue() != 0 || last == null || !last.startsWith("{")) {
            throw new IllegalStateException("the traced workload crashed or failed: exit " + process.exitValue()
                    + ", last line " + last);
        }
        return last;
    }

    public static long number(String json, String name) {
        return MiniJson.number(json, name);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
