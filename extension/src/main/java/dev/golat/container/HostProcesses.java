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
 * an unrelated process (a remote daemon's pid, or a pid reused after exit) we first check that
 * {@code /proc/<pid>/ns/pid} is the PID namespace of the container's init process.
 */
final class HostProcesses {
    private static final Logger log = LoggerFactory.getLogger(HostProcesses.class);

    private HostProcesses() {}

    /** SIGTERM ({@code force} false) or SIGKILL; true if a signal was sent. */
    static boolean signal(long pid, long containerInitPid, boolean force) {
        if (pid <= 0 || containerInitPid <= 0) {
            return false;
        }
        Optional<String> ns = pidNamespace(pid);
        Optional<String> containerNs = pidNamespace(containerInitPid);
        if (ns.isEmpty() || !ns.equals(containerNs)) {
            log.debug("not signalling host pid {}: its pid namespace {} is not the container's {}", pid, ns, containerNs);
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
