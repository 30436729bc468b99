// SPDX-License-Identifier: Apache-2.0
package dev.golat.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectExecResponse;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link ExecStream} over docker-java: exec create + start with stdin attached, frames demultiplexed. */
final class DockerExecStream implements ExecStream {
    private static final Logger log = LoggerFactory.getLogger(DockerExecStream.class);
    /** After closing stdin: time to exit on a "quit" line sent before close (EOF never arrives, see ExecStream). */
    private static final Duration QUIT_GRACE = Duration.ofMillis(100);
    /** After SIGTERM: time to clean up (the agent detaches its probes), before SIGKILL. */
    private static final Duration TERM_GRACE = Duration.ofSeconds(2);

    private final DockerClient docker;
    private final String execId;
    private final String description;
    private final long containerHostPid;
    private final BytePipe stdin = new BytePipe();
    private final BytePipe stdout = new BytePipe();
    private final LogTail stderr = new LogTail(50);
    private final ResultCallback.Adapter<Frame> callback;
    private volatile long hostPid;
    private boolean closed;

    DockerExecStream(DockerClient docker, String containerId, long containerHostPid, String... command) {
        this.docker = docker;
        this.containerHostPid = containerHostPid;
        this.description = String.join(" ", command);
        this.execId = docker.execCreateCmd(containerId)
                .withAttachStdin(true)
                .withAttachStdout(true)
                .withAttachStderr(true)
                .withCmd(command)
                .exec()
                .getId();
        this.callback = docker.execStartCmd(execId)
                .withStdIn(stdin.inputStream())
                .exec(new ResultCallback.Adapter<>() {
                    @Override
                    public void onNext(Frame frame) {
                        if (frame.getStreamType() == StreamType.STDERR) {
                            stderr.append(0, frame.getPayload());
                        } else {
                            try {
                                stdout.write(frame.getPayload(), 0, frame.getPayload().length);
                            } catch (IOException e) {
                                log.debug("exec {}: stdout dropped", description, e);
                            }
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        log.debug("exec {}: stream failed", description, t);
                        ended();
                        super.onError(t);
                    }

                    @Override
                    public void onComplete() {
                        ended();
                        super.onComplete();
                    }
                });
        try {
            callback.awaitStarted();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void ended() {
        stdout.closeWrite();
        stderr.flush();
    }

    @Override
    public OutputStream stdin() {
        return stdin.outputStream();
    }

    @Override
    public InputStream stdout() {
        return stdout.inputStream();
    }

    @Override
    public List<String> stderrTail() {
        return stderr.lines();
    }

    /** Docker fills in the pid a moment after the exec starts: poll for up to 2 s. */
    @Override
    public long hostPid() {
        if (hostPid == 0) {
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (hostPid == 0 && System.nanoTime() - deadline < 0) {
                InspectExecResponse r = inspect().orElse(null);
                if (r != null && r.getPidLong() != null && r.getPidLong() > 0) {
                    hostPid = r.getPidLong();
                } else if (r == null || r.getExitCodeLong() != null && !Boolean.TRUE.equals(r.isRunning())) {
                    break;
                } else {
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
        }
        return hostPid;
    }

    @Override
    public OptionalLong exitCode() {
        return inspect()
                .filter(r -> !Boolean.TRUE.equals(r.isRunning()) && r.getExitCodeLong() != null)
                .map(r -> OptionalLong.of(r.getExitCodeLong()))
                .orElse(OptionalLong.empty());
    }

    @Override
    public OptionalLong awaitExit(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            OptionalLong code = exitCode();
            if (code.isPresent() || System.nanoTime() - deadline > 0) {
                return code;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return exitCode();
            }
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        hostPid(); // while it runs: Docker may forget the pid of an exec that has ended
        stdin.closeWrite();
        OptionalLong code = awaitExit(QUIT_GRACE);
        String how = "by itself";
        if (code.isEmpty() && HostProcesses.signal(hostPid(), containerHostPid, false)) {
            how = "after SIGTERM";
            code = awaitExit(TERM_GRACE);
            if (code.isEmpty()) {
                how = "after SIGKILL";
                HostProcesses.signal(hostPid(), containerHostPid, true);
                code = awaitExit(TERM_GRACE);
            }
        } else if (code.isEmpty()) {
            // Not ours to signal (a remote daemon, or a pid that is not the container's): the quit line already sent
            // ends it; if it does not, stopping the container does.
            how = "without a signal";
            code = awaitExit(TERM_GRACE);
        }
        if (code.isPresent()) {
            log.debug("{} ended {}: exit code {}", this, how, code.getAsLong());
        } else {
            log.debug("{} still runs {}: it ends with its container", this, how);
        }
        try {
            callback.close();
        } catch (IOException e) {
            log.debug("exec {}: closing the stream", description, e);
        }
        ended();
    }

    private java.util.Optional<InspectExecResponse> inspect() {
        try {
            return java.util.Optional.of(docker.inspectExecCmd(execId).exec());
        } catch (RuntimeException e) {
            log.debug("exec {}: inspect failed", description, e);
            return java.util.Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "exec[" + description + ", host pid " + hostPid + "]";
    }
}
