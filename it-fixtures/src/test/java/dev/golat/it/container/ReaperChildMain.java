// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.container;

import dev.golat.container.GoContainer;
import java.nio.file.Path;

/** Run by {@link ReaperIT} in a child JVM: starts a service, prints its container id, then waits to be killed. */
public final class ReaperChildMain {
    private ReaperChildMain() {}

    public static void main(String[] args) throws Exception {
        GoContainer server = GoContainer.fromBinary(Path.of(args[0]))
                .withArgs("-addr", "127.0.0.1:" + args[1])
                .withHostNetwork()
                .waitingForLogLine("listening on");
        server.start();
        System.out.println("CONTAINER " + server.getContainerId());
        System.out.println("IMAGE " + server.getDockerImageName());
        System.out.flush();
        Thread.sleep(600_000);
    }
}
