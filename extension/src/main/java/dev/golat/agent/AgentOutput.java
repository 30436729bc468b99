// SPDX-License-Identifier: Apache-2.0
package dev.golat.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import org.apiguardian.api.API;

/**
 * What the agent prints, pushed in by whatever transport runs it (a host process' reader threads, or a
 * {@code docker exec} frame callback) and pulled line by line by {@link AgentSession}. Thread-safe. stdout is
 * split into lines; of stderr only the last lines are kept, to quote in error messages.
 */
@API(status = API.Status.INTERNAL)
public final class AgentOutput {
    private static final int STDERR_LINES = 40;

    private final Deque<String> lines = new ArrayDeque<>();
    private final Deque<String> stderr = new ArrayDeque<>();
    private final ByteArrayOutputStream partialOut = new ByteArrayOutputStream();
    private final ByteArrayOutputStream partialErr = new ByteArrayOutputStream();
    private boolean ended;

    /** A chunk of the agent's stdout, cut anywhere. */
    public synchronized void acceptStdout(byte[] bytes, int offset, int length) {
        split(bytes, offset, length, partialOut, false);
    }

    /** A chunk of the agent's stderr, cut anywhere. */
    public synchronized void acceptStderr(byte[] bytes, int offset, int length) {
        split(bytes, offset, length, partialErr, true);
    }

    /** The agent's stdout is closed (it exited, or the transport broke). */
    public synchronized void endOfStdout() {
        if (partialOut.size() > 0) {
            lines.add(partialOut.toString(StandardCharsets.UTF_8));
            partialOut.reset();
        }
        ended = true;
        notifyAll();
    }

    /** The last lines the agent wrote to stderr, for error messages ({@code ""} when none). */
    public synchronized String stderrTail() {
        StringBuilder sb = new StringBuilder();
        stderr.forEach(l -> sb.append(l).append('\n'));
        if (partialErr.size() > 0) {
            sb.append(partialErr.toString(StandardCharsets.UTF_8)).append('\n');
        }
        return sb.toString().strip();
    }

    /** The next stdout line; {@code null} at end of stream; throws on timeout. */
    synchronized String nextLine(long timeout, TimeUnit unit, String waitingFor) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (lines.isEmpty() && !ended) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AgentException("SESSION", "golat-agent did not answer " + waitingFor + " within "
                        + unit.toMillis(timeout) + " ms" + stderrSuffix());
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return lines.poll();
    }

    String stderrSuffix() {
        String tail = stderrTail();
        return tail.isEmpty() ? "" : "; agent stderr:\n" + tail;
    }

    private void split(byte[] bytes, int offset, int length, ByteArrayOutputStream partial, boolean err) {
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (b != '\n') {
                partial.write(b);
                continue;
            }
            String line = partial.toString(StandardCharsets.UTF_8);
            partial.reset();
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (err) {
                stderr.add(line);
                if (stderr.size() > STDERR_LINES) {
                    stderr.poll();
                }
            } else {
                lines.add(line);
            }
        }
        if (!err) {
            notifyAll();
        }
    }

    /** Feeds this output from the agent's stdout on a daemon thread, until it ends (then {@link #endOfStdout()}). */
    public void readStdoutFrom(InputStream in, String threadName) {
        pump(in, this::acceptStdout, true, threadName);
    }

    /** Feeds the stderr tail from the agent's stderr on a daemon thread. */
    public void readStderrFrom(InputStream in, String threadName) {
        pump(in, this::acceptStderr, false, threadName);
    }

    private interface Sink {
        void accept(byte[] b, int off, int len);
    }

    private void pump(InputStream in, Sink sink, boolean isStdout, String threadName) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (in) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    sink.accept(buf, 0, n);
                }
            } catch (IOException e) {
                // The agent or its transport is gone: end of stream below.
            } finally {
                if (isStdout) {
                    endOfStdout();
                }
            }
        }, threadName);
        t.setDaemon(true);
        t.start();
    }
}
