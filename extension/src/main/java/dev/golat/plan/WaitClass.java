// SPDX-License-Identifier: Apache-2.0
package dev.golat.plan;

import java.util.Set;
import org.apiguardian.api.API;

/**
 * The classes of wait the breakdown reports, each a component of agent/src/golat.h ({@code GOLAT_BD_WAIT_*}),
 * and which {@code runtime.waitReason} falls in which.
 */
@API(status = API.Status.INTERNAL)
public enum WaitClass {
    CHAN(6),
    SELECT(7),
    /** sync.Mutex, RWMutex, Cond, WaitGroup and the runtime semaphores under them. */
    SYNC(8),
    SLEEP(9),
    /** The network poller. */
    NET(10),
    /** GC assists, GC workers, waiting for a GC cycle or the sweeper. */
    GC(11),
    SYSCALL(12),
    OTHER(13);

    private static final Set<String> SYNC_REASONS = Set.of("Semacquire", "SyncCondWait", "SyncMutexLock",
            "SyncRWMutexRLock", "SyncRWMutexLock", "SyncWaitGroupWait", "SynctestWaitGroupWait");
    private static final Set<String> GC_REASONS = Set.of("GCAssistMarking", "GCAssistWait", "GCSweepWait",
            "GCScavengeWait", "GarbageCollection", "GarbageCollectionScan", "WaitForGCCycle", "GCWorkerIdle",
            "GCWorkerActive", "GCMarkTermination", "GCWeakToStrongWait", "ForceGCIdle");

    private final int component;

    WaitClass(int component) {
        this.component = component;
    }

    /** The component index ({@code GOLAT_BD_WAIT_*}). */
    public int component() {
        return component;
    }

    /** The class of a wait reason named as in {@link WaitReasons#reasons()}. */
    public static WaitClass of(String reason) {
        if (reason.startsWith("Chan") || reason.startsWith("SynctestChan")) {
            return CHAN;
        }
        if (reason.startsWith("Select") || reason.equals("SynctestSelect")) {
            return SELECT;
        }
        if (SYNC_REASONS.contains(reason)) {
            return SYNC;
        }
        if (reason.equals("Sleep")) {
            return SLEEP;
        }
        if (reason.equals("IOWait")) {
            return NET;
        }
        if (GC_REASONS.contains(reason)) {
            return GC;
        }
        return OTHER;
    }
}
