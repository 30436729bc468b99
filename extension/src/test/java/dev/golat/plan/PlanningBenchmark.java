// SPDX-License-Identifier: Apache-2.0
package dev.golat.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.golat.binary.GoBinary;
import dev.golat.binary.GoFunction;
import dev.golat.testbins.GoTestBinaries;

/**
 * What planning one probe costs in the largest cached real binary (by file size: dockerd, 75 MB, PIE, no
 * {@code .gopclntab} section, when written), side by side with {@code objdump} of the same function in the same
 * run. Prints the figures; asserts only that every plan was made and names the function asked for. Run it with
 * {@code mvn -pl extension -am test -Dtest=PlanningBenchmark -Dsurefire.failIfNoSpecifiedTests=false}, or
 * {@link #main} ({@code [binary] [repetitions]}).
 *
 * <ul>
 * <li><b>cold plan</b>: {@code Planner.of(GoBinary.open(file)).plan(name)} on a fresh {@link GoBinary}: map the
 *     file, find the pclntab and the moduledata, read the function table, resolve the name, read every inline tree
 *     (for the plan's inlining warning), decode the function and choose its probe sites, turn them into file
 *     offsets. The JVM has warmed up on other names first; the file is in the page cache.
 * <li><b>warm lookup</b>: {@code lookup(name)} for a name not resolved before, on a binary that has planned once
 *     and built its name index ({@code functions()}), as a test class that plans several probes has;
 * <li><b>warm plan</b>: {@code plan(name)} for a new name on that planner (inline trees and index already read);
 * <li><b>objdump</b>: one {@code objdump -d --start-address --stop-address} process for the same function.
 * </ul>
 */
@Tag("benchmark")
class PlanningBenchmark {
    static final int REPETITIONS = 9;

    @Test
    void plan_one_function_in_the_largest_binary_versus_objdump() {
        System.out.print(run(largestCachedBinary(), REPETITIONS));
    }

    public static void main(String[] args) {
        System.out.print(run(args.length > 0 ? Path.of(args[0]) : largestCachedBinary(),
                args.length > 1 ? Integer.parseInt(args[1]) : REPETITIONS));
    }

    static Path largestCachedBinary() {
        try (Stream<Path> s = Files.list(GoTestBinaries.cacheDir())) {
            return s.filter(Files::isRegularFile).max(Comparator.comparingLong(PlanningBenchmark::size))
                    .orElseThrow(() -> new IllegalStateException("no binaries in " + GoTestBinaries.cacheDir()
                            + ": run scripts/bootstrap"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String run(Path file, int repetitions) {
        long t0 = System.nanoTime();
        ProbePlan firstPlan = Planner.of(GoBinary.open(file)).plan("main.main");
        long firstNs = System.nanoTime() - t0;
        assertThat(firstPlan.function()).isEqualTo("main.main");
        GoBinary index = GoBinary.open(file);
        List<GoFunction> all = index.functions();
        List<GoFunction> targets = new ArrayList<>();
        for (int r = 0; r < 3 * repetitions + 3; r++) { // functions spread over the table, all with a name of their own
            GoFunction f = all.get((int) ((long) all.size() * (r + 1) / (3L * repetitions + 5)));
            if (f.size() >= 16 && index.lookupAll(f.name()).size() == 1) {
                targets.add(f);
            }
        }
        assertThat(targets).as("functions to plan").hasSizeGreaterThanOrEqualTo(2 * repetitions + 3);
        for (int w = 0; w < 3; w++) { // warm the JVM on names the measured runs do not use
            Planner.of(GoBinary.open(file)).plan(targets.get(targets.size() - 1 - w).name());
        }
        long[] cold = new long[repetitions];
        long[] lookup = new long[repetitions];
        long[] warm = new long[repetitions];
        long[] objdump = new long[repetitions];
        for (int r = 0; r < repetitions; r++) {
            GoFunction target = targets.get(2 * r);
            GoFunction other = targets.get(2 * r + 1);
            long s = System.nanoTime();
            Planner planner = Planner.of(GoBinary.open(file));
            ProbePlan plan = planner.plan(target.name());
            cold[r] = System.nanoTime() - s;
            assertThat(plan.function()).isEqualTo(target.name());

            planner.binary().functions(); // the name index
            s = System.nanoTime();
            GoFunction found = planner.binary().lookup(other.name());
            lookup[r] = System.nanoTime() - s;
            assertThat(found).isEqualTo(other);

            GoFunction third = targets.get((2 * r + 2) % targets.size());
            s = System.nanoTime();
            ProbePlan again = planner.plan(third.name());
            warm[r] = System.nanoTime() - s;
            assertThat(again.function()).isEqualTo(third.name());

            s = System.nanoTime();
            objdump(file, target);
            objdump[r] = System.nanoTime() - s;
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%nPlanning vs objdump: %s (%,d bytes, %s, %,d functions); load average %s%n",
                file, size(file), index.goVersion(), all.size(), loadAverage()));
        out.append(String.format(Locale.ROOT, "  first plan in this JVM (main.main) %8.2f ms%n", firstNs / 1e6));
        out.append(row("cold plan (fresh GoBinary)", cold, objdump));
        out.append(row("warm lookup (new name)", lookup, objdump));
        out.append(row("warm plan (new name)", warm, objdump));
        out.append(String.format(Locale.ROOT, "  objdump -d one function      %8.3f ms median of %d%n", median(objdump) / 1e6,
                repetitions));
        return out.toString();
    }

    /** The 1-minute load average (/proc/loadavg): the machine is shared, and the figures move with it. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void objdump(Path file, GoFunction f) {
        try {
            Process p = new ProcessBuilder("objdump", "-d", "-w", "--start-address=0x" + Long.toHexString(f.entry()),
                    "--stop-address=0x" + Long.toHexString(f.end()), file.toString())
                    .redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("objdump failed on " + f + ": " + new String(out));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String row(String what, long[] ns, long[] objdump) {
        return String.format(Locale.ROOT, "  %-28s %8.3f ms median, %8.3f ms min  (objdump/this %.1f)%n", what,
                median(ns) / 1e6, Arrays.stream(ns).min().orElse(0) / 1e6, (double) median(objdump) / median(ns));
    }

    private static long median(long[] ns) {
        long[] s = ns.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
