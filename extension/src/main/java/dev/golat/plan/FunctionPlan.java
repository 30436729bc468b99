// SPDX-License-Identifier: Apache-2.0
package dev.golat.plan;

import java.util.List;
import org.apiguardian.api.API;

/**
 * Where golat probes everything one traced name selects: one function, or every instantiation of a generic
 * function (one {@link ProbePlan} each), measured together as one latency.
 *
 * @param spec      what the user wrote, e.g. {@code Hold} or {@code (*Stack).Push}
 * @param function  the generic name ({@code main.Hold[...]}) or the one function's full name
 * @param instances one plan per instantiation, sorted by entry; {@link ProbePlan#function()} is the instantiation's
 *                  name ({@code main.Hold[go.shape.int]}, or {@code main.Hold[...]} where the shapes are unknown)
 */
@API(status = API.Status.INTERNAL)
public record FunctionPlan(String spec, String function, List<ProbePlan> instances) {
    public FunctionPlan {
        instances = List.copyOf(instances);
        if (instances.isEmpty()) {
            throw new IllegalArgumentException(spec + ": a function plan needs at least one probe plan");
        }
    }

    /** Whether this holds several instantiations of a generic function. */
    public boolean isGeneric() {
        return instances.size() > 1;
    }

    /** Whether every instantiation has a RET to probe. */
    public boolean measurable() {
        return instances.stream().allMatch(ProbePlan::measurable);
    }

    /** What the user should know, each instantiation's warnings prefixed with its name when there are several. */
    public List<String> warnings() {
        if (!isGeneric()) {
            return instances.get(0).warnings();
        }
        return instances.stream().flatMap(p -> p.warnings().stream()
                .map(w -> w.startsWith(p.function()) ? w : p.function() + ": " + w)).toList();
    }
}
