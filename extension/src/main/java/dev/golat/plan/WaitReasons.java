// SPDX-License-Identifier: Apache-2.0
package dev.golat.plan;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apiguardian.api.API;

/**
 * What the breakdown needs to know of one Go version's runtime: the offsets of {@code g.waitreason} and
 * {@code g.goid} in {@code runtime.g}, and the {@code runtime.waitReason} constants in value order (names without the
 * {@code waitReason} prefix). Derived from the DWARF of binaries built here with each toolchain of the matrix
 * ({@code readelf --debug-dump=info}: the {@code runtime.g} members {@code waitreason} and {@code goid}, and the
 * {@code runtime.waitReason*} constants); {@code WaitReasonsTest} checks this table against the DWARF of every
 * toolchain, so a version is here only when it was derived. Stripped binaries carry no DWARF, hence a table.
 *
 * @param goMinor       e.g. {@code 21} for Go 1.21.x
 * @param waitReasonOff offset of {@code g.waitreason} (a uint8)
 * @param goidOff       offset of {@code g.goid} (a uint64), for the exemplars' goroutine ids
 * @param reasons       the names of wait reasons 0, 1, 2, ...
 */
@API(status = API.Status.INTERNAL)
public record WaitReasons(int goMinor, int waitReasonOff, int goidOff, List<String> reasons) {

    public WaitReasons {
        reasons = List.copyOf(reasons);
    }

    private static final List<String> GO1_19 = List.of("Zero", "GCAssistMarking", "IOWait", "ChanReceiveNilChan",
            "ChanSendNilChan", "DumpingHeap", "GarbageCollection", "GarbageCollectionScan", "PanicWait", "Select",
            "SelectNoCases", "GCAssistWait", "GCSweepWait", "GCScavengeWait", "ChanReceive", "ChanSend",
            "FinalizerWait", "ForceGCIdle", "Semacquire", "Sleep", "SyncCondWait", "TimerGoroutineIdle",
            "TraceReaderBlocked", "WaitForGCCycle", "GCWorkerIdle", "Preempted", "DebugCall");

    private static final List<String> GO1_21 = List.of("Zero", "GCAssistMarking", "IOWait", "ChanReceiveNilChan",
            "ChanSendNilChan", "DumpingHeap", "GarbageCollection", "GarbageCollectionScan", "PanicWait", "Select",
            "SelectNoCases", "GCAssistWait", "GCSweepWait", "GCScavengeWait", "ChanReceive", "ChanSend",
            "FinalizerWait", "ForceGCIdle", "Semacquire", "Sleep", "SyncCondWait", "SyncMutexLock",
            "SyncRWMutexRLock", "SyncRWMutexLock", "TraceReaderBlocked", "WaitForGCCycle", "GCWorkerIdle",
            "GCWorkerActive", "Preempted", "DebugCall", "GCMarkTermination", "StoppingTheWorld");

    private static final List<String> GO1_22 = concat(GO1_21, "FlushProcCaches", "TraceGoroutineStatus",
            "TraceProcStatus", "PageTraceFlush", "Coroutine");

    private static final List<String> GO1_23 = concat(GO1_22, "GCWeakToStrongWait");

    private static final List<String> GO1_26 = List.of("Zero", "GCAssistMarking", "IOWait", "DumpingHeap",
            "GarbageCollection", "GarbageCollectionScan", "PanicWait", "GCAssistWait", "GCSweepWait",
            "GCScavengeWait", "FinalizerWait", "ForceGCIdle", "UpdateGOMAXPROCSIdle", "Semacquire", "Sleep",
            "ChanReceiveNilChan", "ChanSendNilChan", "SelectNoCases", "Select", "ChanReceive", "ChanSend",
            "SyncCondWait", "SyncMutexLock", "SyncRWMutexRLock", "SyncRWMutexLock", "SyncWaitGroupWait",
            "TraceReaderBlocked", "WaitForGCCycle", "GCWorkerIdle", "GCWorkerActive", "Preempted", "DebugCall",
            "GCMarkTermination", "StoppingTheWorld", "FlushProcCaches", "TraceGoroutineStatus", "TraceProcStatus",
            "PageTraceFlush", "Coroutine", "GCWeakToStrongWait", "SynctestRun", "SynctestWait",
            "SynctestChanReceive", "SynctestChanSend", "SynctestSelect", "SynctestWaitGroupWait", "CleanupWait");

    /** Every derived version, by minor version. */
    static final Map<Integer, WaitReasons> DERIVED = new TreeMap<>(Map.of(
            19, new WaitReasons(19, 176, 152, GO1_19),
            21, new WaitReasons(21, 176, 152, GO1_21),
            22, new WaitReasons(22, 176, 152, GO1_22),
            23, new WaitReasons(23, 184, 160, GO1_23),
            26, new WaitReasons(26, 176, 152, GO1_26),
            27, new WaitReasons(27, 176, 152, GO1_26)));

    /** The table of Go 1.{@code minor}, if it was derived. */
    public static Optional<WaitReasons> of(int major, int minor) {
        return major == 1 ? Optional.ofNullable(DERIVED.get(minor)) : Optional.empty();
    }

    /** The Go versions with a table, for messages: {@code 1.19, 1.21, ...}. */
    public static String derivedVersions() {
        return String.join(", ", DERIVED.keySet().stream().map(m -> "1." + m).toList());
    }

    /** Each reason's wait class (a {@code GOLAT_BD_WAIT_*} component of agent/src/golat.h), in value order. */
    public int[] classes() {
        int[] c = new int[reasons.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = WaitClass.of(reasons.get(i)).component();
        }
        return c;
    }

    private static List<String> concat(List<String> a, String... more) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(List.of(more));
        return List.copyOf(all);
    }
}
