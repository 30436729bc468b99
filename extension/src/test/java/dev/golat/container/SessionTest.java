// SPDX-License-Identifier: Apache-2.0
package dev.golat.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reaper script run by a real {@code sh} against a recording stand-in for the docker CLI. */
class SessionTest {

    @TempDir
    Path dir;

    private Path fakeDocker() throws Exception {
        Path log = dir.resolve("calls.log");
        Path docker = dir.resolve("docker");
        Files.writeString(docker, "#!/bin/sh\n"
                + "echo \"$*\" >> '" + log + "'\n"
                + "case \"$1\" in ps) echo c1; echo c2;; images) echo i1; echo i1; echo i2;; esac\n");
        docker.toFile().setExecutable(true);
        return docker;
    }

    @Test
    void should_remove_labelled_containers_then_images_only_after_stdin_closes() throws Exception {
        Path docker = fakeDocker();
        Process reaper = new ProcessBuilder("sh", "-c", Session.script(docker.toString())).start();
        Thread.sleep(200);
        assertThat(reaper.isAlive()).isTrue();
        assertThat(dir.resolve("calls.log")).doesNotExist();

        reaper.getOutputStream().close();

        assertThat(reaper.waitFor(10, TimeUnit.SECONDS)).isTrue();
        String filter = "--filter label=dev.golat.session=" + Session.ID;
        assertThat(Files.readAllLines(dir.resolve("calls.log"))).containsExactly(
                "ps -aq " + filter, "rm -f -v c1 c2", "images -q " + filter, "rmi -f i1 i2");
    }

    @Test
    void should_survive_sigint_and_still_clean_up() throws Exception {
        Path docker = fakeDocker();
        Process reaper = new ProcessBuilder("sh", "-c", Session.script(docker.toString())).start();
        OutputStream lifeline = reaper.getOutputStream();
        Thread.sleep(200);

        new ProcessBuilder("kill", "-INT", Long.toString(reaper.pid())).start().waitFor();
        new ProcessBuilder("kill", "-HUP", Long.toString(reaper.pid())).start().waitFor();
        Thread.sleep(200);
        assertThat(reaper.isAlive()).isTrue();

        lifeline.close();
        assertThat(reaper.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(dir.resolve("calls.log"))).contains("rm -f -v c1 c2");
    }

    @Test
    void should_label_with_a_session_id_per_jvm() {
        assertThat(Session.labels()).containsEntry("dev.golat", "true").containsEntry("dev.golat.session", Session.ID);
        assertThat(Session.ID).matches("[0-9a-f-]{36}");
    }
}
