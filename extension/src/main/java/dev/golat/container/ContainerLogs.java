// SPDX-License-Identifier: Apache-2.0
package dev.golat.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The last lines of a container's log ({@code docker logs --tail N}), stdout and stderr interleaved. */
final class ContainerLogs {
    private ContainerLogs() {}

    static List<String> tail(DockerClient docker, String containerId, int lines) {
        LogTail tail = new LogTail(lines);
        ResultCallback.Adapter<Frame> callback = docker.logContainerCmd(containerId)
                .withStdOut(true)
                .withStdErr(true)
                .withTail(lines)
                .exec(new ResultCallback.Adapter<>() {
                    @Override
                    public void onNext(Frame frame) {
                        tail.append(frame.getStreamType() == com.github.dockerjava.api.model.StreamType.STDERR ? 1 : 0,
                                frame.getPayload());
                    }
                });
        try {
            callback.awaitCompletion(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tail.flush();
        return tail.lines();
    }
}
