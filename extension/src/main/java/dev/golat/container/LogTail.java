// SPDX-License-Identifier: Apache-2.0
package dev.golat.container;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.testcontainers.containers.output.OutputFrame;

/**
 * The last lines a process printed, kept in a small ring, plus whether one of them matched a pattern.
 * Frames from Docker may split or join lines: bytes are gathered per stream until a newline.
 */
final class LogTail {
    private final int capacity;
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private final StringBuilder[] partial = {new StringBuilder(), new StringBuilder()};
    private volatile Pattern awaited;
    private volatile boolean matched;

    LogTail(int capacity) {
        this.capacity = capacity;
    }

    /** Starts looking for a line matching {@code regex} (found anywhere in the line, as {@link java.util.regex.Matcher#find()}). */
    synchronized void await(Pattern regex) {
        awaited = regex;
        matched = regex != null && lines.stream().anyMatch(l -> regex.matcher(l).find());
    }

    boolean matched() {
        return matched;
    }

    /** Appends raw bytes from stream {@code stream} (0 = stdout, 1 = stderr). */
    synchronized void append(int stream, byte[] bytes) {
        StringBuilder sb = partial[stream];
        sb.append(new String(bytes, StandardCharsets.UTF_8));
        int nl;
        while ((nl = sb.indexOf("\n")) >= 0) {
            addLine(sb.substring(0, nl));
            sb.delete(0, nl + 1);
        }
    }

    /** Ends both streams: a last line without a newline still counts. */
    synchronized void flush() {
        for (StringBuilder sb : partial) {
            if (sb.length() > 0) {
                addLine(sb.toString());
                sb.setLength(0);
            }
        }
    }

    synchronized List<String> lines() {
        return new ArrayList<>(lines);
    }

    /** Feeds one frame of Testcontainers' log following; the END frame flushes. */
    void accept(OutputFrame frame) {
        if (frame.getType() == OutputFrame.OutputType.END || frame.getBytes() == null) {
            flush();
        } else {
            append(frame.getType() == OutputFrame.OutputType.STDERR ? 1 : 0, frame.getBytes());
        }
    }

    private void addLine(String line) {
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        Pattern p = awaited;
        if (p != null && !matched && p.matcher(line).find()) {
            matched = true;
        }
        lines.addLast(line);
        while (lines.size() > capacity) {
            lines.removeFirst();
        }
    }

    /** {@code "  line1\n  line2"}, or {@code "  (none)"}. */
    static String indent(List<String> lines) {
        if (lines.isEmpty()) {
            return "  (none)";
        }
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append("  ").append(l);
        }
        return sb.toString();
    }
}
