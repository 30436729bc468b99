// SPDX-License-Identifier: Apache-2.0
package dev.golat.container;

import com.github.dockerjava.api.exception.NotFoundException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.net.URI;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.dockerclient.DockerClientConfigUtils;
import org.testcontainers.dockerclient.DockerClientProviderStrategy;
import org.testcontainers.utility.ResourceReaper;

/**
 * What golat sets in Testcontainers before it first connects, so that a test runs on any Docker that runs
 * Linux containers with no {@code TESTCONTAINERS_*} variable. Testcontainers 2.0 reads both settings from
 * the environment only, so golat sets the two values Testcontainers would compute from them:
 *
 * <ul>
 *   <li><b>Ryuk.</b> Testcontainers' reaper is a container pulled from a registry; where none is reachable
 *       the first start waits for the pull, then fails. golat removes its own containers and images with its
 *       host reaper ({@link Session}), so unless {@code TESTCONTAINERS_RYUK_DISABLED} is set (to any value)
 *       golat installs Testcontainers' JVM shutdown-hook reaper instead, as {@code
 *       TESTCONTAINERS_RYUK_DISABLED=true} would. To keep Ryuk for other containers of the same JVM, set
 *       {@code TESTCONTAINERS_RYUK_DISABLED=false}.</li>
 *   <li><b>The Docker host address.</b> When the JVM itself runs in a container ({@code /.dockerenv}) and
 *       Docker is reached by socket, Testcontainers asks Docker for the gateway of the network {@code bridge};
 *       a daemon started with {@code --bridge=none} has no such network and the connection fails with "network
 *       bridge not found". golat's services use host networking, so golat then takes {@code localhost}, as
 *       {@code TESTCONTAINERS_HOST_OVERRIDE=localhost} would.</li>
 * </ul>
 *
 * Both go through Testcontainers' internals, so each step that cannot be done says which variable does it.
 */
final class TestcontainersDefaults {
    static final String RYUK_VARIABLE = "TESTCONTAINERS_RYUK_DISABLED";
    static final String HOST_VARIABLE = "TESTCONTAINERS_HOST_OVERRIDE";

    private static boolean reaperDone;
    private static boolean hostDone;
    private static volatile String problem;

    private TestcontainersDefaults() {}

    /** Before anything creates Testcontainers' reaper: use the JVM-hook reaper instead of Ryuk. */
    static synchronized void beforeFirstUse() {
        if (reaperDone) {
            return;
        }
        reaperDone = true;
        String ryuk = System.getenv(RYUK_VARIABLE);
        if (ryuk != null && !ryuk.isBlank()) {
            return; // the user decided; Testcontainers reads it
        }
        try {
            Field instance = ResourceReaper.class.getDeclaredField("instance");
            instance.setAccessible(true);
            if (instance.get(null) != null) {
                return; // Testcontainers was already used in this JVM
            }
            Class<?> hook = Class.forName("org.testcontainers.utility.JVMHookResourceReaper");
            Constructor<?> c = hook.getDeclaredConstructor();
            c.setAccessible(true);
            instance.set(null, c.newInstance());
        } catch (ReflectiveOperationException | RuntimeException e) {
            problem = "golat could not replace Testcontainers' Ryuk reaper (" + e + "); where the Ryuk image cannot "
                    + "be pulled, set " + RYUK_VARIABLE + "=true";
        }
    }

    /**
     * After Testcontainers found Docker and before its first client: without a {@code bridge} network, the
     * Docker host address is {@code localhost}.
     */
    static synchronized void beforeClient() {
        beforeFirstUse();
        if (hostDone) {
            return;
        }
        hostDone = true;
        String override = System.getenv(HOST_VARIABLE);
        if (override != null && !override.isBlank()) {
            return;
        }
        URI dockerHost = DockerClientFactory.instance().getTransportConfig().getDockerHost(); // finds Docker
        if (!asksForBridge(DockerClientConfigUtils.IN_A_CONTAINER, dockerHost)) {
            return;
        }
        try {
            Field f = DockerClientFactory.class.getDeclaredField("strategy");
            f.setAccessible(true);
            DockerClientProviderStrategy strategy = (DockerClientProviderStrategy) f.get(DockerClientFactory.instance());
            try {
                strategy.getDockerHostIpAddress();
            } catch (NotFoundException noBridge) {
                Field address = DockerClientProviderStrategy.class.getDeclaredField("dockerHostIpAddress");
                address.setAccessible(true);
                address.set(strategy, "localhost");
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            problem = "golat could not set Testcontainers' Docker host address (" + e + "); on a Docker daemon "
                    + "without a bridge network, set " + HOST_VARIABLE + "=localhost";
        }
    }

    /** Testcontainers looks for the bridge network only from inside a container, over a socket. */
    static boolean asksForBridge(boolean inContainer, URI dockerHost) {
        String scheme = dockerHost == null ? null : dockerHost.getScheme();
        return inContainer && ("unix".equals(scheme) || "npipe".equals(scheme));
    }

    /** What could not be set, with the variable that sets it; null when all went well. */
    static String problem() {
        return problem;
    }
}
