// SPDX-License-Identifier: Apache-2.0
package dev.golat.junit;

import dev.golat.result.GateLog;
import dev.golat.result.GateResult;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.apiguardian.api.API;

/**
 * The run's gates, at the end of a JUnit Platform run: {@code <report dir>/summary.json}, a Markdown table
 * appended to {@code $GITHUB_STEP_SUMMARY} when that variable is set, and one short table on the console.
 * Registered through {@code ServiceLoader}, so it works the same under Maven, Gradle and IDEs. A run with no
 * golat gate writes and prints nothing; {@value GolatConfiguration#SUMMARY_ENABLED}{@code =false} turns it
 * off.
 *
 * <p>Surefire and Failsafe drop the JUnit Platform's report entries from their XML; under them, golat's
 * entries (one per traced function and test) are also printed on the test's output, which those XML files
 * keep in the test's {@code <system-out>}, in the {@code key = value} form of JUnit's own XML reports. Not
 * for direct use.
 */
@API(status = API.Status.INTERNAL)
public final class GolatSummaryListener implements TestExecutionListener {
    static final String STEP_SUMMARY = "GITHUB_STEP_SUMMARY";

    private int mark;
    private GolatConfiguration config;
    /** The test methods of this plan, as {@link GateLog} names them: gates of other runs in this JVM are not ours. */
    private final Set<String> tests = ConcurrentHashMap.newKeySet();

    /** Called by the JUnit Platform's {@code ServiceLoader}. */
    public GolatSummaryListener() {}

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        mark = GateLog.size();
        config = GolatConfiguration.from(testPlan.getConfigurationParameters()::get);
    }

    @Override
    public void executionStarted(TestIdentifier testIdentifier) {
        testIdentifier.getSource().filter(MethodSource.class::isInstance).map(MethodSource.class::cast)
                .ifPresent(m -> tests.add(testName(m.getClassName(), m.getMethodName())));
    }

    /** {@code Outer$Inner} and {@code pkg.Class} as {@code Class#getSimpleName()} gives them, then the method. */
    static String testName(String className, String method) {
        String simple = className.substring(className.lastIndexOf('.') + 1);
        return simple.substring(simple.lastIndexOf('$') + 1) + "." + method + "()";
    }

    @Override
    public void reportingEntryPublished(TestIdentifier testIdentifier, ReportEntry entry) {
        if (underSurefire() && entry.getKeyValuePairs().keySet().stream().anyMatch(k -> k.startsWith("golat."))) {
            System.out.println(reportEntryLine(entry));
        }
    }

    /** {@code golat: report entry: timestamp = ..., golat.f.count = 2000, golat.f.p50 = 41.6 µs, ...}. */
    static String reportEntryLine(ReportEntry entry) {
        StringBuilder sb = new StringBuilder("golat: report entry: timestamp = ").append(entry.getTimestamp());
        entry.getKeyValuePairs().forEach((k, v) -> sb.append(", ").append(k).append(" = ").append(v));
        return sb.toString();
    }

    /** Surefire's and Failsafe's forked JVMs carry this property. */
    static boolean underSurefire() {
        return System.getProperty("surefire.test.class.path") != null;
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        List<GateResult> gates = GateLog.since(mark).stream().filter(g -> tests.contains(g.test())).toList();
        if (gates.isEmpty() || config == null || !config.summaryEnabled()) {
            return;
        }
        Path json = config.reportDir().resolve("summary.json");
        write(json, RunSummary.json(gates));
        String stepSummary = System.getenv(STEP_SUMMARY);
        if (stepSummary != null && !stepSummary.isBlank()) {
            append(Path.of(stepSummary), RunSummary.markdown(gates));
        }
        PrintStream out = System.out;
        out.print(RunSummary.console(gates, json.toAbsolutePath()));
        out.flush();
    }

    private static void write(Path file, String text) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("golat: cannot write the run summary " + file.toAbsolutePath()
                    + ": " + e.getMessage() + " (set " + GolatConfiguration.REPORT_DIR + " to a writable folder)", e);
        }
    }

    private static void append(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("golat: cannot append the gate table to $" + STEP_SUMMARY + "=" + file
                    + ": " + e.getMessage(), e);
        }
    }
}
