// SPDX-License-Identifier: Apache-2.0
package dev.golat.container;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Capability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.StartupCheckStrategy;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * A Go service in a container, ready to be traced: the Go binary is PID 1, readable on the host before
 * the container starts ({@link #hostBinary()}), and the container gets the capabilities the golat agent
 * needs ({@link #grantedCapabilities()}).
 *
 * <pre>{@code
 * GoContainer server = GoContainer.fromBinary(Path.of("target/bin/stmtserver"))
 *         .withArgs("-addr", "127.0.0.1:7070")
 *         .withHostNetwork()
 *         .waitingForLogLine("listening on");
 * }</pre>
 *
 * <p>Startup waits for the process to run and, if asked, for a log line or an open port, polling every
 * 20 ms; it never runs a shell in the container. A service that exits during startup fails with its exit
 * code and last log lines. Every container and image golat creates carries the labels {@code
 * dev.golat=true} and {@code dev.golat.session=<one id per JVM>}, and a host reaper process removes them
 * when the JVM dies, even by SIGKILL.
 */
public class GoContainer extends GenericContainer<GoContainer> {
    /** Where {@link #fromBinary(Path)} puts the binary, followed by its file name. */
    public static final String APP_DIR = "/app/";
    /** Where {@link #copyAgent(byte[])} puts the agent. */
    static final String AGENT_PATH = "/golat-agent";

    private static final int TAIL_LINES = 20;

    private final String serviceName;
    private final String binaryInContainer;
    private final BinarySource hostBinary;
    private final LogTail logTail = new LogTail(200);
    private List<String> args;
    private Pattern logLine;
    private Integer port;
    private boolean hostNetwork;
    private boolean privileged;
    private List<String> explicitCapabilities; // null: golat chooses (Privileges)
    private volatile List<String> granted = List.of();
    private volatile String privilegeReason = "not started";

    /** Where the host copy of the binary comes from. */
    @FunctionalInterface
    interface BinarySource {
        Path get(GoContainer container);
    }

    GoContainer(Future<String> image, String binaryInContainer, BinarySource hostBinary) {
        super(image);
        this.binaryInContainer = binaryInContainer;
        this.serviceName = Path.of(binaryInContainer).getFileName().toString();
        this.hostBinary = memoize(hostBinary);
        init();
    }

    GoContainer(DockerImageName image, String binaryInContainer, BinarySource hostBinary) {
        super(image);
        this.binaryInContainer = binaryInContainer;
        this.serviceName = Path.of(binaryInContainer).getFileName().toString();
        this.hostBinary = memoize(hostBinary);
        init();
    }

    private void init() {
        TestcontainersDefaults.beforeFirstUse();
        withLabels(Session.labels());
        withLogConsumer(logTail::accept);
        withStartupCheckStrategy(new NoStartupCheck());
        waitingFor(new ServiceWait(this));
        withCreateContainerCmdModifier(this::applyGolatSettings);
    }

    /**
     * A container that holds only {@code binary} at {@code /app/<file name>}, in an image built {@code FROM scratch}
     * (nothing is pulled) and deleted when the JVM exits. A dynamically linked binary (cgo, every Debian-packaged Go
     * server) gets its interpreter and libraries from this host, found as the loader would find them.
     *
     * @throws GoContainerException when the file is missing, is not an amd64 ELF executable, or needs a library this
     *     host lacks (the message names it and the ways out)
     */
    public static GoContainer fromBinary(Path binary) {
        Path file = binary.toAbsolutePath().normalize();
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new GoContainerException("no readable Go binary at " + file
                    + ": build it first (go build -o " + file + ") or fix the path");
        }
        String name = GoImages.safeName(file.getFileName().toString());
        String inContainer = APP_DIR + name;
        SharedLibraries.Resolution loader = SharedLibraries.host().resolve(file, inContainer);
        if (!loader.complete()) {
            throw new GoContainerException(SharedLibraries.missingMessage(file, inContainer, loader));
        }
        return new GoContainer(GoImages.scratch(file, name, inContainer, loader.files()), inContainer, c -> file);
    }

    /**
     * A container from an existing local image; {@code binaryPathInImage} is the Go binary it runs (it
     * becomes the entrypoint). The binary is copied out of the image, without starting it, for {@link
     * #hostBinary()}.
     */
    public static GoContainer fromImage(String image, String binaryPathInImage) {
        requireAbsolute(binaryPathInImage);
        return new GoContainer(DockerImageName.parse(image), binaryPathInImage, GoContainer::copyBinaryOut);
    }

    /**
     * A container from an image built from {@code contextDir} (which holds the {@code Dockerfile}) and
     * deleted when the JVM exits; {@code binaryPathInImage} is the Go binary it runs.
     */
    public static GoContainer fromDockerfile(Path contextDir, String binaryPathInImage) {
        requireAbsolute(binaryPathInImage);
        Path dir = contextDir.toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve("Dockerfile"))) {
            throw new GoContainerException("no Dockerfile in " + dir + ": give the folder that holds the Dockerfile");
        }
        String name = GoImages.safeName(Path.of(binaryPathInImage).getFileName().toString());
        return new GoContainer(GoImages.context(dir, name), binaryPathInImage, GoContainer::copyBinaryOut);
    }

    /** Command-line arguments for the Go binary (the entrypoint). */
    public GoContainer withArgs(String... args) {
        this.args = List.of(args);
        return self();
    }

    /** Startup also waits for a stdout or stderr line in which {@code regex} is found. */
    public GoContainer waitingForLogLine(String regex) {
        this.logLine = Pattern.compile(regex);
        logTail.await(logLine);
        return self();
    }

    /**
     * Startup also waits until the service accepts TCP connections on {@code port}: on 127.0.0.1 with
     * {@link #withHostNetwork()}, else on the port Docker maps it to (the port is exposed for you).
     */
    public GoContainer waitingForPort(int port) {
        this.port = port;
        return self();
    }

    /** Shares the host's network: the service binds 127.0.0.1 ports that the test reaches directly. */
    public GoContainer withHostNetwork() {
        this.hostNetwork = true;
        return withNetworkMode("host");
    }

    /** Runs with {@code --privileged} instead of the least capabilities. Only when nothing else works. */
    public GoContainer withPrivileged() {
        this.privileged = true;
        this.explicitCapabilities = null;
        return withPrivilegedMode(true);
    }

    /**
     * Adds exactly these capabilities ({@code --cap-add}) instead of the ones golat would choose, e.g.
     * {@code withCapabilities("BPF", "PERFMON")} or {@code withCapabilities("SYS_ADMIN")}; Docker's names, a
     * {@code CAP_} prefix is accepted. With none, the container keeps Docker's default capabilities, with which
     * the agent cannot load BPF programs unless the host grants them another way. Replaces
     * {@link #withPrivileged()}; the last of the two calls wins.
     *
     * @throws GoContainerException naming a capability Docker does not know
     */
    public GoContainer withCapabilities(String... capabilities) {
        this.explicitCapabilities = Privileges.explicit(serviceName, capabilities);
        this.privileged = false;
        return withPrivilegedMode(false);
    }

    /** Whether Docker answers here. For tests that should be disabled rather than fail without Docker. */
    public static boolean dockerAvailable() {
        return DockerAccess.available();
    }

    /** The Go binary, readable on the host before the container starts (copied out of images). */
    public Path hostBinary() {
        return hostBinary.get(this);
    }

    /** The Go binary's path inside the container, e.g. {@code /app/stmtserver}. */
    public String binaryPathInContainer() {
        return binaryInContainer;
    }

    /** The service's short name for messages: the binary's file name. */
    public String serviceName() {
        return serviceName;
    }

    /**
     * The capabilities added to the container, e.g. {@code [SYS_ADMIN]} or {@code [BPF, PERFMON]};
     * {@code [privileged]} after {@link #withPrivileged()}; empty before {@link #start()} and after
     * {@code withCapabilities()} with none (Docker's defaults).
     */
    public List<String> grantedCapabilities() {
        return granted;
    }

    /** Why {@link #grantedCapabilities()} are what they are, e.g. {@code "Docker 20.10.24 < 23: ..."}. */
    public String privilegeReason() {
        return privilegeReason;
    }

    /** The service's pid inside the container: it is the entrypoint, so 1. */
    long servicePid() {
        return 1;
    }

    /**
     * The service's pid on the Docker host ({@code State.Pid} of {@code docker inspect}). With a daemon that is not
     * reached through a local socket ({@code DOCKER_HOST=tcp://...}) it is a pid of that host or namespace, not of this one.
     */
    public long hostPid() {
        requireStarted("hostPid()");
        Long pid = getDockerClient().inspectContainerCmd(getContainerId()).exec().getState().getPidLong();
        return pid == null ? 0 : pid;
    }

    /** The container's state now ({@code docker inspect}), or {@code null} when Docker cannot say. */
    InspectContainerResponse.ContainerState state() {
        try {
            return getDockerClient().inspectContainerCmd(getContainerId()).exec().getState();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Copies the agent executable to {@value #AGENT_PATH} (mode 0755) in the running container. */
    String copyAgent(byte[] agentBinary) {
        requireStarted("copyAgent");
        copyFileToContainer(Transferable.of(agentBinary, 0755), AGENT_PATH);
        return AGENT_PATH;
    }

    /** Starts {@code command} in the running container with stdin, stdout and stderr attached. */
    ExecStream exec(String... command) {
        requireStarted("exec");
        return new DockerExecStream(getDockerClient(), getContainerId(), hostPid(), command);
    }

    @Override
    public void start() {
        DockerAccess.require();
        Session.ensureReaper();
        try {
            super.start();
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof GoContainerException g) {
                    throw new GoContainerException(g.getMessage(), e);
                }
            }
            throw new GoContainerException("could not start service " + serviceName + " (image "
                    + safeImageName() + ", capabilities " + granted + "): " + rootMessage(e), e);
        }
    }

    @Override
    protected void configure() {
        if (port != null && !hostNetwork) {
            addExposedPort(port);
        }
        if (privileged) {
            granted = List.of("privileged");
            privilegeReason = "withPrivileged() was asked";
        } else if (explicitCapabilities != null) {
            granted = explicitCapabilities;
            privilegeReason = Privileges.explicitReason(explicitCapabilities);
        } else {
            Privileges.Choice choice = Privileges.choose(getDockerClient(), getDockerImageName(), binaryInContainer);
            granted = choice.capabilities();
            privilegeReason = choice.reason();
        }
        logger().debug("service {}: capabilities {} ({})", serviceName, granted, privilegeReason);
    }

    private void applyGolatSettings(CreateContainerCmd cmd) {
        cmd.withEntrypoint(binaryInContainer);
        if (args != null) {
            cmd.withCmd(args);
        } else if (cmd.getCmd() == null || cmd.getCmd().length == 0) {
            cmd.withCmd(defaultArgs()); // withCommand(...) from GenericContainer still wins when used
        }
        if (!privileged) {
            List<Capability> caps = new ArrayList<>();
            Capability[] existing = cmd.getHostConfig().getCapAdd();
            if (existing != null) {
                caps.addAll(Arrays.asList(existing));
            }
            granted.stream().map(Capability::valueOf).filter(c -> !caps.contains(c)).forEach(caps::add);
            cmd.getHostConfig().withCapAdd(caps.toArray(Capability[]::new));
        }
    }

    /** The image's own arguments when its entrypoint already is the binary (Docker drops them otherwise). */
    private List<String> defaultArgs() {
        var config = getDockerClient().inspectImageCmd(getDockerImageName()).exec().getConfig();
        if (config == null || config.getEntrypoint() == null || config.getCmd() == null) {
            return List.of();
        }
        String[] entrypoint = config.getEntrypoint();
        return entrypoint.length == 1 && entrypoint[0].equals(binaryInContainer) ? List.of(config.getCmd()) : List.of();
    }

    @Override
    protected void containerIsStarted(InspectContainerResponse containerInfo) {
        logger().debug("service {} runs as host pid {}", serviceName, containerInfo.getState().getPidLong());
    }

    Pattern awaitedLogLine() {
        return logLine;
    }

    Integer awaitedPort() {
        return port;
    }

    boolean usesHostNetwork() {
        return hostNetwork;
    }

    LogTail logTail() {
        return logTail;
    }

    /** The last {@value #TAIL_LINES} lines of the container's log, read from Docker (complete even after exit). */
    List<String> lastLogLines() {
        try {
            return ContainerLogs.tail(getDockerClient(), getContainerId(), TAIL_LINES);
        } catch (RuntimeException e) {
            List<String> lines = logTail.lines();
            return lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
        }
    }

    private void requireStarted(String what) {
        if (getContainerId() == null) {
            throw new GoContainerException(what + " needs a running container: start service " + serviceName + " first");
        }
    }

    private Path copyBinaryOut() {
        DockerAccess.require();
        Session.ensureReaper();
        return ImageBinaries.copyOut(getDockerClient(), getDockerImageName(), binaryInContainer);
    }

    private String safeImageName() {
        try {
            return getDockerImageName();
        } catch (RuntimeException e) {
            return "<unresolved>";
        }
    }

    private static BinarySource memoize(BinarySource source) {
        Path[] cached = new Path[1];
        return c -> {
            synchronized (cached) {
                if (cached[0] == null) {
                    cached[0] = source.get(c);
                }
                return cached[0];
            }
        };
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private static void requireAbsolute(String binaryPathInImage) {
        if (binaryPathInImage == null || !binaryPathInImage.startsWith("/") || binaryPathInImage.endsWith("/")) {
            throw new GoContainerException("binary path in image '" + binaryPathInImage
                    + "' must be the absolute path of the Go binary, e.g. /app/server");
        }
    }

    /** Our {@link ServiceWait} checks the process state itself, without the 1-per-second rate limiter. */
    private static final class NoStartupCheck extends StartupCheckStrategy {
        @Override
        @SuppressWarnings("deprecation")
        public boolean waitUntilStartupSuccessful(GenericContainer<?> container) {
            return true;
        }

        @Override
        public StartupStatus checkStartupState(com.github.dockerjava.api.DockerClient dockerClient, String containerId) {
            return StartupStatus.SUCCESSFUL;
        }
    }
}
