// SPDX-License-Identifier: Apache-2.0
package dev.golat.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.golat.gate.Duet.Side;
import dev.golat.result.CallCounts;
import dev.golat.result.Latency;
import java.util.List;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class DuetTest {

    @Test
    void should_order_rounds_in_abba_blocks_oriented_by_the_seed() {
        List<Side> order = Duet.order(8, 42);
        assertThat(order).hasSize(16);
        for (int b = 0; b < 4; b++) {
            List<Side> block = order.subList(4 * b, 4 * b + 4);
            assertThat(block.get(0)).isEqualTo(block.get(3)).isNotEqualTo(block.get(1));
            assertThat(block.get(1)).isEqualTo(block.get(2));
        }
        assertThat(order.stream().filter(s -> s == Side.BASELINE)).hasSize(8);
        // both orientations occur over many blocks, and one seed always gives one order
        assertThat(Duet.order(40, 1)).contains(Side.BASELINE).isEqualTo(Duet.order(40, 1));
        assertThat(Duet.order(40, 1).stream().filter(s -> s == Side.CANDIDATE).count()).isEqualTo(40);
        assertThat(java.util.stream.IntStream.range(0, 20).mapToObj(b -> Duet.order(40, 1).get(4 * b)).distinct())
                .hasSize(2);
    }

    @Test
    void should_record_each_round_as_the_calls_that_side_made_in_it() {
        // GIVEN two fake services whose histograms grow as rounds drive them
        Histogram[] served = {new Histogram(3), new Histogram(3)};
        Latency base = live("f", served, 0);
        Latency cand = live("f", served, 1);
        Random random = new Random(1);
        // WHEN each round drives its side 100 calls (the candidate 20% slower)
        Duet.Result r = Duet.of(base, cand).rounds(10).run(side -> {
            for (int i = 0; i < 100; i++) {
                long v = 10_000 + random.nextInt(1000);
                served[side.ordinal()].recordValue(side == Side.BASELINE ? v : v * 6 / 5);
            }
        });
        // THEN
        assertThat(r.baseline().rounds()).hasSize(10).allSatisfy(h -> assertThat(h.getTotalCount()).isEqualTo(100));
        assertThat(r.candidate().rounds()).hasSize(10);
        assertThat(r.order()).isEqualTo(Duet.order(10, 1));
        GateReport report = Gate.atPercentiles(50).compare(r.baseline(), r.candidate());
        assertThat(report.verdict()).as(report.table()).isEqualTo(Verdict.REGRESSION);
    }

    @Test
    void should_witness_each_side_by_its_own_latencys_service_unless_told_otherwise() {
        // GIVEN two live latencies whose services' witnesses are registered, each CPU total growing as its side runs
        Histogram[] served = {new Histogram(3), new Histogram(3)};
        Latency base = live("f", served, 0);
        Latency cand = live("f", served, 1);
        long[] cpu = {1_000, 1_000};
        Witnesses.register(base, () -> new NoiseWitness(cpu[0], cpu[0] / 10, 4));
        Witnesses.register(cand, () -> new NoiseWitness(cpu[1], cpu[1] / 2, 4));

        // WHEN each round costs its own side 500 ns of CPU
        Duet.Result r = Duet.of(base, cand).rounds(4).run(side -> cpu[side.ordinal()] += 500);

        // THEN each side's witness holds exactly its own rounds; a snapshot has none; witnessing(...) wins
        assertThat(r.baseline().witness()).isEqualTo(new NoiseWitness(2_000, 200, 4));
        assertThat(r.candidate().witness()).isEqualTo(new NoiseWitness(2_000, 1_000, 4));
        // and each round its own share of it, in the order of the side's rounds
        assertThat(r.baseline().roundWitnesses()).containsExactly(new NoiseWitness(500, 50, 4), new NoiseWitness(500, 50, 4),
                new NoiseWitness(500, 50, 4), new NoiseWitness(500, 50, 4));
        assertThat(r.candidate().roundWitnesses()).hasSize(4).allMatch(w -> w.equals(new NoiseWitness(500, 250, 4)));
        assertThat(NoiseWitness.of(base.snapshot())).isEmpty();
        Duet.Result given = Duet.of(base, cand).rounds(2)
                .witnessing(() -> NoiseWitness.NONE, () -> new NoiseWitness(cpu[1], 0, 1)).run(side -> cpu[side.ordinal()] += 1);
        assertThat(given.baseline().witness()).isEqualTo(NoiseWitness.NONE);
        assertThat(given.baseline().roundWitnesses()).as("a side without a witness has no rounds' witnesses").isEmpty();
        assertThat(given.candidate().witness().cpuNanos()).isEqualTo(2);
    }

    @Test
    void should_refuse_a_snapshot() {
        Latency frozen = Latency.of("f", "main.f", new Histogram(3), CallCounts.NONE, null);
        assertThatIllegalArgumentException().isThrownBy(() -> Duet.of(frozen, frozen)).withMessageStartingWith(
                "Duet.of needs the live Latency a test method received, not a snapshot (f)");
    }

    private static Latency live(String name, Histogram[] served, int i) {
        return Latency.live(name, "main." + name, () -> Latency.of(name, "main." + name, served[i], CallCounts.NONE, null));
    }
}
