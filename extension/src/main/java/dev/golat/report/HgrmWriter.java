// SPDX-License-Identifier: Apache-2.0
package dev.golat.report;

import dev.golat.agent.Buckets;
import dev.golat.result.Instantiation;
import dev.golat.result.Latency;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apiguardian.api.API;

/**
 * Writes a latency as an HdrHistogram percentile distribution ({@code .hgrm}), the text format that
 * HdrHistogram's plotter ({@code plotFiles.html}) and most latency tooling read:
 *
 * <pre>
 *        Value     Percentile TotalCount 1/(1-Percentile)
 *
 *      312.319 0.500000000000       5012           2.00
 *      ...
 * #[Mean    =      330.112, StdDeviation   =       41.190]
 * #[Max     =     4104.191, Total count    =        10000]
 * #[Buckets =           21, SubBuckets     =         2048]
 * </pre>
 *
 * Values are in microseconds (the histogram holds nanoseconds; scaling ratio 1000.0), five percentile
 * ticks per half distance, as HdrHistogram's own examples use.
 */
@API(status = API.Status.INTERNAL)
public final class HgrmWriter {

    /** Value units per microsecond: the histogram holds nanoseconds, the file shows microseconds. */
    static final double NANOS_PER_MICRO = 1000.0;

    /** Percentile ticks per halving of the distance to 100%, as in HdrHistogram's examples. */
    static final int TICKS_PER_HALF_DISTANCE = 5;

    private HgrmWriter() {
    }

    /**
     * Writes {@code <dir>/<testClass>/<testMethod>-<latency.name()>.hgrm}, replacing any earlier file.
     * Characters other than letters, digits, {@code . _ -} in the three names become {@code _}.
     * A latency with no samples is written as a comment line saying so.
     *
     * @return the file written
     * @throws UncheckedIOException when the file cannot be written
     */
    public static Path write(Path dir, String testClass, String testMethod, Latency latency) {
        return write(dir, testClass, testMethod, latency, null);
    }

    /**
     * One node's latency of a function traced on several nodes: {@code <dir>/<testClass>/<testMethod>-<latency.name()>
     * @<node>.hgrm} ({@code node} null: {@link #write(Path, String, String, Latency)}).
     */
    public static Path write(Path dir, String testClass, String testMethod, Latency latency, String node) {
        String suffix = node == null ? "" : "@" + FileNames.safe(node);
        Path file = dir.resolve(FileNames.safe(testClass))
                .resolve(FileNames.safe(testMethod) + "-" + FileNames.safe(latency.name()) + suffix + ".hgrm");
        try {
            return AtomicFile.write(file, stream -> {
                PrintStream out = new PrintStream(stream, false, StandardCharsets.UTF_8);
                if (latency.count() > 0) {
                    latency.histogram().outputPercentileDistribution(out, TICKS_PER_HALF_DISTANCE, NANOS_PER_MICRO);
                } else {
                    out.printf("# no call measured: no percentile distribution%n");
                }
                // After the distribution, where readers of .hgrm files already skip '#' lines.
                out.printf("# golat: %s (%s)%s, values in microseconds%n", latency.name(), latency.function(),
                        node == null ? (latency.perNode().isEmpty() ? "" : ", all of " + String.join(", ", latency.perNode().keySet()))
                                : ", node " + node);
                out.printf("# counts: %s%n", latency.counters().nonZero());
                for (Instantiation i : latency.instantiations()) {
                    out.printf("# instantiation: %s (0x%x): %s%n", i.function(), i.entry(), i.counts().nonZero());
                }
                out.flush();
                if (out.checkError()) {
                    throw new IOException("write failed");
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the percentile distribution of " + latency.name()
                    + " to " + file + ": " + e.getMessage(), e);
        }
    }
}
