// SPDX-License-Identifier: Apache-2.0
package dev.golat.it;

import dev.golat.container.GoContainer;
import dev.golat.testbins.GoTestBinaries;
import org.testcontainers.images.builder.Transferable;

/**
 * Debian's prometheus (bookworm, Go 1.19, dynamically linked against glibc) as a service: nothing but {@code
 * fromBinary}, a config without scrape jobs (so the only HTTP requests are the test's), a data folder in the
 * container, host networking on 127.0.0.1:port.
 */
public final class Prometheus {
    /** The config: no scrape targets, no rules. */
    public static final String CONFIG = "global:\n  scrape_interval: 1h\n  evaluation_interval: 1h\n";

    private Prometheus() {}

    public static GoContainer container(int port) {
        return container(port, CONFIG);
    }

    /** With the given {@code prometheus.yml}. */
    public static GoContainer container(int port, String config) {
        return GoContainer.fromBinary(GoTestBinaries.cached("prometheus"))
                .withArgs("--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus",
                        "--web.listen-address=127.0.0.1:" + port)
                .withCopyToContainer(Transferable.of(config), "/etc/prometheus/prometheus.yml")
                .withHostNetwork()
                .waitingForLogLine("Server is ready to receive web requests");
    }
}
