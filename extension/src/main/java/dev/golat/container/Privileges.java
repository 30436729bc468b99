// SPDX-License-Identifier: Apache-2.0
package dev.golat.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the least capabilities that let the agent load BPF programs and attach uprobes inside the
 * service's container, with Docker's default seccomp profile left on.
 *
 * <ul>
 *   <li>{@code BPF + PERFMON} (kernel ≥ 5.8) when the daemon knows those names <em>and</em> its default
 *       seccomp profile lets them through: moby gates {@code bpf()} and {@code perf_event_open()} on
 *       CAP_BPF / CAP_PERFMON only since Docker 23.0 (moby#43987); before that only CAP_SYS_ADMIN opens
 *       them. We require Docker ≥ 23 and then try it: create (not start) a container with those
 *       capabilities and remove it.</li>
 *   <li>{@code SYS_ADMIN} otherwise. Debian 12's Docker 20.10 rejects the names ("invalid CapAdd: unknown
 *       capability: CAP_BPF"), so this is what such hosts get.</li>
 * </ul>
 * A user who knows better names them with {@code GoContainer.withCapabilities(...)} ({@link #explicit}).
 * {@code --privileged} is never chosen by us: it grants far more, and it fails outright in sandboxes
 * without CAP_SYS_RESOURCE ("unable to apply caps: operation not permitted").
 */
final class Privileges {
    private static final Logger log = LoggerFactory.getLogger(Privileges.class);

    static final List<String> FINE_GRAINED = List.of("BPF", "PERFMON");
    static final List<String> COARSE = List.of("SYS_ADMIN");

    /** One answer per daemon (server version) and image, per JVM. */
    private static final ConcurrentMap<String, Choice> CACHE = new ConcurrentHashMap<>();

    record Choice(List<String> capabilities, String reason) {}

    private Privileges() {}

    static Choice choose(DockerClient docker, String image, String entrypoint) {
        String version = docker.versionCmd().exec().getVersion();
        return CACHE.computeIfAbsent(version, v -> decide(docker, v, image, entrypoint));
    }

    private static Choice decide(DockerClient docker, String version, String image, String entrypoint) {
        if (majorVersion(version) < 23) {
            return new Choice(COARSE, "Docker " + version + " < 23: its default seccomp profile opens bpf() and "
                    + "perf_event_open() only for CAP_SYS_ADMIN");
        }
        String id = null;
        try {
            id = docker.createContainerCmd(image)
                    .withEntrypoint(entrypoint)
                    .withLabels(Session.labels())
                    .withHostConfig(HostConfig.newHostConfig()
                            .withNetworkMode("none")
                            .withCapAdd(Capability.BPF, Capability.PERFMON))
                    .exec()
                    .getId();
            return new Choice(FINE_GRAINED, "Docker " + version + " accepts CAP_BPF and CAP_PERFMON");
        } catch (RuntimeException e) {
            log.debug("Docker {} refused CAP_BPF/CAP_PERFMON: {}", version, e.getMessage());
            return new Choice(COARSE, "Docker " + version + " refused CAP_BPF/CAP_PERFMON: " + e.getMessage());
        } finally {
            if (id != null) {
                try {
                    docker.removeContainerCmd(id).withForce(true).exec();
                } catch (RuntimeException e) {
                    log.debug("removing probe container {}", id, e);
                }
            }
        }
    }

    /**
     * The capabilities a user asked for with {@code withCapabilities(...)}, as Docker names them ({@code CAP_}
     * prefix dropped, upper case, duplicates removed).
     *
     * @throws GoContainerException naming a capability Docker does not know
     */
    static List<String> explicit(String serviceName, String... capabilities) {
        List<String> names = new ArrayList<>();
        for (String c : capabilities) {
            String name = c == null ? "" : c.strip().toUpperCase(Locale.ROOT);
            name = name.startsWith("CAP_") ? name.substring(4) : name;
            try {
                Capability.valueOf(name);
            } catch (IllegalArgumentException e) {
                throw new GoContainerException("withCapabilities(" + String.join(", ", quoted(capabilities))
                        + ") on service " + serviceName + ": unknown capability '" + c + "'; use Docker's names, "
                        + "e.g. \"BPF\", \"PERFMON\", \"SYS_ADMIN\", \"SYS_PTRACE\"");
            }
            if (!names.contains(name)) {
                names.add(name);
            }
        }
        return List.copyOf(names);
    }

    /** Why the container has {@code explicit} capabilities, for {@code privilegeReason()}. */
    static String explicitReason(List<String> explicit) {
        return explicit.isEmpty()
                ? "withCapabilities() with none: Docker's default capabilities"
                : "withCapabilities(" + String.join(", ", quoted(explicit.toArray(String[]::new))) + ") was asked";
    }

    private static List<String> quoted(String... values) {
        List<String> q = new ArrayList<>();
        for (String v : values) {
            q.add(v == null ? "null" : "\"" + v + "\"");
        }
        return q;
    }

    /** {@code "20.10.24+dfsg1"} → 20; unparsable → 0. */
    static int majorVersion(String version) {
        if (version == null) {
            return 0;
        }
        int end = 0;
        while (end < version.length() && Character.isDigit(version.charAt(end))) {
            end++;
        }
        return end == 0 ? 0 : Integer.parseInt(version.substring(0, Math.min(end, 9)));
    }
}
