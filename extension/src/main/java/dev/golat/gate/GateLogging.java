// SPDX-License-Identifier: Apache-2.0
package dev.golat.gate;

import dev.golat.result.GateLog;
import dev.golat.result.GateResult;
import dev.golat.result.Units;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apiguardian.api.API;

/**
 * Logs each gated percentile of a comparison to {@link GateLog}, with what the report draws of it: both
 * histograms and the limit the candidate's percentile was held to ({@code baseline x (1 + tolerance)}).
 */
@API(status = API.Status.INTERNAL)
public final class GateLogging {
    private GateLogging() {}

    /** One function: {@code report} compared {@code candidate} with {@code baseline}. */
    public static void log(GateReport report, Recording baseline, Recording candidate) {
        log(report, List.of(baseline), List.of(candidate));
    }

    /** Every function of {@code report}, found in the recordings by name. */
    public static void log(GateReport report, List<Recording> baselines, List<Recording> candidates) {
        Map<String, Recording> b = baselines.stream().collect(Collectors.toMap(Recording::name, Function.identity(), (x, y) -> x));
        Map<String, Recording> c = candidates.stream().collect(Collectors.toMap(Recording::name, Function.identity(), (x, y) -> x));
        double tolerance = report.gate().tolerance();
        for (PercentileResult r : report.results()) {
            String verdict = switch (r.verdict()) {
                case PASS -> GateResult.PASS;
                case INCONCLUSIVE -> GateResult.INCONCLUSIVE;
                case REGRESSION -> GateResult.FAIL;
            };
            Recording br = b.get(r.name());
            Recording cr = c.get(r.name());
            GateLog.record(r.name(), Gate.pLabel(r.percentile()), r.candidate(), "baseline " + Units.duration(r.baseline())
                    + " + " + Math.round(tolerance * 100) + "%", verdict, Math.round(r.baseline() * (1 + tolerance)),
                    cr == null ? null : cr.merged(), br == null ? null : br.merged(), r.reason());
        }
    }
}
