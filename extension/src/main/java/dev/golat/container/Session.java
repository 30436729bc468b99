// SPDX-License-Identifier: Apache-2.0
package dev.golat.container;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * One golat session per JVM: the labels put on every container and image golat creates, and the reaper
 * that removes them when this JVM dies, even by SIGKILL.
 *
 * <p>Ryuk (Testcontainers' reaper container) needs a registry, which test machines often lack, and a
 * shutdown hook does not run on SIGKILL. So the reaper is a host child process, {@code sh}, whose stdin
 * is a pipe from this JVM: it blocks in {@code cat} until the pipe closes, which the kernel does when
 * this JVM exits for any reason, then removes everything labelled with this session. It ignores SIGINT
 * and SIGHUP so that Ctrl-C on the terminal (sent to the whole process group) cannot kill it before it
 * has cleaned up. Without a {@code docker} CLI on the host, a shutdown hook does the same job, and a
 * SIGKILL then leaves the containers behind (remove them with {@code docker rm -f $(docker ps -aq
 * --filter label=dev.golat=true)}).
 */
final class Session {
    private static final Logger log = LoggerFactory.getLogger(Session.class);

    static final String LABEL = "dev.golat";
    static final String SESSION_LABEL = "dev.golat.session";
    static final String ID = UUID.randomUUID().toString();

    private static volatile boolean started;
    private static Process reaper;
    private static OutputStream lifeline;

    private Session() {}

    static Map<String, String> labels() {
        return Map.of(LABEL, "true", SESSION_LABEL, ID);
    }

    /** Starts the reaper once per JVM; later calls do nothing. */
    static void ensureReaper() {
        if (started) {
            return;
        }
        synchronized (Session.class) {
            if (started) {
                return;
            }
            started = true;
            String docker = findOnPath("docker");
            if (docker == null) {
                log.debug("no docker CLI on PATH: golat falls back to a shutdown hook; a SIGKILLed JVM leaves "
                        + "containers labelled {}={} behind", SESSION_LABEL, ID);
                Runtime.getRuntime().addShutdownHook(new Thread(Session::removeAllWithClient, "golat-cleanup"));
                return;
            }
            try {
                ProcessBuilder pb = new ProcessBuilder("sh", "-c", script(docker))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD);
                dockerHost().ifPresent(h -> pb.environment().put("DOCKER_HOST", h));
                reaper = pb.start();
                lifeline = reaper.getOutputStream();
                log.debug("golat reaper pid {} watches session {}", reaper.pid(), ID);
            } catch (IOException e) {
                log.debug("cannot start the golat reaper ({}): using a shutdown hook", e.toString());
                Runtime.getRuntime().addShutdownHook(new Thread(Session::removeAllWithClient, "golat-cleanup"));
            }
        }
    }

    /** The reaper's pid, or -1 when the shutdown hook is used instead. For tests. */
    static synchronized long reaperPid() {
        return reaper == null ? -1 : reaper.pid();
    }

    static String script(String docker) {
        String filter = "--filter label=" + SESSION_LABEL + "=" + ID;
        String d = shellQuote(docker);
        return "trap '' INT HUP; cat >/dev/null; "
                + "c=$(" + d + " ps -aq " + filter + "); [ -z \"$c\" ] || " + d + " rm -f -v $c; "
                + "i=$(" + d + " images -q " + filter + " | sort -u); [ -z \"$i\" ] || " + d + " rmi -f $i";
    }

    private static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static java.util.Optional<String> dockerHost() {
        try {
            URI host = DockerClientFactory.instance().getTransportConfig().getDockerHost();
            return java.util.Optional.ofNullable(host).map(URI::toString);
        } catch (RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    private static String findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            File f = new File(dir, name);
            if (f.isFile() && f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        return null;
    }

    private static void removeAllWithClient() {
        try {
            var client = DockerClientFactory.instance().client();
            client.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(SESSION_LABEL, ID)).exec()
                    .forEach(c -> client.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec());
            client.listImagesCmd().withLabelFilter(Map.of(SESSION_LABEL, ID)).exec()
                    .forEach(i -> client.removeImageCmd(i.getId()).withForce(true).exec());
        } catch (RuntimeException e) {
            log.debug("golat cleanup failed", e);
        }
    }

    /** For tests: the labels as {@code docker ps --filter} arguments. */
    static List<String> filterArgs() {
        return List.of("--filter", "label=" + SESSION_LABEL + "=" + ID);
    }
}
