// SPDX-License-Identifier: Apache-2.0
package dev.golat.plan;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * What one traced name plans to when it may be a glob over many functions.
 *
 * @param spec      what the user wrote
 * @param many      whether it is a glob that selected several functions: each is then traced and measured on its
 *                  own, under its full name; else {@link #functions} holds the one plan {@link Planner#planFunction}
 *                  makes, traced under {@link #spec}
 * @param functions one plan per function, sorted by name; measurable or not (see {@link FunctionPlan#measurable})
 * @param wrappers  compiler-generated wrappers the glob matched and left out
 * @param inlinedOnly functions the glob matches that were inlined into every caller (no code of their own), with the
 *                  functions they were inlined into
 */
@API(status = API.Status.INTERNAL)
public record GlobPlan(String spec, boolean many, List<FunctionPlan> functions, List<String> wrappers,
        Map<String, List<String>> inlinedOnly) {
    public GlobPlan {
        functions = List.copyOf(functions);
        wrappers = List.copyOf(wrappers);
        inlinedOnly = Collections.unmodifiableMap(new LinkedHashMap<>(inlinedOnly));
    }
}
