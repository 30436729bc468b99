// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.remote;

import dev.golat.it.StmtClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A second Docker daemon that is "remote" to this JVM: in its own pid namespace ({@code unshare --pid --fork
 * --mount-proc}) and mount namespace, with its own containerd (the host's {@code /run/containerd} is hidden under a
 * tmpfs, or dockerd would share the host's), data root, exec root and pidfile under {@code root}, listening on
 * {@code tcp://127.0.0.1:PORT} only, with no bridge and no iptables rules (as {@code scripts/bootstrap} starts the
 * main daemon). The pids it reports are pids of its namespace: here they name unrelated processes.
 *
 * <p>{@link #close()} stops it (SIGTERM to dockerd, SIGKILL to the namespace after 20 s) and deletes {@code root}; a
 * JVM that dies without closing it stops it too (its stdin is the lifeline), and the next start deletes the folder.
 */
final class SecondDockerDaemon implements AutoCloseable {
    private final Path root;
    private final int port;
    private final Process unshare;

    private SecondDockerDaemon(Path root, int port, Process unshare) {
        this.root = root;
        this.port = port;
        this.unshare = unshare;
    }

    /** Starts it and waits until {@code /_ping} answers; on failure, stops what started and says why. */
    static SecondDockerDaemon start(Path root) throws IOException, InterruptedException {
        delete(root); // a run killed before close() leaves its folder, never its mounts (they die with the namespace)
        Files.createDirectories(root.resolve("data"));
        Files.createDirectories(root.resolve("exec"));
        Files.writeString(root.resolve("daemon.json"), "{}\n");
        int port = StmtClient.freePort();
        String dockerd = String.join(" ", List.of("dockerd",
                "--config-file", root.resolve("daemon.json").toString(),
                "--data-root", root.resolve("data").toString(),
                "--exec-root", root.resolve("exec").toString(),
                "--pidfile", root.resolve("docker.pid").toString(),
                "-H", "tcp://127.0.0.1:" + port,
                "--bridge=none", "--iptables=false", "--ip6tables=false"));
        Process p = new ProcessBuilder("unshare", "--pid", "--fork", "--mount-proc", "--kill-child", "sh", "-c",
                // The shell is the namespace's init; it stops dockerd when its stdin, a pipe from this JVM, closes:
                // in close(), or when this JVM dies in any way. Then the namespace, and all in it, ends.
                "if [ -d /run/containerd ]; then mount -t tmpfs golat-second-containerd /run/containerd; fi; "
                        + dockerd + " </dev/null & d=$!; cat >/dev/null; kill -TERM $d; wait $d")
                .redirectErrorStream(true)
                .redirectOutput(root.resolve("dockerd.log").toFile())
                .start();
        SecondDockerDaemon d = new SecondDockerDaemon(root, port, p);
        try {
            d.awaitPing(Duration.ofSeconds(30));
            return d;
        } catch (IOException | RuntimeException | InterruptedException e) {
            String log = d.logTail();
            d.close();
            throw new IllegalStateException("the second dockerd did not answer on 127.0.0.1:" + port + ": " + e
                    + "\n" + log, e);
        }
    }

    /** {@code tcp://127.0.0.1:PORT}, for DOCKER_HOST. */
    String host() {
        return "tcp://127.0.0.1:" + port;
    }

    /** The {@code docker} CLI against this daemon: its output, or the failure with it. */
    String docker(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("docker", "-H", host()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(root.resolve("dockerd.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no dockerd log: " + e.getMessage() + ")";
        }
    }

    private void awaitPing(Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest ping = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/_ping"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!unshare.isAlive()) {
                throw new IllegalStateException("dockerd exited with " + unshare.exitValue());
            }
            try {
                if (http.send(ping, HttpResponse.BodyHandlers.ofString()).body().equals("OK")) {
                    return;
                }
            } catch (IOException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw e;
                }
            }
            Thread.sleep(100);
        }
    }

    /** Closes the lifeline (dockerd gets SIGTERM), SIGKILL to the whole namespace after 20 s; then {@code root} goes. */
    @Override
    public void close() {
        try {
            try {
                unshare.getOutputStream().close();
            } catch (IOException e) {
                // already closed: the shell has seen EOF
            }
            if (!unshare.waitFor(20, TimeUnit.SECONDS)) {
                unshare.destroyForcibly(); // --kill-child: dockerd gets SIGKILL, and with it every process of the namespace
                unshare.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            unshare.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            delete(root);
        }
    }

    private static void delete(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the second daemon's folder " + root + ": " + e.getMessage(), e);
        }
    }
}
