// SPDX-License-Identifier: Apache-2.0
package dev.golat.plan;

import org.apiguardian.api.API;

/** Where a function's entry probe sits; {@link #wireName()} is what {@code golat plan} and the agent say. */
@API(status = API.Status.INTERNAL)
public enum EntryKind {
    /** The prologue's stack-check conditional jump: emulated by the kernel, ~10× cheaper than +0. */
    JCC("jcc"),
    /** The first instruction: functions without a stack check (NOSPLIT leaves). */
    FIRST("first"),
    /** A user-given {@code function+offset} or raw address, on an instruction boundary. */
    OFFSET("offset");

    private final String wire;

    EntryKind(String wire) {
        this.wire = wire;
    }

    /** The name used in JSON and the agent protocol. */
    public String wireName() {
        return wire;
    }
}
