// SPDX-License-Identifier: Apache-2.0
package dev.golat.junit;

import dev.golat.gate.BaselineFile;
import dev.golat.gate.BaselineFormatException;
import dev.golat.gate.Gate;
import dev.golat.gate.GateLogging;
import dev.golat.gate.GateMessage;
import dev.golat.gate.GateReport;
import dev.golat.gate.NoiseWitness;
import dev.golat.gate.Recording;
import dev.golat.gate.RecordingInfo;
import dev.golat.gate.Verdict;
import dev.golat.result.Latency;
import org.HdrHistogram.Histogram;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opentest4j.TestAbortedException;

/** {@link LatencyBaseline} after a test method: record, compare, or nothing, per its settings. */
final class BaselineGate {
    static final String MODE = GolatConfiguration.BASELINE_MODE;
    static final String INCONCLUSIVE = GolatConfiguration.GATE_INCONCLUSIVE;

    enum Mode { COMPARE, RECORD, APPEND, OFF }

    private BaselineGate() {}

    /** One traced function of the method, as the gate needs it. */
    record Measured(Latency latency, String goVersion, String buildId, NoiseWitness witness) {}

    static Optional<LatencyBaseline> annotation(ExtensionContext context) {
        return AnnotationSupport.findAnnotation(context.getRequiredTestMethod(), LatencyBaseline.class)
                .or(() -> AnnotationSupport.findAnnotation(context.getRequiredTestClass(), LatencyBaseline.class));
    }

    static void check(ExtensionContext context, List<Measured> measured) {
        Optional<LatencyBaseline> annotation = annotation(context);
        if (annotation.isEmpty()) {
            return;
        }
        GolatConfiguration config = GolatConfiguration.from(context::getConfigurationParameter);
        Mode mode = mode(config);
        if (mode == Mode.OFF || measured.isEmpty()) {
            return;
        }
        String testClass = context.getRequiredTestClass().getSimpleName();
        String method = context.getRequiredTestMethod().getName();
        String test = testClass + "." + method + "()";
        Path dir = config.baselineDir().resolve(testClass).resolve(method);
        boolean ci = config.baselineUnderCi(System.getenv("CI"));
        LatencyBaseline settings = annotation.get();
        Gate gate = Gate.atPercentiles(settings.percentiles()).withTolerance(settings.tolerance() / 100);
        List<String> failures = new ArrayList<>();
        List<String> undecided = new ArrayList<>();
        for (Measured m : withRunning(measured)) {
            Latency l = m.latency();
            Path file = dir.resolve(safe(l.name()) + ".hlog");
            Recording now = Recording.of(l.name(), l.histogram(), RecordingInfo.here(testClass + "#" + method, l.function(),
                    m.goVersion(), m.buildId()), m.witness());
            if (mode == Mode.RECORD) {
                BaselineFile.write(file, now);
                say("recorded the baseline of " + l.name() + " in " + test + ": " + file + " (n=" + l.count() + ")");
                continue;
            }
            if (mode == Mode.APPEND) {
                Recording runs = now;
                if (Files.exists(file)) {
                    Recording earlier;
                    try {
                        earlier = BaselineFile.read(file);
                    } catch (BaselineFormatException e) {
                        failures.add("cannot add this run to the baseline of " + l.name() + " for " + test + ": "
                                + e.getMessage() + " (mvn verify -D" + MODE + "=record -Dit.test=" + testClass + ")");
                        continue;
                    }
                    List<Histogram> all = new ArrayList<>(earlier.rounds());
                    all.add(l.histogram());
                    runs = new Recording(l.name(), all, now.info(), earlier.witness().plus(now.witness()));
                }
                BaselineFile.write(file, runs);
                int k = runs.rounds().size();
                say("added this run to the baseline of " + l.name() + " in " + test + ": " + file + " (" + k
                        + (k == 1 ? " run" : " runs") + ", n=" + runs.count() + ")"
                        + (k < Gate.MIN_ROUNDS ? "; from " + Gate.MIN_ROUNDS + " runs on, compare judges a run"
                                + " against the runs' spread" : ""));
                continue;
            }
            if (!Files.exists(file)) {
                if (ci) {
                    failures.add("no baseline of " + l.name() + " for " + test + " at " + file + " (under CI a missing"
                            + " baseline fails). Record it: mvn verify -D" + MODE + "=record -Dit.test=" + testClass
                            + ", then commit " + file);
                    continue;
                }
                BaselineFile.write(file, now);
                say("no baseline of " + l.name() + " for " + test + ": recorded this run as " + file + " (n=" + l.count()
                        + "); commit it to gate later runs");
                continue;
            }
            Recording baseline;
            try {
                baseline = BaselineFile.read(file);
            } catch (BaselineFormatException e) {
                failures.add("the baseline of " + l.name() + " for " + test + " cannot be read: " + e.getMessage()
                        + " (mvn verify -D" + MODE + "=record -Dit.test=" + testClass + ")");
                continue;
            }
            GateReport report = gate.compare(baseline, now);
            GateLogging.log(report, baseline, now);
            say("gate " + l.name() + " in " + test + " against " + file + ":" + System.lineSeparator() + report.table());
            String message = GateMessage.of(report, file.toString(), l.report().orElse(null),
                    l.hasBreakdown() ? l.breakdown().slowest(3) : List.of());
            if (report.verdict() == Verdict.REGRESSION) {
                failures.add(message);
            } else if (report.verdict() == Verdict.INCONCLUSIVE) {
                undecided.add(message);
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(String.join(System.lineSeparator(), failures));
        }
        if (!undecided.isEmpty()) {
            String message = String.join(System.lineSeparator(), undecided);
            if (config.failWhenInconclusive()) {
                throw new AssertionError(message);
            }
            throw new TestAbortedException("the latency gate is inconclusive (" + INCONCLUSIVE + "=fail to fail instead):"
                    + message);
        }
    }

    /**
     * Each function traced with {@code breakdown = true} gated twice: its wall time, and its running time per call
     * ({@code latency.running()}, named {@code "<function> running"}, its own baseline file
     * {@code <function>_running.hlog}). Running time leaves out the time the goroutine's thread was descheduled,
     * but not all of the machine's noise: a preempted thread resumes with cold caches, and in the gate proof CPU hogs
     * once moved identical binaries' running p50 by +10.8%. So the entry carries the window's CPU-wait witness, and
     * the gate's noise rule applies to it as to the wall time.
     */
    static List<Measured> withRunning(List<Measured> measured) {
        List<Measured> out = new ArrayList<>();
        for (Measured m : measured) {
            out.add(m);
            if (m.latency().hasBreakdown()) {
                out.add(new Measured(m.latency().running(), m.goVersion(), m.buildId(), m.witness()));
            }
        }
        return out;
    }

    static Mode mode(GolatConfiguration config) {
        return Mode.valueOf(config.baselineMode().toUpperCase(Locale.ROOT));
    }

    private static void say(String line) {
        System.out.println("golat: " + line);
    }

    /** {@code name} with every character other than ASCII letters, digits, {@code . _ -} replaced by {@code _}. */
    static String safe(String name) {
        StringBuilder out = new StringBuilder(name.length());
        for (char c : name.toCharArray()) {
            boolean ok = c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-');
            out.append(ok ? c : '_');
        }
        String s = out.toString();
        return s.startsWith(".") ? "_" + s.substring(1) : s;
    }
}
