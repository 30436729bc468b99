// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.container;

import static dev.golat.it.container.ContainerFixtures.containersWithLabel;
import static dev.golat.it.container.ContainerFixtures.docker;
import static dev.golat.it.container.ContainerFixtures.freePort;
import static dev.golat.it.container.ContainerFixtures.stmtserver;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A JVM killed with SIGKILL runs no shutdown hook: the host reaper must still remove its containers. */
class ReaperIT {

    @Test
    void should_remove_containers_and_images_of_a_jvm_killed_with_sigkill() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                ReaperChildMain.class.getName(), stmtserver().toString(), Integer.toString(freePort()))
                .redirectErrorStream(true);
        Process child = pb.start();
        String containerId = null;
        String image = null;
        List<String> output = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null) {
                output.add(line);
                if (line.startsWith("CONTAINER ")) {
                    containerId = line.substring("CONTAINER ".length());
                } else if (line.startsWith("IMAGE ")) {
                    image = line.substring("IMAGE ".length());
                    break;
                }
            }
            assertThat(image).as("child output:%n%s", String.join("\n", output)).isNotNull();
            String session = docker("inspect", "-f", "{{index .Config.Labels \"dev.golat.session\"}}", containerId).out();
            assertThat(session).matches("[0-9a-f-]{36}");
            assertThat(containersWithLabel("dev.golat.session=" + session)).containsExactly(containerId.substring(0, 12));

            child.destroyForcibly(); // SIGKILL
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).isEqualTo(137);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (!containersWithLabel("dev.golat.session=" + session).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(containersWithLabel("dev.golat.session=" + session)).isEmpty();
            while (docker("image", "inspect", image).code() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(docker("image", "inspect", image).code()).as("image %s removed", image).isNotZero();
        } finally {
            child.destroyForcibly();
            if (containerId != null) {
                docker("rm", "-f", containerId);
            }
        }
    }
}
