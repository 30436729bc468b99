// SPDX-License-Identifier: Apache-2.0
package dev.golat.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signals processes of a container from the host. Docker has no API to kill an exec'd process and a
 * {@code FROM scratch} image has no {@code kill} binary, so we signal its host pid directly. To never hit
 * an unrelated process (a pid reused after exit, or a remote daemon's pid, which names some local process):
 * <ul>
 *   <li>only when Docker is reached through a local socket ({@code unix://}, {@code npipe://}); a daemon
 *       over TCP may run on another machine or in another pid namespace, so its pids mean nothing here;</li>
 *   <li>only when {@code /proc/<pid>/ns/pid} is the PID namespace of the container's init process;</li>
 *   <li>never when that namespace is this JVM's own: a container has a namespace of its own, so a process
 *       in ours is not the container's.</li>
 * </ul>
 */
final class HostProcesses {
    private static final Logger log = LoggerFactory.getLogger(HostProcesses.class);

    private HostProcesses() {}

    /** SIGTERM ({@code force} false) or SIGKILL; true if a signal was sent. */
    static boolean signal(long pid, long containerInitPid, boolean force) {
        return signal(pid, containerInitPid, force, DockerAccess.daemonIsLocal(),
                pidNamespace(ProcessHandle.current().pid()));
    }

    /** {@link #signal(long, long, boolean)} with the daemon's locality and this JVM's pid namespace given. */
    static boolean signal(long pid, long containerInitPid, boolean force, boolean localDaemon, Optional<String> ownNs) {
        if (pid <= 0 || containerInitPid <= 0) {
            return false;
        }
        if (!localDaemon) {
            log.debug("not signalling host pid {}: Docker is not reached through a local socket", pid);
            return false;
        }
        Optional<String> ns = pidNamespace(pid);
        Optional<String> containerNs = pidNamespace(containerInitPid);
        if (ns.isEmpty() || !ns.equals(containerNs)) {
            log.debug("not signalling host pid {}: its pid namespace {} is not the container's {}", pid, ns, containerNs);
            return false;
        }
        if (ownNs.isEmpty() || ns.equals(ownNs)) {
            log.debug("not signalling host pid {}: its pid namespace {} is this JVM's own", pid, ns);
            return false;
        }
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        if (p.isEmpty()) {
            return false;
        }
        return force ? p.get().destroyForcibly() : p.get().destroy();
    }

    /** The target of {@code /proc/<pid>/ns/pid}, e.g. {@code pid:[4026532201]}. */
    static Optional<String> pidNamespace(long pid) {
        try {
            return Optional.of(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "pid")).toString());
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
    }
}
