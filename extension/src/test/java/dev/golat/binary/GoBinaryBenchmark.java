// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.golat.testbins.GoTestBinaries;

/**
 * How long resolving one function takes in the largest cached binary (dockerd, PIE, no {@code .gopclntab}),
 * side by side with {@code objdump -d --start-address --stop-address} of the same function in the same run.
 * Prints figures; asserts only that both sides saw the same bytes. Run it with
 * {@code mvn -pl extension -am test -Dtest=GoBinaryBenchmark -Dsurefire.failIfNoSpecifiedTests=false}, or
 * {@link #main}.
 *
 * <ul>
 * <li><b>first</b>: open + map + locate pclntab + lookup + code bytes, the first time in this JVM (class loading,
 *     interpreter);
 * <li><b>cold</b>: the same on a fresh {@link GoBinary} (nothing cached in it), once the JVM has warmed up;
 * <li><b>warm</b>: lookup + code on an open binary for a name it has not resolved before (name index built);
 * <li><b>objdump</b>: one {@code objdump} process disassembling just that function.
 * </ul>
 */
@Tag("benchmark")
class GoBinaryBenchmark {
    static final int REPETITIONS = 5;

    @Test
    void resolve_one_function_in_dockerd_versus_objdump() {
        System.out.print(run(GoTestBinaries.cached("dockerd"), REPETITIONS));
    }

    public static void main(String[] args) {
        System.out.print(run(args.length > 0 ? Path.of(args[0]) : GoTestBinaries.cached("dockerd"),
                args.length > 1 ? Integer.parseInt(args[1]) : REPETITIONS));
    }

    static String run(Path file, int repetitions) {
        long t0 = System.nanoTime();
        GoBinary first = GoBinary.open(file);
        first.code(first.lookup("main.main"));
        long firstNs = System.nanoTime() - t0;
        List<GoFunction> all = first.functions();
        GoFunction target = all.get(all.size() / 2);
        long[] cold = new long[repetitions];
        long[] warm = new long[repetitions];
        long[] objdump = new long[repetitions];
        byte[] ours = null;
        for (int r = 0; r < repetitions; r++) {
            GoFunction other = all.get((int) ((long) all.size() * (r + 1) / (repetitions + 2)));
            long s = System.nanoTime();
            GoBinary b = GoBinary.open(file);
            ours = b.code(b.lookup(target.name()));
            cold[r] = System.nanoTime() - s;

            b.functions(); // the name index, as after a few lookups
            s = System.nanoTime();
            byte[] otherCode = b.code(b.lookup(other.name()));
            warm[r] = System.nanoTime() - s;
            assertThat(otherCode).hasSize((int) other.size());

            s = System.nanoTime();
            Oracles.objdumpBytes(file, target.entry(), target.end());
            objdump[r] = System.nanoTime() - s;
        }
        GoBinaryBenchmarkCheck.sameBytes(file, target, ours);
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%nGoBinary vs objdump: %s (%,d bytes, %s, %,d functions), function %s (%,d bytes)%n",
                file, file.toFile().length(), first.goVersion(), all.size(), target.name(), target.size()));
        out.append(String.format(Locale.ROOT, "  first in this JVM (main.main) %6.2f ms%n", firstNs / 1e6));
        out.append(row("cold (fresh GoBinary)", cold, objdump));
        out.append(row("warm (open, indexed)", warm, objdump));
        out.append(String.format(Locale.ROOT, "  objdump -d one function %7.2f ms (median of %d)%n", median(objdump) / 1e6, repetitions));
        return out.toString();
    }

    private static String row(String what, long[] ns, long[] objdump) {
        return String.format(Locale.ROOT, "  %-22s %8.3f ms median, %8.3f ms min  (%.1fx faster than objdump)%n", what,
                median(ns) / 1e6, Arrays.stream(ns).min().orElse(0) / 1e6, (double) median(objdump) / median(ns));
    }

    private static long median(long[] ns) {
        long[] s = ns.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /** The bytes objdump shows for the function are the bytes GoBinary returned. */
    static final class GoBinaryBenchmarkCheck {
        static void sameBytes(Path file, GoFunction f, byte[] ours) {
            List<byte[]> parts = new ArrayList<>(Oracles.objdumpBytes(file, f.entry(), f.end()).values());
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            parts.forEach(all::writeBytes);
            assertThat(ours).as("bytes of %s", f).isEqualTo(all.toByteArray());
        }
    }
}
