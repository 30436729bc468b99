// SPDX-License-Identifier: Apache-2.0
package dev.golat.container;

/**
 * For {@code RemoteDockerIT}'s child JVM: golat's own signalling decision ({@link HostProcesses}), asked about a local
 * process with everything but the daemon's locality in favour of a signal, in a JVM whose Docker is remote.
 */
public final class RemoteSignalProbe {
    private RemoteSignalProbe() {}

    /** Whether this JVM reaches Docker through a local socket, as golat decides it. */
    public static boolean daemonIsLocal() {
        return DockerAccess.daemonIsLocal();
    }

    /**
     * What golat does when asked to SIGTERM {@code pid} as "the agent of the container whose init is {@code pid}": the
     * namespaces agree and are not this JVM's (when {@code pid} lives in a pid namespace of its own), so only the
     * daemon's locality stands between the request and the signal. True if a signal was sent.
     */
    public static boolean signalAsAgent(long pid) {
        return HostProcesses.signal(pid, pid, false);
    }
}
