// SPDX-License-Identifier: Apache-2.0
package dev.golat.junit;

import dev.golat.result.Latency;
import dev.golat.result.Units;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MediaType;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * golat's figures in the JUnit Platform's own reporting, so that Surefire/Failsafe XML, IDEs and CI test
 * views show them: one report entry per traced function and test ({@link #entries(Latency)}), the {@code
 * .hgrm} files of the test and the class's HTML page as file entries.
 */
final class JUnitReporting {
    static final MediaType TEXT_HTML = MediaType.create("text", "html", java.nio.charset.StandardCharsets.UTF_8);

    private JUnitReporting() {}

    /**
     * {@code golat.<name>.count}, {@code .p50}, {@code .p90}, {@code .p99}, {@code .max} (durations as golat
     * prints them, e.g. {@code 41.6 µs}) and {@code .function}; percentiles only when a call was measured. A function
     * traced on several nodes also gets each node's, as {@code golat.<name>@<node>.count} and so on.
     */
    static Map<String, String> entries(Latency l) {
        Map<String, String> e = figures("golat." + l.name() + ".", l);
        l.perNode().forEach((node, n) -> e.putAll(figures("golat." + l.name() + "@" + node + ".", n)));
        return e;
    }

    private static Map<String, String> figures(String key, Latency l) {
        Map<String, String> e = new LinkedHashMap<>();
        e.put(key + "function", l.function());
        e.put(key + "count", Long.toString(l.count()));
        if (l.count() > 0) {
            e.put(key + "p50", Units.duration(l.p50()));
            e.put(key + "p90", Units.duration(l.p90()));
            e.put(key + "p99", Units.duration(l.p99()));
            e.put(key + "max", Units.duration(l.max()));
        }
        return e;
    }

    /** After a test method: its report entries and its {@code .hgrm} files. */
    static void publish(ExtensionContext method, List<Latency> latencies, Reports.Written written) {
        for (Latency l : latencies) {
            method.publishReportEntry(entries(l));
        }
        for (Path hgrm : written.hgrmFiles()) {
            copy(method, hgrm, MediaType.TEXT_PLAIN_UTF_8);
        }
    }

    /** After the class: its HTML page, as it stands after the last test. */
    static void publishPage(ExtensionContext testClass, Path page) {
        if (Files.isRegularFile(page)) {
            copy(testClass, page, TEXT_HTML);
        }
    }

    private static void copy(ExtensionContext context, Path file, MediaType type) {
        try {
            context.publishFile(file.getFileName().toString(), type,
                    target -> Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING));
        } catch (RuntimeException e) {
            // A launcher without an output directory cannot take files; the file stays in the report folder,
            // whose path every golat line and failure message carries.
        }
    }
}
