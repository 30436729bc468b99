// SPDX-License-Identifier: Apache-2.0
package dev.golat.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LatenciesTest {

    @Test
    void should_keep_the_order_the_test_named_the_functions_in() {
        // GIVEN twelve functions named out of alphabetical and hash order
        Map<String, Latency> byName = new LinkedHashMap<>();
        String[] names = {"zeta", "alpha", "mu", "beta", "omega", "kappa", "delta", "pi", "gamma", "sigma", "eta", "chi"};
        for (String n : names) {
            byName.put(n, Latency.empty(n, "main." + n));
        }

        // WHEN they are wrapped
        Latencies latencies = Latencies.of(byName);

        // THEN all() and toString() list them as declared
        assertThat(latencies.all()).extracting(Latency::name).containsExactly(names);
        assertThat(latencies.toString()).startsWith("[zeta: n=0").contains("alpha: n=0");
        assertThat(latencies.toString().indexOf("zeta")).isLessThan(latencies.toString().indexOf("alpha"));
    }

    @Test
    void should_name_what_is_traced_when_asked_for_another_function() {
        Map<String, Latency> byName = new LinkedHashMap<>();
        byName.put("getTSO", Latency.empty("getTSO", "main.getTSO"));
        byName.put("handleStmtExecute", Latency.empty("handleStmtExecute", "main.handleStmtExecute"));

        assertThatIllegalArgumentException().isThrownBy(() -> Latencies.of(byName).get("dispatch"))
                .withMessage("'dispatch' is not traced here; traced: getTSO, handleStmtExecute");
    }
}
