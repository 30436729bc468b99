// SPDX-License-Identifier: Apache-2.0
package dev.golat.it;

import dev.golat.container.GoContainer;
import dev.golat.testbins.GoTestBinaries;

/** go-testbins' stmtserver as a service: host networking, bound to 127.0.0.1:port, ready when it says so. */
public final class StmtServer {
    private StmtServer() {}

    /** Built with the newest installed Go. */
    public static GoContainer container(int port) {
        return of(GoTestBinaries.program("stmtserver"), port);
    }

    /** Built with one Go toolchain, e.g. {@code go1.21} (tests that quote its version in messages). */
    public static GoContainer container(String goVersion, int port) {
        return of(GoTestBinaries.program(goVersion, "stmtserver"), port);
    }

    private static GoContainer of(java.nio.file.Path binary, int port) {
        return GoContainer.fromBinary(binary)
                .withArgs("-addr", "127.0.0.1:" + port)
                .withHostNetwork()
                .waitingForLogLine(".*listening on.*");
    }
}
