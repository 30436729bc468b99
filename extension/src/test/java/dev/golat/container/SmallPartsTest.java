// SPDX-License-Identifier: Apache-2.0
package dev.golat.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parts that need no Docker: version parsing, names, messages, argument checks. */
class SmallPartsTest {

    @Test
    void should_read_the_major_version_of_docker_server_strings() {
        assertThat(Privileges.majorVersion("20.10.24+dfsg1")).isEqualTo(20);
        assertThat(Privileges.majorVersion("28.2.2")).isEqualTo(28);
        assertThat(Privileges.majorVersion("dev")).isZero();
        assertThat(Privileges.majorVersion(null)).isZero();
    }

    @Test
    void should_take_explicit_capabilities_by_docker_name_with_or_without_cap_prefix() {
        assertThat(Privileges.explicit("svc", "cap_bpf", " PERFMON ", "CAP_BPF")).containsExactly("BPF", "PERFMON");
        assertThat(Privileges.explicit("svc")).isEmpty();
        assertThat(Privileges.explicitReason(List.of())).isEqualTo("withCapabilities() with none: Docker's default capabilities");
        assertThat(Privileges.explicitReason(List.of("SYS_ADMIN"))).isEqualTo("withCapabilities(\"SYS_ADMIN\") was asked");
        assertThatThrownBy(() -> Privileges.explicit("svc", "SYS_ADMIN", null))
                .isInstanceOf(GoContainerException.class)
                .hasMessage("withCapabilities(\"SYS_ADMIN\", null) on service svc: unknown capability 'null'; use Docker's "
                        + "names, e.g. \"BPF\", \"PERFMON\", \"SYS_ADMIN\", \"SYS_PTRACE\"");
    }

    @Test
    void should_make_file_names_safe_for_dockerfiles() {
        assertThat(GoImages.safeName("stmtserver")).isEqualTo("stmtserver");
        assertThat(GoImages.safeName("my server$1")).isEqualTo("my_server_1");
        assertThat(GoImages.safeName(".hidden")).isEqualTo("service.hidden");
    }

    @Test
    void should_name_what_was_tried_and_the_fix_when_docker_is_unreachable() {
        assertThat(DockerAccess.unreachableMessage(null, "Could not find a valid Docker environment"))
                .isEqualTo("Docker is not reachable: tried DOCKER_HOST (unset), docker.host in ~/.testcontainers.properties, "
                        + "unix:///var/run/docker.sock (Could not find a valid Docker environment). Fix: start the Docker daemon "
                        + "(scripts/bootstrap starts dockerd --bridge=none --iptables=false when none answers) or point "
                        + "DOCKER_HOST at a running one; to skip instead of fail, use @GoTest(disabledWithoutDocker = true) or check GoContainer.dockerAvailable().");
        assertThat(DockerAccess.unreachableMessage("tcp://10.0.0.1:2375", "x")).contains("tried DOCKER_HOST=tcp://10.0.0.1:2375, ");
    }

    @Test
    void should_reject_a_missing_binary_before_touching_docker(@TempDir Path dir) {
        Path missing = dir.resolve("stmtserver");
        assertThatThrownBy(() -> GoContainer.fromBinary(missing))
                .isInstanceOf(GoContainerException.class)
                .hasMessage("no readable Go binary at " + missing + ": build it first (go build -o " + missing + ") or fix the path");
    }

    @Test
    void should_reject_relative_binary_paths_in_images() {
        assertThatThrownBy(() -> GoContainer.fromImage("golat/x:1", "app/server"))
                .isInstanceOf(GoContainerException.class)
                .hasMessage("binary path in image 'app/server' must be the absolute path of the Go binary, e.g. /app/server");
    }

    @Test
    void should_reject_a_context_without_dockerfile(@TempDir Path dir) {
        assertThatThrownBy(() -> GoContainer.fromDockerfile(dir, "/app/server"))
                .isInstanceOf(GoContainerException.class)
                .hasMessage("no Dockerfile in " + dir + ": give the folder that holds the Dockerfile");
    }

    @Test
    void should_not_import_junit_in_the_library_package() throws Exception {
        Path src = Path.of("src/main/java/dev/golat/container");
        List<Path> offenders;
        try (Stream<Path> files = Files.list(src)) {
            offenders = files.filter(p -> {
                try {
                    return Files.readString(p).contains("import org.junit");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
        assertThat(Files.list(src).count()).isGreaterThan(5);
        assertThat(offenders).isEmpty();
    }
}
