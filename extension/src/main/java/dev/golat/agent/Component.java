// SPDX-License-Identifier: Apache-2.0
package dev.golat.agent;

import org.apiguardian.api.API;

/**
 * The components of a call's breakdown, as the agent's {@code bhist} lines name them (agent/PROTOCOL.md,
 * "Breakdown semantics"), in {@code GOLAT_BD_*} order. {@link #RUNNING}, {@link #OFFCPU}, {@link #RUNNABLE},
 * {@link #OTHER} and the wait classes are states of the goroutine, one at a time, so they add up to the call's wall
 * time; {@link #WAITING} is the sum of the wait classes; {@link #STW} is the part of the call during which the world
 * was stopped (it overlaps the states).
 */
@API(status = API.Status.INTERNAL)
public enum Component {
    RUNNING("running", AgentProtocol.BD_RUNNING),
    OFFCPU("offcpu", AgentProtocol.BD_OFFCPU),
    RUNNABLE("runnable", AgentProtocol.BD_RUNNABLE),
    WAITING("waiting", AgentProtocol.BD_WAITING),
    STW("stw", AgentProtocol.BD_STW),
    OTHER("other", AgentProtocol.BD_OTHER),
    WAIT_CHAN("chan", AgentProtocol.BD_WAIT_CHAN),
    WAIT_SELECT("select", AgentProtocol.BD_WAIT_SELECT),
    WAIT_SYNC("sync", AgentProtocol.BD_WAIT_SYNC),
    WAIT_SLEEP("sleep", AgentProtocol.BD_WAIT_SLEEP),
    WAIT_NET("net", AgentProtocol.BD_WAIT_NET),
    WAIT_GC("gc", AgentProtocol.BD_WAIT_GC),
    WAIT_SYSCALL("syscall", AgentProtocol.BD_WAIT_SYSCALL),
    WAIT_OTHER("wait-other", AgentProtocol.BD_WAIT_OTHER);

    private final String wireName;
    private final int index;

    Component(String wireName, int index) {
        this.wireName = wireName;
        this.index = index;
    }

    /** The name in {@code bhist} lines. */
    public String wireName() {
        return wireName;
    }

    /** The index in golat.h ({@code GOLAT_BD_*}). */
    public int index() {
        return index;
    }

    /** Whether this is one of the wait classes that {@link #WAITING} sums. */
    public boolean isWaitClass() {
        return index >= AgentProtocol.BD_WAIT_CHAN;
    }

    /** The component a {@code bhist} line names. */
    public static Component ofWireName(String name) {
        for (Component c : values()) {
            if (c.wireName.equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown breakdown component '" + name + "'");
    }
}
