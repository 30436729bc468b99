// SPDX-License-Identifier: Apache-2.0
package dev.golat.container;

import org.testcontainers.DockerClientFactory;

/** Whether Docker answers, and the error that says what was tried and how to fix it when it does not. */
final class DockerAccess {
    private DockerAccess() {}

    static boolean available() {
        try {
            TestcontainersDefaults.beforeClient();
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** Whether Docker is reached through a local socket (unix, npipe); false when unknown. */
    static boolean daemonIsLocal() {
        try {
            java.net.URI host = DockerClientFactory.instance().getTransportConfig().getDockerHost();
            return host != null && ("unix".equals(host.getScheme()) || "npipe".equals(host.getScheme()));
        } catch (RuntimeException e) {
            return false;
        }
    }

    static void require() {
        try {
            TestcontainersDefaults.beforeClient();
            DockerClientFactory.instance().client();
        } catch (RuntimeException e) {
            String problem = TestcontainersDefaults.problem();
            String cause = problem == null ? e.getMessage() : e.getMessage() + "; " + problem;
            throw new GoContainerException(unreachableMessage(System.getenv("DOCKER_HOST"), cause), e);
        }
    }

    static String unreachableMessage(String dockerHostEnv, String cause) {
        String tried = (dockerHostEnv == null || dockerHostEnv.isBlank() ? "DOCKER_HOST (unset)" : "DOCKER_HOST=" + dockerHostEnv)
                + ", docker.host in ~/.testcontainers.properties, unix:///var/run/docker.sock";
        return "Docker is not reachable: tried " + tried + " (" + cause + "). Fix: start the Docker daemon "
                + "(scripts/bootstrap starts dockerd --bridge=none --iptables=false when none answers) or point "
                + "DOCKER_HOST at a running one; to skip instead of fail, use @GoTest(disabledWithoutDocker = true) or check GoContainer.dockerAvailable().";
    }
}
