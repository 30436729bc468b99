// SPDX-License-Identifier: Apache-2.0
package dev.golat.testbins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.golat.testbins.GoTestBinaries.Variant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Elsewhere a version of the matrix that could not be built skips its tests with the reason; under {@code CI=true}
 * (`bash .ci/run`) this test fails instead, so CI on this machine cannot pass with a part of the matrix missing.
 */
class MatrixCompleteTest {

    @Test
    void every_version_and_variant_of_the_matrix_is_built_when_CI_is_true() {
        List<String> missing = new ArrayList<>();
        for (String go : GoTestBinaries.MATRIX) {
            for (Variant v : Variant.values()) {
                GoMatrix.missing(go, v).ifPresent(reason -> missing.add(go + " " + v + ": " + reason));
            }
        }
        if (!GoMatrix.ci()) {
            assumeTrue(missing.isEmpty(), () -> "not CI; missing builds (their tests are skipped): " + missing);
        }
        assertThat(missing).as("CI=true needs every build of %s x %s", GoTestBinaries.MATRIX, List.of(Variant.values()))
                .isEmpty();
        assertThat(GoTestBinaries.goVersions()).as("versions built").containsAll(GoTestBinaries.MATRIX);
    }
}
