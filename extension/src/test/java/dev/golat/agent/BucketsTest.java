// SPDX-License-Identifier: Apache-2.0
package dev.golat.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.golat.testbins.GoTestBinaries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BucketsTest {

    /** The oracle: golat_bucket() of golat.h, the very code the BPF program runs, compiled with cc. */
    @Test
    void index_agrees_with_golat_h_compiled(@TempDir Path dir) throws Exception {
        List<Long> values = new ArrayList<>();
        for (long v = 0; v < 5000; v++) {
            values.add(v);
        }
        for (int e = 7; e < 63; e++) {
            long p = 1L << e;
            values.addAll(List.of(p - 1, p, p + 1, p + (p >> 7) - 1, p + (p >> 7), 2 * p - 1 > 0 ? 2 * p - 1 : p));
        }
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < 20000; i++) {
            values.add(r.nextLong(0, Long.MAX_VALUE) >>> r.nextInt(0, 63));
        }
        values.add(Long.MAX_VALUE);
        List<String> c = compiledBuckets(dir, values);
        assertThat(c).hasSize(values.size());
        for (int i = 0; i < values.size(); i++) {
            assertThat(Buckets.index(values.get(i))).as("bucket of %d ns", values.get(i))
                    .isEqualTo(Integer.parseInt(c.get(i)));
        }
    }

    @Test
    void every_bucket_holds_exactly_its_bounds() {
        for (int i = 0; i < Buckets.NBUCKETS; i++) {
            long low = Buckets.lowerBound(i);
            long high = Buckets.upperBound(i);
            assertThat(Buckets.index(low)).as("low of %d", i).isEqualTo(i);
            assertThat(Buckets.index(high - 1)).as("high-1 of %d", i).isEqualTo(i);
            assertThat(Buckets.representative(i)).isBetween(low, high - 1);
            if (i > 0) {
                assertThat(Buckets.upperBound(i - 1)).as("bucket %d starts where %d ends", i, i - 1).isEqualTo(low);
            }
            if (i >= Buckets.SUB_BUCKETS && i < Buckets.NBUCKETS - 1) {
                assertThat((double) (high - low) / low).as("relative width of %d", i).isLessThanOrEqualTo(1.0 / 128);
            }
        }
        assertThat(Buckets.lowerBound(Buckets.NBUCKETS - 1) + (1L << 33)).isEqualTo(1L << 41);
    }

    @Test
    void bad_indexes_and_values_say_the_range() {
        assertThatThrownBy(() -> Buckets.lowerBound(4480)).hasMessage("bucket 4480 out of range 0..4479");
        assertThatThrownBy(() -> Buckets.index(-1)).hasMessage("negative latency -1 ns has no bucket");
    }

    private static List<String> compiledBuckets(Path dir, List<Long> values) throws IOException, InterruptedException {
        Path src = dir.resolve("buckets.c");
        Files.writeString(src, """
                #include <stdio.h>
                #include <linux/types.h>
                #include "golat.h"
                int main(void) {
                    unsigned long long v;
                    while (scanf("%llu", &v) == 1)
                        printf("%u\\n", golat_bucket(v));
                    return 0;
                }
                """);
        Path exe = dir.resolve("buckets");
        run(dir, null, "cc", "-O2", "-I", GoTestBinaries.root().resolve("agent/src").toString(), "-o", exe.toString(),
                src.toString());
        StringBuilder in = new StringBuilder();
        values.forEach(v -> in.append(Long.toUnsignedString(v)).append('\n'));
        return run(dir, in.toString(), exe.toString()).lines().toList();
    }

    private static String run(Path dir, String stdin, String... cmd) throws IOException, InterruptedException {
        Path out = dir.resolve("out.txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        Process p = pb.start();
        try (var os = p.getOutputStream()) {
            if (stdin != null) {
                os.write(stdin.getBytes(StandardCharsets.US_ASCII));
            }
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", List.of(cmd)).isTrue();
        String text = Files.readString(out);
        assertThat(p.exitValue()).as("%s: %s", List.of(cmd), text).isZero();
        return text;
    }
}
