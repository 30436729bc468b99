// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.nodocker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.testbins.GoTestBinaries;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without a reachable Docker daemon, a {@code @GoTest} fails with a message naming what was tried and the
 * fix, and {@code @GoTest(disabledWithoutDocker = true)} skips instead. The child JVM runs in its own mount
 * namespace with an empty tmpfs over /var/run (no docker.sock), no DOCKER_HOST and an empty home (no
 * ~/.testcontainers.properties): a machine without Docker, as far as it can tell.
 */
class NoDockerIT {

    @Test
    void fails_with_the_fix_or_skips_when_asked(@TempDir Path home) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("unshare", "-m", "sh", "-c",
                "mount -t tmpfs golat-no-docker /var/run && exec \"$@\"", "sh",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + home, "-Dgolat.root=" + GoTestBinaries.root(),
                "-cp", System.getProperty("java.class.path"), NoDockerChildMain.class.getName())
                .redirectErrorStream(true);
        pb.environment().put("HOME", home.toString());
        pb.environment().remove("DOCKER_HOST");
        pb.environment().keySet().removeIf(k -> k.startsWith("TESTCONTAINERS_"));
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        List<String> lines = out.lines().toList();

        assertThat(lines).as(out).contains("SKIPPED NoDockerChildMain$SkippingTestCase: golat: no Docker daemon answers (disabledWithoutDocker = true)");
        assertThat(lines).as(out).anySatisfy(l -> assertThat(l)
                .startsWith("FAILED NoDockerChildMain$FailingTestCase: Docker is not reachable: tried DOCKER_HOST (unset), docker.host in "
                        + "~/.testcontainers.properties, unix:///var/run/docker.sock")
                .contains("Fix: start the Docker daemon")
                .contains("@GoTest(disabledWithoutDocker = true)"));
    }
}
