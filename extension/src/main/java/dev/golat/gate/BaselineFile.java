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
 * #golat.tag: handleStmtExecute
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
 * #golat.roundWitnesses: 66510000/160320000/7 68930000/171040000/7 ...   (each round's cpu/wait/threads, when measured)
 * #[Histogram log format version 1.3]
 * #[StartTime: ...]
 * "StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"
 * Tag=handleStmtExecute,0.000,1.000,...,HISTFAAAA...
 * </pre>
 * A file may hold several functions (what {@code golat trace --save} writes): one metadata block each,
 * starting at its {@code #golat.baseline:} line, and its histograms under its tag.
 * Intervals are numbered by round (round {@code i} starts at {@code i} seconds): a baseline keeps the rounds,
 * not the wall-clock times.
 */
public final class BaselineFile {
    private BaselineFile() {}

    static final int VERSION = 1;
    private static final String PREFIX = "#golat.";

    /** Writes one recording (a gate's baseline: one file per test and function). */
    public static void write(Path file, Recording r) {
        writeAll(file, List.of(r));
    }

    /** Writes several functions' recordings into one log, each under its own tag ({@code golat trace --save}). */
    public static void writeAll(Path file, List<Recording> recordings) {
        if (recordings.isEmpty()) {
            throw new IllegalArgumentException("nothing to write to " + file + ": no recordings");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, false, StandardCharsets.UTF_8)) {
            HistogramLogWriter log = new HistogramLogWriter(out);
            List<String> tags = new ArrayList<>();
            for (Recording r : recordings) {
                String tag = tag(r.name());
                while (tags.contains(tag)) {
                    tag = tag + "_";
                }
                tags.add(tag);
                for (Map.Entry<String, String> e : metadata(r, tag).entrySet()) {
                    if (e.getValue().contains("\n") || e.getValue().contains("\r")) {
                        throw new IllegalArgumentException("baseline metadata " + e.getKey() + " holds a line break: "
                                + e.getValue());
                    }
                    log.outputComment("golat." + e.getKey() + ": " + e.getValue());
                }
            }
            long start = recordings.get(0).info().date().toEpochMilli();
            log.outputLogFormatVersion();
            log.outputStartTime(start);
            log.setBaseTime(start);
            log.outputLegend();
            for (int k = 0; k < recordings.size(); k++) {
                int i = 0;
                for (Histogram h : recordings.get(k).rounds()) {
                    h.setTag(tags.get(k));
                    h.setStartTimeStamp(start + 1000L * i);
                    h.setEndTimeStamp(start + 1000L * (i + 1));
                    log.outputIntervalHistogram(h);
                    i++;
                }
            }
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = parent.resolve("." + file.getFileName() + ".tmp"); // plain permissions: the file is committed
            Files.write(tmp, bytes.toByteArray());
            Files.move(tmp, file.toAbsolutePath(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write baseline " + file + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, String> metadata(Recording r, String tag) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("baseline", Integer.toString(VERSION));
        meta.put("name", r.name());
        meta.put("tag", tag);
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
        if (!r.roundWitnesses().isEmpty()) {
            // each round's CPU and wait nanoseconds and threads, "cpu/wait/threads" in the order of the rounds
            meta.put("roundWitnesses", String.join(" ", r.roundWitnesses().stream()
                    .map(w -> w.cpuNanos() + "/" + w.waitNanos() + "/" + w.threads()).toList()));
        }
        return meta;
    }

    /**
     * Reads a file of exactly one recording.
     *
     * @throws BaselineFormatException when the file is not a golat baseline, is truncated or corrupt, or holds
     *                                 several functions
     * @throws UncheckedIOException    when it cannot be read (a missing file is {@link NoSuchFileException})
     */
    public static Recording read(Path file) {
        List<Recording> all = readAll(file);
        if (all.size() != 1) {
            throw corrupt(file, "holds " + all.size() + " functions (" + String.join(", ",
                    all.stream().map(Recording::name).toList()) + "); a baseline holds one", null);
        }
        return all.get(0);
    }

    /** Reads every recording of a file, in the order written. */
    public static List<Recording> readAll(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read baseline " + file + ": " + e, e);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        List<Map<String, String>> blocks = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith(PREFIX)) {
                int colon = line.indexOf(": ");
                if (colon < 0) {
                    throw corrupt(file, "metadata line without ': ': " + line, null);
                }
                String key = line.substring(PREFIX.length(), colon);
                if (key.equals("baseline")) {
                    blocks.add(new LinkedHashMap<>());
                } else if (blocks.isEmpty()) {
                    throw corrupt(file, "'" + line + "' before the first '#golat.baseline:' line", null);
                }
                blocks.get(blocks.size() - 1).put(key, line.substring(colon + 2).stripTrailing());
            }
        }
        if (blocks.isEmpty()) {
            throw corrupt(file, "not a golat baseline (no '#golat.baseline:' line)", null);
        }
        for (Map<String, String> meta : blocks) {
            if (!meta.get("baseline").equals(Integer.toString(VERSION))) {
                throw corrupt(file, "baseline format version " + meta.get("baseline") + "; this golat reads version "
                        + VERSION, null);
            }
        }
        Map<String, List<Histogram>> byTag = new LinkedHashMap<>();
        int read = 0;
        try (HistogramLogReader log = new HistogramLogReader(new ByteArrayInputStream(bytes))) {
            EncodableHistogram h;
            while ((h = log.nextIntervalHistogram()) != null) {
                read++;
                if (!(h instanceof Histogram histogram)) {
                    throw corrupt(file, "histogram " + read + " is a " + h.getClass().getSimpleName()
                            + ", not an integer histogram of nanoseconds", null);
                }
                byTag.computeIfAbsent(String.valueOf(h.getTag()), t -> new ArrayList<>()).add(histogram);
            }
        } catch (BaselineFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw corrupt(file, "histogram " + (read + 1) + " cannot be decoded (" + e + ")", e);
        }
        List<Recording> out = new ArrayList<>();
        for (Map<String, String> meta : blocks) {
            out.add(recording(file, meta, byTag.getOrDefault(require(file, meta, "tag"), List.of())));
        }
        return out;
    }

    private static Recording recording(Path file, Map<String, String> meta, List<Histogram> rounds) {
        String name = require(file, meta, "name");
        if (rounds.isEmpty()) {
            throw corrupt(file, "no histogram for " + name + " (truncated?)", null);
        }
        long n = rounds.stream().mapToLong(Histogram::getTotalCount).sum();
        long declared = number(file, meta, "n");
        if (declared != n || number(file, meta, "rounds") != rounds.size()) {
            throw corrupt(file, name + " declares n=" + declared + " in " + meta.get("rounds") + " rounds but holds n=" + n
                    + " in " + rounds.size() + " (truncated or edited?)", null);
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
        return new Recording(name, rounds, info, witness, roundWitnesses(file, meta, name, rounds.size()));
    }

    /** The rounds' own witnesses ({@code #golat.roundWitnesses:}), empty in a file written without them. */
    private static List<NoiseWitness> roundWitnesses(Path file, Map<String, String> meta, String name, int rounds) {
        String v = meta.get("roundWitnesses");
        if (v == null) {
            return List.of();
        }
        String[] each = v.isBlank() ? new String[0] : v.strip().split(" ");
        if (each.length != rounds) {
            throw corrupt(file, name + " has " + rounds + " rounds but #golat.roundWitnesses holds " + each.length
                    + " (truncated or edited?)", null);
        }
        List<NoiseWitness> out = new ArrayList<>();
        for (String w : each) {
            String[] f = w.split("/");
            try {
                if (f.length != 3) {
                    throw new NumberFormatException("expected cpu/wait/threads");
                }
                out.add(new NoiseWitness(Long.parseLong(f[0]), Long.parseLong(f[1]), Integer.parseInt(f[2])));
            } catch (NumberFormatException e) {
                throw corrupt(file, "#golat.roundWitnesses holds '" + w + "', not cpu/wait/threads nanoseconds", e);
            }
        }
        return out;
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

    /** The name as an HdrHistogram tag: no comma, '=' or white space (the log line's separators). */
    private static String tag(String name) {
        String tag = name.replaceAll("[,=\\s]", "_");
        return tag.isEmpty() ? "_" : tag;
    }
}
