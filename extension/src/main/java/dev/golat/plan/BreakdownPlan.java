// SPDX-License-Identifier: Apache-2.0
package dev.golat.plan;

import java.util.List;
import org.apiguardian.api.API;

/**
 * The runtime hooks of the per-call breakdown in one binary (agent/PROTOCOL.md, {@code breakdown}): file offsets of
 * the entry sites of {@code runtime.casgstatus}, {@code runtime.stopTheWorldWithSema} and
 * {@code runtime.startTheWorldWithSema}, and the wait-reason table of the binary's Go version.
 *
 * @param goVersion       the binary's Go version
 * @param casgstatus      file offset of casgstatus's entry site
 * @param stopWorld       file offset of stopTheWorldWithSema's entry site
 * @param startWorld      file offset of startTheWorldWithSema's entry site
 * @param waitReasons     offsets and reasons of this Go version
 * @param warnings        what the user should know
 */
@API(status = API.Status.INTERNAL)
public record BreakdownPlan(String goVersion, long casgstatus, long stopWorld, long startWorld,
        WaitReasons waitReasons, List<String> warnings) {

    public BreakdownPlan {
        warnings = List.copyOf(warnings);
    }
}
