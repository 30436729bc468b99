// SPDX-License-Identifier: Apache-2.0
package dev.golat.gate;

import dev.golat.result.Latency;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What the kernel saw of a service's threads over a window: the time they ran on a CPU and the time they
 * sat runnable, waiting for one ({@code /proc/PID/task/TID/schedstat}: {@code cpu_ns wait_ns timeslices}).
 * Waiting for a CPU is the machine's noise as the service felt it: a CPU hog, a neighbour's build. It says
 * nothing about the code, so a gate shows it beside the figures and does not let a difference between two
 * windows' waits pass for a difference between two binaries.
 *
 * <p>{@link #read(long)} reads the running totals; the window is the difference of two reads
 * ({@link #minus}). Threads that exited inside the window are lost from the later read; Go services keep
 * their threads, so this undercounts little.
 *
 * @param cpuNanos  time on a CPU, summed over the threads
 * @param waitNanos time runnable but not running (the run queue), summed over the threads
 * @param threads   threads seen in the later read
 */
public record NoiseWitness(long cpuNanos, long waitNanos, int threads) {

    public static final NoiseWitness NONE = new NoiseWitness(0, 0, 0);

    /** Where a service's running totals come from: read at the start and at the end of each window. */
    @FunctionalInterface
    public interface Source {
        /** The totals so far ({@link #NONE} when they cannot be read). */
        NoiseWitness read();
    }

    /** The totals of a process of this host, by its pid here ({@link #read(long)}). */
    public static Source ofPid(long pid) {
        return () -> read(pid);
    }

    /**
     * The witness of the service behind a live {@link Latency} that golat handed a test method: its container's
     * process, read where it runs (here when Docker is local, else by golat's agent inside the container, so that a
     * pid Docker reports from another machine or pid namespace never names a process of this host). Empty for a
     * latency of several nodes, a snapshot, or one golat did not hand out.
     */
    public static java.util.Optional<Source> of(Latency live) {
        return Witnesses.of(live);
    }

    /** The totals of process {@code pid} so far. */
    public static NoiseWitness read(long pid) {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        long cpu = 0;
        long wait = 0;
        int threads = 0;
        try (Stream<Path> list = Files.list(tasks)) {
            for (Path task : (Iterable<Path>) list::iterator) {
                String line;
                try {
                    line = Files.readString(task.resolve("schedstat")).trim();
                } catch (NoSuchFileException e) {
                    continue; // the thread exited between the listing and the read
                }
                String[] f = line.split(" ");
                if (f.length < 2) {
                    throw new IllegalStateException(task.resolve("schedstat") + ": expected 'cpu_ns wait_ns slices', got '"
                            + line + "'");
                }
                cpu += Long.parseLong(f[0]);
                wait += Long.parseLong(f[1]);
                threads++;
            }
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("no process " + pid + " (" + tasks + " does not exist)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tasks + ": " + e.getMessage(), e);
        }
        return new NoiseWitness(cpu, wait, threads);
    }

    /** The window from {@code earlier} to this read. */
    public NoiseWitness minus(NoiseWitness earlier) {
        return new NoiseWitness(Math.max(0, cpuNanos - earlier.cpuNanos), Math.max(0, waitNanos - earlier.waitNanos),
                threads);
    }

    public NoiseWitness plus(NoiseWitness other) {
        return new NoiseWitness(cpuNanos + other.cpuNanos, waitNanos + other.waitNanos,
                Math.max(threads, other.threads));
    }

    /** Whether anything was measured (a witness of a recording made without one is {@link #NONE}). */
    public boolean known() {
        return cpuNanos + waitNanos > 0;
    }

    /**
     * The share of the threads' runnable time spent waiting for a CPU: {@code wait / (cpu + wait)}, 0 on an
     * idle machine, 0.5 when each thread got half of the CPU time it asked for.
     */
    public double contention() {
        long runnable = cpuNanos + waitNanos;
        return runnable == 0 ? 0 : (double) waitNanos / runnable;
    }

    /** {@code "waited 31% of runnable time for a CPU (2.1 s of 6.8 s)"}. */
    public String describe() {
        if (!known()) {
            return "no CPU-wait figures";
        }
        return String.format(java.util.Locale.ROOT, "waited %.0f%% of runnable time for a CPU (%s of %s)",
                100 * contention(), seconds(waitNanos), seconds(cpuNanos + waitNanos));
    }

    private static String seconds(long nanos) {
        return nanos >= 1_000_000_000L ? String.format(java.util.Locale.ROOT, "%.1f s", nanos / 1e9)
                : String.format(java.util.Locale.ROOT, "%.0f ms", nanos / 1e6);
    }
}
