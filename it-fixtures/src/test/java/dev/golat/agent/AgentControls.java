// SPDX-License-Identifier: Apache-2.0
package dev.golat.agent;

/**
 * Test-only seam: the agent's test controls, package-private in the library, for the ITs that force its
 * other paths. Not part of golat's API.
 */
public final class AgentControls {
    private AgentControls() {}

    /** One perf link per site, the path kernels before 6.6 take (no uprobe_multi). */
    public static AgentSession perfLinks(AgentSession session) {
        return session.perfLinks();
    }

    /** log2 of the agent's in-flight slot table (tiny values force its spill path). */
    public static AgentSession slotBits(AgentSession session, int bits) {
        return session.slotBits(bits);
    }
}
