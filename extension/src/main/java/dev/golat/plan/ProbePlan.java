// SPDX-License-Identifier: Apache-2.0
package dev.golat.plan;

import java.util.List;
import org.apiguardian.api.API;

/**
 * Where golat probes one Go function: everything the agent needs, as file offsets into the binary.
 *
 * @param function       the full Go name, e.g. {@code main.(*clientConn).handleStmtExecute}
 * @param goVersion      the Go version the binary was built with, e.g. {@code 1.21.13}
 * @param entry          the function's entry address (vaddr)
 * @param entryFileOffset the entry's file offset
 * @param entrySite      where the entry probe goes: the stack-check jcc, the first instruction, or a user offset
 * @param morestackSites file offsets of the {@code CALL runtime.morestack*} sites (marks a prologue re-run)
 * @param returns        file offsets of every RET
 * @param warnings       what the user should know (inlined copies that will not be seen, ...)
 */
@API(status = API.Status.INTERNAL)
public record ProbePlan(
        String function,
        String goVersion,
        long entry,
        long entryFileOffset,
        EntrySite entrySite,
        List<Long> morestackSites,
        List<Long> returns,
        List<String> warnings) {

    public ProbePlan {
        morestackSites = List.copyOf(morestackSites);
        returns = List.copyOf(returns);
        warnings = List.copyOf(warnings);
    }

    /** Whether the function has a RET to probe (a function that ends in a tail jump has none). */
    public boolean measurable() {
        return !returns.isEmpty();
    }

    /** The entry probe's site. */
    public record EntrySite(long fileOffset, long address, EntryKind kind) {}
}
