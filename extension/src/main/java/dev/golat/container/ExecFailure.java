// SPDX-License-Identifier: Apache-2.0
package dev.golat.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.golat.binary.ElfDynamic;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Says why {@code exec /app/server: no such file or directory} happened when the file is there: the kernel
 * reports ENOENT for a missing {@code PT_INTERP} interpreter too, and the runtime prints the binary's path. The
 * exited container is asked (without starting it: {@code GET /containers/{id}/archive}) whether the interpreter
 * exists.
 */
final class ExecFailure {
    private ExecFailure() {}

    /** An explanation to append to a startup failure, or empty when {@code logLines} show no such exec failure. */
    static String explain(DockerClient docker, String containerId, String binaryInContainer, Supplier<Path> hostBinary,
            List<String> logLines) {
        String marker = "exec " + binaryInContainer + ": no such file or directory";
        if (logLines.stream().noneMatch(l -> l.contains(marker))) {
            return "";
        }
        Optional<String> interp;
        try {
            interp = ElfDynamic.read(hostBinary.get()).interpreter();
        } catch (RuntimeException e) {
            return "";
        }
        if (interp.isEmpty() || exists(docker, containerId, interp.get())) {
            return "";
        }
        return message(binaryInContainer, interp.get());
    }

    static String message(String binaryInContainer, String interpreter) {
        return "; " + binaryInContainer + " is there, but it is dynamically linked and its interpreter " + interpreter
                + " is not in the image (the kernel reports a missing interpreter as \"no such file or directory\"): use "
                + "GoContainer.fromBinary(path), which brings the interpreter and libraries from this host, or an image "
                + "with a glibc base (e.g. FROM debian:bookworm-slim) for fromImage/fromDockerfile";
    }

    /** Whether {@code path} exists in the container, its symbolic links followed (up to 8). */
    private static boolean exists(DockerClient docker, String containerId, String path) {
        String p = path;
        for (int hop = 0; hop < 8; hop++) {
            try (InputStream raw = docker.copyArchiveFromContainerCmd(containerId, p).exec();
                    TarArchiveInputStream tar = new TarArchiveInputStream(raw)) {
                TarArchiveEntry entry = tar.getNextEntry();
                if (entry == null) {
                    return false;
                }
                if (!entry.isSymbolicLink()) {
                    return true;
                }
                String link = entry.getLinkName();
                p = link.startsWith("/") ? link : Path.of(p).resolveSibling(link).normalize().toString();
            } catch (NotFoundException e) {
                return false;
            } catch (IOException | RuntimeException e) {
                return true; // cannot tell: say nothing rather than something wrong
            }
        }
        return true;
    }
}
