// SPDX-License-Identifier: Apache-2.0
package dev.golat.gate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Where a recording came from: the code (Go version, build id, git commit) and the machine (cores, kernel).
 * A comparison warns when two recordings differ in any of them, because then the figures differ for
 * reasons other than the change under test.
 *
 * @param test      the test that recorded it ({@code "StmtIT#executeIsFast"}), or the command line
 * @param function  the Go function as resolved ({@code "main.(*clientConn).handleStmtExecute"})
 * @param goVersion the binary's Go version ({@code "go1.23.5"}), or {@code ""} when unknown
 * @param buildId   the binary's Go build id, or {@code ""} when it has none
 * @param gitCommit the commit of the working directory when recorded, or {@code ""} outside git
 * @param cores     processors the recording JVM saw
 * @param kernel    the kernel release ({@code uname -r})
 * @param date      when it was recorded
 */
public record RecordingInfo(String test, String function, String goVersion, String buildId, String gitCommit,
        int cores, String kernel, Instant date) {

    public RecordingInfo {
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(goVersion, "goVersion");
        Objects.requireNonNull(buildId, "buildId");
        Objects.requireNonNull(gitCommit, "gitCommit");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(date, "date");
    }

    /** A recording made now, on this machine, in the git checkout (if any) of the working directory. */
    public static RecordingInfo here(String test, String function, String goVersion, String buildId) {
        return new RecordingInfo(test, function, goVersion, buildId, gitCommit(Path.of("")),
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.version", ""), Instant.now());
    }

    /** {@code "go1.23.5 on 2 cores, kernel 6.18.0, commit 1a2b3c4, 2026-12-01T09:30:00Z"}. */
    public String describe() {
        return (goVersion.isEmpty() ? "unknown Go version" : goVersion) + " on " + cores + " cores, kernel " + kernel
                + (gitCommit.isEmpty() ? "" : ", commit " + abbreviate(gitCommit)) + ", " + date;
    }

    /** What differs between a baseline and a candidate other than the code under test, one line each. */
    public List<String> differencesFrom(RecordingInfo baseline) {
        List<String> out = new ArrayList<>();
        if (!goVersion.equals(baseline.goVersion) && !goVersion.isEmpty() && !baseline.goVersion.isEmpty()) {
            out.add("the baseline was built with " + baseline.goVersion + ", the candidate with " + goVersion);
        }
        if (cores != baseline.cores || !kernel.equals(baseline.kernel)) {
            out.add("the baseline was recorded on another machine (" + baseline.cores + " cores, kernel " + baseline.kernel
                    + "; this one: " + cores + " cores, kernel " + kernel + ")");
        }
        return out;
    }

    private static String abbreviate(String commit) {
        return commit.length() > 12 ? commit.substring(0, 12) : commit;
    }

    /** {@code git rev-parse HEAD} in {@code dir}, or {@code ""} when there is no git or no repository. */
    static String gitCommit(Path dir) {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "HEAD").directory(dir.toAbsolutePath().toFile())
                    .redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return "";
            }
            String commit = new String(out, StandardCharsets.UTF_8).trim();
            return commit.matches("[0-9a-f]{40,64}") ? commit : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
