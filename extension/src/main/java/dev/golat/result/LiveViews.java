// SPDX-License-Identifier: Apache-2.0
package dev.golat.result;

import org.apiguardian.api.API;

/** What the layers above need to know of a live {@link Latency}, without making its type public. */
@API(status = API.Status.INTERNAL)
public final class LiveViews {
    private LiveViews() {}

    /**
     * The live latency of the traced function behind {@code latency}: itself, or, for a breakdown component of a
     * live latency ({@code latency.running()}), the function's; any other latency as it is.
     */
    public static Latency origin(Latency latency) {
        return latency instanceof LiveLatency live ? live.origin() : latency;
    }
}
