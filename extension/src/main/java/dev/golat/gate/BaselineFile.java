// SPDX-License-Identifier: Apache-2.0
package dev.golat.gate;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.HdrHistogram.HistogramLogWriter;

/**
 * A {@link Recording} on disk: an HdrHistogram interval log (what {@code HistogramLogWriter} writes and
 * {@code HistogramLogProcessor} and the other HdrHistogram tools read), one interval histogram per round,
 * values in nanoseconds, with golat's metadata in comment lines that those tools skip:
 * <pre>
 * #golat.baseline: 1
 * #golat.name: handleStmtExecute
 * #golat.function: main.(*clientConn).handleStmtExecute
 * #golat.test: StmtServerLatencyIT#executeStaysFast
 * #golat.goVersion: go1.23.5
 * #golat.buildId: Jx2k...
 * #golat.gitCommit: 1a2b3c...
 * #golat.cores: 2
 * #golat.kernel: 6.18.0
 * #golat.date: 2026-12-01T09:30:00Z
 * #golat.n: 20000
 * #golat.rounds: 20
 * #golat.cpuNanos: 1353350000
 * #golat.cpuWaitNanos: 3284420000
 * #golat.threads: 7
 * #[Histogram log format version 1.3]
 * #[StartTime: ...]
 * "StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"
 * Tag=handleStmtExecute,0.000,1.000,...,HISTFAAAA...
 * </pre>
 * Intervals are numbered by round (round {@code i} starts at {@code i} seconds): a baseline keeps the rounds,
 * not the wall-clock times.
 */
public final class BaselineFile {
    private BaselineFile() {}

    static final int VERSION = 1;
    private static final String PREFIX = "#golat.";

    public static void write(Path file, Recording r) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("baseline", Integer.toString(VERSION));
        meta.put("name", r.name());
        meta.put("function", r.info().function());
        meta.put("test", r.info().test());
        meta.put("goVersion", r.info().goVersion());
        meta.put("buildId", r.info().buildId());
        meta.put("gitCommit", r.info().gitCommit());
        meta.put("cores", Integer.toString(r.info().cores()));
        meta.put("kernel", r.info().kernel());
        meta.put("date", r.info().date().toString());
        meta.put("n", Long.toString(r.count()));
        meta.put("rounds", Integer.toString(r.rounds().size()));
        meta.put("cpuNanos", Long.toString(r.witness().cpuNanos()));
        meta.put("cpuWaitNanos", Long.toString(r.witness().waitNanos()));
        meta.put("threads", Integer.toString(r.witness().threads()));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, false, StandardCharsets.UTF_8)) {
            HistogramLogWriter log = new HistogramLogWriter(out);
            meta.forEach((k, v) -> {
                if (v.contains("\n") || v.contains("\r")) {
                    throw new IllegalArgumentException("baseline metadata " + k + " holds a line break: " + v);
                }
                log.outputComment("golat." + k + ": " + v);
            });
            log.outputLogFormatVersion();
            log.outputStartTime(r.info().date().toEpochMilli());
            log.setBaseTime(r.info().date().toEpochMilli());
            log.outputLegend();
            int i = 0;
            for (Histogram h : r.rounds()) {
                if (tagSafe(r.name())) {
                    h.setTag(r.name());
                }
                h.setStartTimeStamp(r.info().date().toEpochMilli() + 1000L * i);
                h.setEndTimeStamp(r.info().date().toEpochMilli() + 1000L * (i + 1));
                log.outputIntervalHistogram(h);
                i++;
            }
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, ".golat-", ".tmp");
            Files.write(tmp, bytes.toByteArray());
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write baseline " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @throws BaselineFormatException when the file is not a golat baseline, is truncated or corrupt
     * @throws UncheckedIOException    when it cannot be read (a missing file is {@link NoSuchFileException})
     */
    public static Recording read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read baseline " + file + ": " + e, e);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        Map<String, String> meta = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith(PREFIX)) {
                int colon = line.indexOf(": ");
                if (colon < 0) {
                    throw corrupt(file, "metadata line without ': ': " + line, null);
                }
                meta.put(line.substring(PREFIX.length(), colon), line.substring(colon + 2).stripTrailing());
            }
        }
        if (!meta.containsKey("baseline")) {
            throw corrupt(file, "not a golat baseline (no '#golat.baseline:' line)", null);
        }
        if (!meta.get("baseline").equals(Integer.toString(VERSION))) {
            throw corrupt(file, "baseline format version " + meta.get("baseline") + "; this golat reads version " + VERSION,
                    null);
        }
        List<Histogram> rounds = new ArrayList<>();
        try (HistogramLogReader log = new HistogramLogReader(new ByteArrayInputStream(bytes))) {
            EncodableHistogram h;
            while ((h = log.nextIntervalHistogram()) != null) {
                if (!(h instanceof Histogram histogram)) {
                    throw corrupt(file, "interval " + (rounds.size() + 1) + " is a " + h.getClass().getSimpleName()
                            + ", not an integer histogram of nanoseconds", null);
                }
                rounds.add(histogram);
            }
        } catch (BaselineFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw corrupt(file, "histogram " + (rounds.size() + 1) + " cannot be decoded (" + e + ")", e);
        }
        if (rounds.isEmpty()) {
            throw corrupt(file, "no histogram in it (truncated?)", null);
        }
        long n = rounds.stream().mapToLong(Histogram::getTotalCount).sum();
        long declared = number(file, meta, "n");
        if (declared != n || number(file, meta, "rounds") != rounds.size()) {
            throw corrupt(file, "declares n=" + declared + " in " + meta.get("rounds") + " rounds but holds n=" + n + " in "
                    + rounds.size() + " (truncated or edited?)", null);
        }
        Instant date;
        try {
            date = Instant.parse(require(file, meta, "date"));
        } catch (DateTimeParseException e) {
            throw corrupt(file, "date '" + meta.get("date") + "' is not an ISO-8601 instant", e);
        }
        RecordingInfo info = new RecordingInfo(require(file, meta, "test"), require(file, meta, "function"),
                require(file, meta, "goVersion"), require(file, meta, "buildId"), require(file, meta, "gitCommit"),
                (int) number(file, meta, "cores"), require(file, meta, "kernel"), date);
        NoiseWitness witness = new NoiseWitness(number(file, meta, "cpuNanos"), number(file, meta, "cpuWaitNanos"),
                (int) number(file, meta, "threads"));
        return new Recording(require(file, meta, "name"), rounds, info, witness);
    }

    private static String require(Path file, Map<String, String> meta, String key) {
        String v = meta.get(key);
        if (v == null) {
            throw corrupt(file, "no '#golat." + key + ":' line", null);
        }
        return v;
    }

    private static long number(Path file, Map<String, String> meta, String key) {
        String v = require(file, meta, key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw corrupt(file, "#golat." + key + " is '" + v + "', not a number", e);
        }
    }

    private static BaselineFormatException corrupt(Path file, String problem, Throwable cause) {
        return new BaselineFormatException(file, problem + "; delete it and record it again", cause);
    }

    private static boolean tagSafe(String name) {
        return !name.isEmpty() && name.chars().noneMatch(c -> c == ',' || c == '=' || Character.isWhitespace(c));
    }
}
