// SPDX-License-Identifier: Apache-2.0
package dev.golat.container;

import com.github.dockerjava.api.DockerClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Copies a file out of an image without running anything: create a container (never started), fetch
 * the path as a tar archive ({@code GET /containers/{id}/archive}), remove the container. Symbolic links
 * inside the image are followed (up to 8). Files land in one temporary folder per JVM, keyed by image id
 * and path, so each binary is copied once.
 */
final class ImageBinaries {
    private static final ConcurrentMap<String, Path> CACHE = new ConcurrentHashMap<>();
    private static volatile Path dir;

    private ImageBinaries() {}

    static Path copyOut(DockerClient docker, String image, String pathInImage) {
        String imageId = docker.inspectImageCmd(image).exec().getId();
        return CACHE.computeIfAbsent(imageId + ":" + pathInImage, k -> extract(docker, image, imageId, pathInImage));
    }

    private static Path extract(DockerClient docker, String image, String imageId, String pathInImage) {
        String id = docker.createContainerCmd(image)
                .withEntrypoint(pathInImage)
                .withLabels(Session.labels())
                .exec()
                .getId();
        try {
            Path target = folder().resolve(imageId.replace("sha256:", "").substring(0, 12)
                    + "-" + Integer.toHexString(pathInImage.hashCode()) + "-" + Path.of(pathInImage).getFileName());
            String path = pathInImage;
            for (int hop = 0; hop < 8; hop++) {
                String link = copyEntry(docker, id, path, target);
                if (link == null) {
                    target.toFile().deleteOnExit();
                    return target;
                }
                path = link.startsWith("/") ? link : Path.of(path).resolveSibling(link).normalize().toString();
            }
            throw new GoContainerException("cannot copy " + pathInImage + " out of image " + image
                    + ": more than 8 symbolic links; give the real path of the Go binary");
        } catch (com.github.dockerjava.api.exception.NotFoundException e) {
            throw new GoContainerException("no file " + pathInImage + " in image " + image
                    + ": give the path of the Go binary inside the image, e.g. /app/server", e);
        } finally {
            docker.removeContainerCmd(id).withForce(true).exec();
        }
    }

    /** Writes the regular file at {@code path} to {@code target}; returns the link target if it is a symlink. */
    private static String copyEntry(DockerClient docker, String containerId, String path, Path target) {
        try (InputStream raw = docker.copyArchiveFromContainerCmd(containerId, path).exec();
                TarArchiveInputStream tar = new TarArchiveInputStream(raw)) {
            TarArchiveEntry entry = tar.getNextEntry();
            if (entry == null) {
                throw new GoContainerException("empty archive for " + path + " in container " + containerId);
            }
            if (entry.isSymbolicLink()) {
                return entry.getLinkName();
            }
            if (!entry.isFile()) {
                throw new GoContainerException(path + " in the image is not a regular file"
                        + (entry.isDirectory() ? " but a folder" : "") + ": give the path of the Go binary itself");
            }
            Path tmp = Files.createTempFile(target.getParent(), "copy", ".tmp");
            Files.copy(tar, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("copying " + path + " out of container " + containerId, e);
        }
    }

    private static Path folder() {
        if (dir == null) {
            synchronized (ImageBinaries.class) {
                if (dir == null) {
                    try {
                        Path d = Files.createTempDirectory("golat-binaries-");
                        d.toFile().deleteOnExit();
                        dir = d;
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot create a temporary folder for Go binaries", e);
                    }
                }
            }
        }
        return dir;
    }
}
