// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * BPF programs and links as the kernel lists them ({@code bpftool prog/link show}), and the ones a process holds
 * (its {@code /proc/PID/fdinfo}: {@code prog_id:} and {@code link_id:}), so a test sees exactly one agent's objects
 * even while other golat agents run on the machine.
 */
final class BpfObjects {
    private static final Pattern ID = Pattern.compile("^(\\d+): ", Pattern.MULTILINE);
    private static final Pattern PROG = Pattern.compile("^(\\d+): \\w+\\s+name (\\S+)", Pattern.MULTILINE);

    private BpfObjects() {}

    record Held(Set<Integer> progs, Set<Integer> links) {}

    /** The programs and links process {@code pid} holds file descriptors of. */
    static Held heldBy(long pid) throws IOException {
        Set<Integer> progs = new TreeSet<>();
        Set<Integer> links = new TreeSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fdinfo"))) {
            for (Path fd : fds.toList()) {
                String info;
                try {
                    info = Files.readString(fd);
                } catch (IOException e) {
                    continue; // closed meanwhile
                }
                Matcher link = Pattern.compile("^link_id:\\s+(\\d+)", Pattern.MULTILINE).matcher(info);
                Matcher prog = Pattern.compile("^prog_id:\\s+(\\d+)", Pattern.MULTILINE).matcher(info);
                if (link.find()) {
                    links.add(Integer.parseInt(link.group(1)));
                } else if (prog.find()) {
                    progs.add(Integer.parseInt(prog.group(1)));
                }
            }
        }
        return new Held(progs, links);
    }

    /** Names of the loaded programs with these ids ({@code bpftool prog show}). */
    static List<String> programNames(Set<Integer> ids) throws IOException, InterruptedException {
        List<String> names = new ArrayList<>();
        Matcher m = PROG.matcher(bpftool("prog", "show"));
        while (m.find()) {
            if (ids.contains(Integer.parseInt(m.group(1)))) {
                names.add(m.group(2));
            }
        }
        return names;
    }

    /** Which of these ids the kernel still lists ({@code bpftool prog show} or {@code bpftool link show}). */
    static Set<Integer> stillListed(String kind, Set<Integer> ids) throws IOException, InterruptedException {
        Set<Integer> listed = new TreeSet<>();
        Matcher m = ID.matcher(bpftool(kind, "show"));
        while (m.find()) {
            int id = Integer.parseInt(m.group(1));
            if (ids.contains(id)) {
                listed.add(id);
            }
        }
        return listed;
    }

    /** Waits (the kernel frees programs after an RCU grace period) until none of the ids is listed. */
    static Set<Integer> awaitGone(String kind, Set<Integer> ids) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Set<Integer> left = stillListed(kind, ids);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            left = stillListed(kind, ids);
        }
        return left;
    }

    /** Runs bpftool; its output, or an exception with it when bpftool fails or takes over 30 s. */
    static String bpftool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bpftool"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("bpftool " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }
}
