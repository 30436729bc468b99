// SPDX-License-Identifier: Apache-2.0
package dev.golat.junit;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.apiguardian.api.API;

/**
 * golat's settings, read as JUnit Platform configuration parameters: a {@code junit-platform.properties} file
 * on the test class path, {@code -D} system properties, or the build tool's configuration parameters (Maven:
 * failsafe's {@code <configurationParameters>}; Gradle: {@code systemProperty}). One scheme for every key:
 * {@code golat.<area>.<setting>}, values as plain strings.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@value #REPORT_DIR}</td><td>{@code target/golat}</td><td>where HTML, {@code .hgrm} and {@code
 *       summary.json} go, relative to the working directory; {@link GoTest#reportDir()}, when set, wins for its
 *       class</td></tr>
 *   <tr><td>{@value #CONSOLE_QUIET}</td><td>{@code false}</td><td>{@code true}: no plan lines and no histogram
 *       per test on the console; failure messages, report entries, files and the end-of-run summary stay</td></tr>
 *   <tr><td>{@value #SUMMARY_ENABLED}</td><td>{@code true}</td><td>{@code false}: no {@code summary.json}, no
 *       Markdown summary and no end-of-run table</td></tr>
 *   <tr><td>{@value #BIAS_SUBTRACT}</td><td>{@code false}</td><td>{@code true}: every {@code Latency} has the
 *       probe bias calibrated on this machine subtracted from its samples ({@code Latency.withoutProbeBias()}), in
 *       assertions and reports alike</td></tr>
 *   <tr><td>{@value #BASELINE_MODE}</td><td>{@code compare}</td><td>{@link LatencyBaseline} gates: {@code compare},
 *       {@code record} (write this run as the baseline), {@code append} (add this run to the baseline's runs) or
 *       {@code off}</td></tr>
 *   <tr><td>{@value #BASELINE_DIR}</td><td>{@code src/test/golat-baselines}</td><td>where stored baselines live, one
 *       file per test and function: {@code <dir>/<TestClass>/<method>/<function>.hlog}</td></tr>
 *   <tr><td>{@value #BASELINE_CI}</td><td>{@code true} when the environment has {@code CI=true}</td><td>{@code
 *       true}: a missing baseline fails; {@code false}: it is recorded and the test says so</td></tr>
 *   <tr><td>{@value #GATE_INCONCLUSIVE}</td><td>{@code abort}</td><td>what an inconclusive gate does to its
 *       test: {@code abort} (reported as aborted, with the reason) or {@code fail}</td></tr>
 * </table>
 *
 * A value that cannot be read fails the test with the key, the value and what is accepted.
 */
@API(status = API.Status.INTERNAL)
public final class GolatConfiguration {
    /** Folder of the reports, relative to the working directory. */
    public static final String REPORT_DIR = "golat.report.dir";
    /** {@code true}: no plan lines or histograms on the console. */
    public static final String CONSOLE_QUIET = "golat.console.quiet";
    /** {@code false}: no run summary (summary.json, Markdown, end-of-run table). */
    public static final String SUMMARY_ENABLED = "golat.summary.enabled";

    /** {@code true}: the calibrated probe bias is subtracted from every sample. */
    public static final String BIAS_SUBTRACT = "golat.bias.subtract";
    /** {@code compare}, {@code record}, {@code append} or {@code off}: what {@link LatencyBaseline} gates do. */
    public static final String BASELINE_MODE = "golat.baseline.mode";
    /** Folder of the stored baselines, relative to the working directory. */
    public static final String BASELINE_DIR = "golat.baseline.dir";
    /** {@code true}: a missing baseline fails (the default under {@code CI=true}). */
    public static final String BASELINE_CI = "golat.baseline.ci";
    /** {@code abort} or {@code fail}: what an inconclusive gate does to its test. */
    public static final String GATE_INCONCLUSIVE = "golat.gate.inconclusive";

    static final String DEFAULT_REPORT_DIR = "target/golat";
    static final String DEFAULT_BASELINE_DIR = "src/test/golat-baselines";

    private final Function<String, Optional<String>> parameters;

    private GolatConfiguration(Function<String, Optional<String>> parameters) {
        this.parameters = parameters;
    }

    /**
     * Reads settings through {@code parameters}, e.g. {@code ExtensionContext::getConfigurationParameter} or
     * {@code ConfigurationParameters::get}.
     */
    public static GolatConfiguration from(Function<String, Optional<String>> parameters) {
        return new GolatConfiguration(parameters);
    }

    /** The report folder: {@code annotationValue} when not blank, else {@value #REPORT_DIR}, else the default. */
    public Path reportDir(String annotationValue) {
        if (annotationValue != null && !annotationValue.isBlank()) {
            return Path.of(annotationValue);
        }
        return Path.of(string(REPORT_DIR).orElse(DEFAULT_REPORT_DIR));
    }

    /** The report folder of the run ({@value #REPORT_DIR}, else the default). */
    public Path reportDir() {
        return reportDir(null);
    }

    /** {@value #CONSOLE_QUIET}. */
    public boolean quiet() {
        return bool(CONSOLE_QUIET, false);
    }

    /** {@value #SUMMARY_ENABLED}. */
    public boolean summaryEnabled() {
        return bool(SUMMARY_ENABLED, true);
    }

    /** {@value #BIAS_SUBTRACT}. */
    public boolean subtractProbeBias() {
        return bool(BIAS_SUBTRACT, false);
    }

    /** {@value #BASELINE_MODE}, lower case: {@code compare} (the default), {@code record}, {@code append} or {@code off}. */
    public String baselineMode() {
        return choice(BASELINE_MODE, "compare", "compare", "record", "append", "off");
    }

    /** {@value #BASELINE_DIR}, else {@code src/test/golat-baselines}. */
    public Path baselineDir() {
        return Path.of(string(BASELINE_DIR).orElse(DEFAULT_BASELINE_DIR));
    }

    /** {@value #BASELINE_CI}; when not set, whether {@code ciVariable} (the environment's {@code CI}) is {@code true}. */
    public boolean baselineUnderCi(String ciVariable) {
        return bool(BASELINE_CI, "true".equalsIgnoreCase(ciVariable == null ? "" : ciVariable.strip()));
    }

    /** {@value #GATE_INCONCLUSIVE} is {@code fail} (the default is {@code abort}). */
    public boolean failWhenInconclusive() {
        return choice(GATE_INCONCLUSIVE, "abort", "abort", "fail").equals("fail");
    }

    /**
     * A setting that takes one of {@code allowed} (any case), lower case; {@code defaultValue} when not set;
     * anything else is refused with the key and the choices.
     */
    public String choice(String key, String defaultValue, String... allowed) {
        Optional<String> v = string(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        String lower = v.get().toLowerCase(Locale.ROOT);
        for (String a : allowed) {
            if (a.equals(lower)) {
                return lower;
            }
        }
        throw new GolatConfigurationException("configuration parameter " + key + "=" + v.get() + ": use "
                + String.join(", ", java.util.Arrays.asList(allowed).subList(0, allowed.length - 1)) + " or "
                + allowed[allowed.length - 1] + " (default " + defaultValue + ")");
    }

    /** A setting as text, trimmed; empty when not set or blank. For keys of other golat areas. */
    public Optional<String> string(String key) {
        return parameters.apply(key).map(String::strip).filter(v -> !v.isEmpty());
    }

    /** A boolean setting: {@code true} or {@code false} (any case); anything else is refused with the key. */
    public boolean bool(String key, boolean defaultValue) {
        Optional<String> v = string(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        return switch (v.get().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new GolatConfigurationException("configuration parameter " + key + "=" + v.get()
                    + " is not a boolean: use true or false");
        };
    }
}
