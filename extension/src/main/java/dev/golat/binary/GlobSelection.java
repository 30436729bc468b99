// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * What a traced name selects when it may be a glob over many functions ({@code main.(*conn).*}): one
 * {@link FunctionSelection} per function, each traced and measured on its own.
 *
 * @param query     what the user wrote
 * @param functions one selection per function (a generic function's instantiations together); exactly one when the
 *                  query is a plain name or a glob that matches one function (or one generic function)
 * @param wrappers  compiler-generated wrappers the glob also matched and left out (they only call other functions)
 * @param inlinedOnly functions the glob matches that were inlined into every caller, so have no code of their own to
 *                  probe (only for a glob that selects several functions), by name, with the functions they were
 *                  inlined into
 */
@API(status = API.Status.INTERNAL)
public record GlobSelection(String query, List<FunctionSelection> functions, List<String> wrappers,
        Map<String, List<String>> inlinedOnly) {
    public GlobSelection {
        functions = List.copyOf(functions);
        wrappers = List.copyOf(wrappers);
        inlinedOnly = Collections.unmodifiableMap(new LinkedHashMap<>(inlinedOnly));
    }

    GlobSelection(String query, List<FunctionSelection> functions, List<String> wrappers) {
        this(query, functions, wrappers, Map.of());
    }

    /** Whether the query is a glob that selected several functions (else it selects what {@link GoBinary#select} does). */
    public boolean isMany() {
        return functions.size() > 1;
    }
}
