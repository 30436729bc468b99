// SPDX-License-Identifier: Apache-2.0
package dev.golat.container;

import dev.golat.binary.GoBinary;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * Is the service running the binary golat planned from? Probes are file offsets planned from the host copy
 * ({@link GoContainer#hostBinary()}); a service started from another build (the file was rebuilt after the
 * container started, an image tag moved) would get them mid-instruction. The two are compared by Go build id
 * (what {@code go tool buildid} prints), or by SHA-256 when a binary has none ({@code -ldflags=-buildid=}).
 * The running one is read through {@code /proc/<host pid>/exe} when the daemon is local, else copied out of the
 * container.
 */
@API(status = API.Status.INTERNAL)
public final class RunningBinary {
    private RunningBinary() {}

    /**
     * Throws when the service in {@code container} (running) does not run the build of {@code planned}.
     *
     * @param label who asks, for the message, e.g. {@code "@GoService server"}
     */
    public static void requireSame(GoContainer container, GoBinary planned, String label) {
        long pid = container.hostPid();
        Path running = runningFile(container, pid);
        String plannedId = identity(planned.buildId(), container.hostBinary());
        String runningId = identity(GoBinary.open(running).buildId(), running);
        if (!plannedId.equals(runningId)) {
            throw new GoContainerException(label + ": the service runs another build than the binary golat planned "
                    + "its probes from: " + container.hostBinary() + " has " + plannedId + ", the process " + pid
                    + " running " + container.binaryPathInContainer() + " in container "
                    + shortId(container.getContainerId()) + " has " + runningId + ". Probes at file offsets of one "
                    + "build would land mid-instruction in the other, so none are attached. Fix: restart the service "
                    + "after rebuilding its binary (or do not rebuild it while the service runs)");
        }
    }

    /** {@code Go build id "<id>"}, or {@code no Go build id, sha256 <hex>}. */
    static String identity(String buildId, Path file) {
        return buildId.isEmpty() ? "no Go build id, sha256 " + sha256(file) : "Go build id \"" + buildId + "\"";
    }

    private static Path runningFile(GoContainer container, long pid) {
        Path exe = Path.of("/proc", Long.toString(pid), "exe");
        Optional<String> ns = HostProcesses.pidNamespace(pid);
        boolean ours = ns.isPresent() && ns.equals(HostProcesses.pidNamespace(ProcessHandle.current().pid()));
        if (pid > 0 && DockerAccess.daemonIsLocal() && ns.isPresent() && !ours && Files.isReadable(exe)) {
            return exe;
        }
        try {
            Path copy = Files.createTempFile("golat-running-", "-" + container.serviceName());
            copy.toFile().deleteOnExit();
            container.copyFileFromContainer(container.binaryPathInContainer(), copy.toString());
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + container.binaryPathInContainer() + " out of container "
                    + shortId(container.getContainerId()) + " to compare it with " + container.hostBinary(), e);
        }
    }

    private static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String shortId(String id) {
        return id == null ? "<none>" : id.substring(0, Math.min(12, id.length()));
    }
}
