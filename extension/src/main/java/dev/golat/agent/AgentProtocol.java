// SPDX-License-Identifier: Apache-2.0
package dev.golat.agent;

import org.apiguardian.api.API;

/**
 * Constants of the agent's line protocol ({@code agent/PROTOCOL.md}), mirroring the {@code #define}s of
 * {@code agent/src/golat.h} under the same names without the {@code GOLAT_} prefix. {@code AgentProtocolTest}
 * parses golat.h and fails when they drift apart.
 */
@API(status = API.Status.INTERNAL)
public final class AgentProtocol {
    private AgentProtocol() {}

    /** The classpath resource holding the static x86-64 agent binary (module golat-agent). */
    public static final String RESOURCE = "dev/golat/agent/golat-agent";

    public static final int PROTOCOL_VERSION = 1;
    /** Probe ids are 0 .. MAX_PROBES - 1. */
    public static final int MAX_PROBES = 4096;
    /** Default log2 of the in-flight slot table. */
    public static final int SLOT_BITS = 16;
    public static final int MAX_SPILL = 16384;
    /** Goroutines whose g.stack.hi the agent keeps between calls (direct-mapped by g). */
    public static final int GSTACK_BITS = 12;
    /** log2 of the sites table in which the entry and return programs keep each probed address's probe id. */
    public static final int SITE_BITS = 14;
    /** Open starts kept per goroutine and span (a deeper nesting drops the oldest, counted as overflow). */
    public static final int SPAN_STACK = 64;
    /** Goroutines with an open span start at once (beyond them, a start finds no room: an error). */
    public static final int MAX_SPAN_KEYS = 4096;

    /** Breakdown components ({@link Component}): the index of each per-probe component histogram. */
    static final int BD_RUNNING = 0;
    static final int BD_OFFCPU = 1;
    static final int BD_RUNNABLE = 2;
    static final int BD_WAITING = 3;
    static final int BD_STW = 4;
    static final int BD_OTHER = 5;
    static final int BD_WAIT_CHAN = 6;
    static final int BD_WAIT_SELECT = 7;
    static final int BD_WAIT_SYNC = 8;
    static final int BD_WAIT_SLEEP = 9;
    static final int BD_WAIT_NET = 10;
    static final int BD_WAIT_GC = 11;
    static final int BD_WAIT_SYSCALL = 12;
    static final int BD_WAIT_OTHER = 13;
    static final int BD_NCOMP = 14;
    /** The slowest broken-down calls the agent keeps per probe and window, with their parts. */
    public static final int BD_EXEMPLARS = 8;

    public static final String ERR_EPERM = "EPERM";
    public static final String ERR_NOBPF = "NOBPF";
    public static final String ERR_NOUPROBE = "NOUPROBE";
    public static final String ERR_BADOFFSET = "BADOFFSET";
    public static final String ERR_NOPID = "NOPID";
    public static final String ERR_NOBINARY = "NOBINARY";
    public static final String ERR_PROTOCOL = "PROTOCOL";
    public static final String ERR_INTERNAL = "INTERNAL";

    /** {@code golat-agent <version> buckets=<sub-bits>,<nbuckets>}: the first line the agent prints. */
    static final String GREETING_PREFIX = "golat-agent ";

    static String greeting() {
        return GREETING_PREFIX + PROTOCOL_VERSION + " buckets=" + Buckets.SUB_BITS + "," + Buckets.NBUCKETS;
    }
}
