// SPDX-License-Identifier: Apache-2.0
package dev.golat.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The images golat builds: {@code FROM scratch} around one static binary, or a user's build context.
 * The Dockerfile is sent inline ({@code withFileFromString}), so nothing but the binary travels and
 * nothing tries to pull {@code scratch}. Images carry the session labels and are deleted at JVM exit.
 */
final class GoImages {
    private GoImages() {}

    /** {@code FROM scratch}, the binary at {@code inContainer} (mode 0755), which is the entrypoint. */
    static ImageFromDockerfile scratch(Path binary, String name, String inContainer) {
        return new ImageFromDockerfile(tag(name), true)
                .withFileFromPath(name, binary, 0755)
                .withFileFromString("Dockerfile",
                        "FROM scratch\nCOPY " + name + " " + inContainer + "\nENTRYPOINT [\"" + inContainer + "\"]\n")
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
