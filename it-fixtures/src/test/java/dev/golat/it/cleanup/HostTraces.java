// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.cleanup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a golat test leaves on the host, seen with the host's own tools: {@code docker ps}, {@code pgrep},
 * {@code /proc/<pid>/fdinfo} and {@code bpftool}. Other golat tests may run on the same host at the same
 * time, so everything is scoped: agents by the PID namespace of the service's container, BPF programs and
 * links by the ids the agent held open.
 */
public final class HostTraces {
    private static final Pattern PROG_LINE = Pattern.compile("^(\\d+): \\S+\\s+name (\\S+)", Pattern.MULTILINE);
    private static final Pattern LINK_LINE = Pattern.compile("^(\\d+): [^\\n]*?\\bprog (\\d+)", Pattern.MULTILINE);
    private static final Pattern FDINFO_ID = Pattern.compile("^(prog_id|link_id):\\s+(\\d+)$", Pattern.MULTILINE);

    private HostTraces() {}

    /** What one agent held while it traced. */
    public record Agent(long pid, String pidNamespace, Set<Long> progIds, Set<Long> linkIds) {}

    /** Container ids (short) carrying {@code dev.golat.session=<session>}, in any state. */
    public static List<String> sessionContainers(String session) {
        String out = run("docker", "ps", "-aq", "--filter", "label=dev.golat.session=" + session);
        return out.isEmpty() ? List.of() : List.of(out.split("\\s+"));
    }

    public static String sessionOf(String containerId) {
        return run("docker", "inspect", "-f", "{{index .Config.Labels \"dev.golat.session\"}}", containerId);
    }

    public static long initPid(String containerId) {
        return Long.parseLong(run("docker", "inspect", "-f", "{{.State.Pid}}", containerId));
    }

    /** {@code pgrep -f golat-agent}: every agent process on the host, whoever started it. */
    public static List<Long> agentPids() {
        String out = run(List.of("pgrep", "-f", "golat-agent"), true);
        List<Long> pids = new ArrayList<>();
        out.lines().filter(l -> !l.isBlank()).forEach(l -> pids.add(Long.parseLong(l.strip())));
        return pids;
    }

    /** The agents (by {@code pgrep}) that run in the PID namespace {@code ns}. */
    public static List<Long> agentsIn(String ns) {
        return agentPids().stream().filter(p -> pidNamespace(p).filter(ns::equals).isPresent()).toList();
    }

    public static Optional<String> pidNamespace(long pid) {
        try {
            return Optional.of(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "pid")).toString());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The BPF programs and links a process holds open, from {@code /proc/<pid>/fdinfo}. */
    public static Agent agent(long pid) {
        Set<Long> progs = new TreeSet<>();
        Set<Long> links = new TreeSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fdinfo"))) {
            for (Path fd : fds.toList()) {
                String info;
                try {
                    info = Files.readString(fd);
                } catch (IOException e) {
                    continue; // closed meanwhile
                }
                Matcher m = FDINFO_ID.matcher(info);
                while (m.find()) {
                    (m.group(1).equals("prog_id") ? progs : links).add(Long.parseLong(m.group(2)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the fdinfo of pid " + pid, e);
        }
        return new Agent(pid, pidNamespace(pid).orElseThrow(), progs, links);
    }

    /** {@code bpftool prog show}: program id → name (names are cut to 15 characters by the kernel). */
    public static TreeMap<Long, String> bpfPrograms() {
        TreeMap<Long, String> progs = new TreeMap<>();
        Matcher m = PROG_LINE.matcher(run("bpftool", "prog", "show"));
        while (m.find()) {
            progs.put(Long.parseLong(m.group(1)), m.group(2));
        }
        return progs;
    }

    /** {@code bpftool link show}: link id → the id of the program it runs. */
    public static TreeMap<Long, Long> bpfLinks() {
        TreeMap<Long, Long> links = new TreeMap<>();
        Matcher m = LINK_LINE.matcher(run("bpftool", "link", "show"));
        while (m.find()) {
            links.put(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
        }
        return links;
    }

    /** What of {@code agent} is still on the host, one phrase per kind; empty when nothing is. */
    public static List<String> leftovers(Agent agent, String session) {
        List<String> left = new ArrayList<>();
        List<String> containers = sessionContainers(session);
        if (!containers.isEmpty()) {
            left.add("containers of session " + session + ": " + containers);
        }
        left.addAll(probesLeft(agent));
        return left;
    }

    /**
     * Of what {@code agent} held, what the host still has: golat-agent processes in its PID namespace, its BPF
     * programs and links (by id, from {@code bpftool}); empty when all are gone.
     */
    public static List<String> probesLeft(Agent agent) {
        List<String> left = new ArrayList<>();
        List<Long> agents = agentsIn(agent.pidNamespace());
        if (!agents.isEmpty()) {
            left.add("golat-agent processes in " + agent.pidNamespace() + ": " + agents);
        }
        Set<Long> progs = new TreeSet<>(bpfPrograms().keySet());
        progs.retainAll(agent.progIds());
        if (!progs.isEmpty()) {
            left.add("BPF programs " + progs);
        }
        Set<Long> links = new TreeSet<>(bpfLinks().keySet());
        links.retainAll(agent.linkIds());
        if (!links.isEmpty()) {
            left.add("BPF links " + links);
        }
        return left;
    }

    /** Polls {@link #leftovers} until it is empty or {@code seconds} pass; the last answer. */
    public static List<String> awaitGone(Agent agent, String session, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<String> left = leftovers(agent, session);
        while (!left.isEmpty() && System.nanoTime() - deadline < 0) {
            Thread.sleep(100);
            left = leftovers(agent, session);
        }
        return left;
    }

    public static String run(String... command) {
        return run(List.of(command), false);
    }

    /** Runs a host command (bounded to 30 s); its stdout, trimmed. {@code pgrep}'s "no match" (1) is no error. */
    private static String run(List<String> command, boolean exitOneIsEmpty) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command + " did not finish in 30 s");
            }
            if (p.exitValue() == 1 && exitOneIsEmpty) {
                return "";
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(command + " exited with " + p.exitValue() + ": " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
