// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.gates;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Judges a finished gate proof's saved windows again with the gate as it is now, and prints the proof's table:
 * {@code -Dgolat.proof.replay=it-fixtures/target/golat-proof} (or a copy of that directory kept from a full run).
 * No service runs; a changed decision rule is tried on the data a full proof measured, in seconds.
 */
@EnabledIfSystemProperty(named = "golat.proof.replay", matches = ".+")
class GateProofReplayIT {
    @Test
    void judges_a_saved_proof_again() throws Exception {
        Path dir = Path.of(System.getProperty("golat.proof.replay"));
        assertThat(dir.resolve("runs")).as("a gate proof's output directory (it holds runs/)").isDirectory();
        var table = GateProofBenchmarkIT.replay(dir);
        GateProofBenchmarkIT.print(table, "the saved windows of " + dir.toAbsolutePath() + " judged again");
        assertThat(table).as("cases under %s", dir.resolve("runs")).isNotEmpty();
    }
}
