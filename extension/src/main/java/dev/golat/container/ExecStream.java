// SPDX-License-Identifier: Apache-2.0
package dev.golat.container;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.apiguardian.api.API;

/**
 * A process started with {@code docker exec} inside a running {@link GoContainer}, with its standard
 * streams attached: write to {@link #stdin()}, read {@link #stdout()} as the bytes arrive (wrap it in a
 * {@code BufferedReader} to read lines), and look at the last lines of stderr for error messages.
 *
 * <p>Docker's exec API cannot signal a process and docker-java never half-closes the connection, so the
 * process does <em>not</em> see end of file when {@link #stdin()} is closed (docker-java issue #1552).
 * {@link #close()} therefore closes stdin, waits 100 ms, then sends SIGTERM, waits up to 2 s, then SIGKILL to the
 * process through its host pid (the daemon reports it; this works when the daemon runs on this host and
 * we may signal its processes, e.g. as root). A protocol that wants a clean exit should send its own
 * "quit" line first.
 */
@API(status = API.Status.INTERNAL)
public interface ExecStream extends AutoCloseable {

    /** The process's standard input. Flush after writing a line. */
    OutputStream stdin();

    /** The process's standard output, fed as Docker delivers it; end of stream when the process ends. */
    InputStream stdout();

    /** The last lines the process wrote to standard error (at most 50), oldest first. */
    List<String> stderrTail();

    /** The exit code once the process has ended; empty while it runs. */
    OptionalLong exitCode();

    /** Waits up to {@code timeout} for the process to end; its exit code if it did. */
    OptionalLong awaitExit(Duration timeout);

    /** The process's pid on the Docker host (from {@code docker exec inspect}), or 0 if unknown. */
    long hostPid();

    /** Closes stdin, waits briefly, then terminates the process if it still runs. Idempotent. */
    @Override
    void close();
}
