// SPDX-License-Identifier: Apache-2.0
package dev.golat.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The images golat builds: {@code FROM scratch} around one binary (with its loader and libraries when it is
 * dynamically linked), or a user's build context.
 * The Dockerfile is sent inline ({@code withFileFromString}), so nothing but the binary travels and
 * nothing tries to pull {@code scratch}. Images carry the session labels and are deleted at JVM exit.
 */
final class GoImages {
    /** The build-context folder that mirrors the image's root for the loader's files. */
    private static final String ROOTFS = "golat-rootfs";

    private GoImages() {}

    /**
     * {@code FROM scratch}, the binary at {@code inContainer} (mode 0755), which is the entrypoint, and the files
     * the dynamic loader needs ({@link SharedLibraries}: its interpreter and libraries) at the paths it looks them up.
     */
    static ImageFromDockerfile scratch(Path binary, String name, String inContainer, List<SharedLibraries.Entry> loaderFiles) {
        ImageFromDockerfile image = new ImageFromDockerfile(tag(name), true).withFileFromPath(name, binary, 0755);
        StringBuilder dockerfile = new StringBuilder("FROM scratch\n");
        if (!loaderFiles.isEmpty()) {
            for (SharedLibraries.Entry e : loaderFiles) {
                image.withFileFromPath(ROOTFS + e.pathInImage(), e.hostFile(), 0755);
            }
            dockerfile.append("COPY ").append(ROOTFS).append(" /\n");
        }
        dockerfile.append("COPY ").append(name).append(" ").append(inContainer)
                .append("\nENTRYPOINT [\"").append(inContainer).append("\"]\n");
        return image.withFileFromString("Dockerfile", dockerfile.toString())
                .withBuildImageCmdModifier(cmd -> cmd.withLabels(Session.labels()));
    }

    /** The folder {@code dir} (holding the Dockerfile) as build context. */
    static ImageFromDockerfile context(Path dir, String name) {
        ImageFromDockerfile image = new ImageFromDockerfile(tag(name), true)
                .withBuildImageCmdModifier(cmd -> cmd.withLabels(Session.labels()));
        try (Stream<Path> children = Files.list(dir)) {
            children.forEach(p -> image.withFileFromPath(p.getFileName().toString(), p));
        } catch (IOException e) {
            throw new GoContainerException("cannot list the build context " + dir + ": " + e.getMessage(), e);
        }
        return image;
    }

    /** A file name usable in a Dockerfile COPY line and as a path in the image. */
    static String safeName(String name) {
        String s = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.isEmpty() || s.startsWith(".") ? "service" + s : s;
    }

    /** {@code golat/<name>:<8 hex>}; repository names must be lower case. */
    static String tag(String name) {
        String repo = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "_").replaceAll("^[._-]+", "");
        return "golat/" + (repo.isEmpty() ? "service" : repo) + ":" + UUID.randomUUID().toString().substring(0, 8);
    }
}
