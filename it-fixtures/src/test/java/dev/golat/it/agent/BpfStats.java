// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.agent;

import dev.golat.it.MiniJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel's BPF statistics ({@code kernel.bpf_stats_enabled=1}: every program run timed, {@code run_cnt} and
 * {@code run_time_ns} in {@code bpftool prog show --json}), switched on for a block and restored after it, and read
 * for the programs one agent holds: the benchmarks' ns per hit, as the kernel times them.
 */
final class BpfStats implements AutoCloseable {
    private static final Path SYSCTL = Path.of("/proc/sys/kernel/bpf_stats_enabled");
    private static final Pattern NAME = Pattern.compile("\"name\":\"(\\w+)\"");

    /** One program's totals since it was loaded. */
    record Program(long runCnt, long runTimeNs) {
        double nsPerHit() {
            return (double) runTimeNs / runCnt;
        }
    }

    private final String before;

    private BpfStats(String before) {
        this.before = before;
    }

    /** Switches the statistics on until {@link #close()}, which restores the value they had. */
    static BpfStats on() throws IOException {
        String before = Files.readString(SYSCTL).strip();
        Files.writeString(SYSCTL, "1");
        return new BpfStats(before);
    }

    /** Program name to its totals, for each program {@code agentPid} holds that the kernel has timed. */
    static Map<String, Program> of(long agentPid) throws IOException, InterruptedException {
        Map<String, Program> byName = new LinkedHashMap<>();
        for (int id : BpfObjects.heldBy(agentPid).progs()) {
            String json = BpfObjects.bpftool("prog", "show", "id", String.valueOf(id), "--json");
            Matcher name = NAME.matcher(json);
            if (name.find() && json.contains("\"run_cnt\"")) {
                byName.put(name.group(1),
                        new Program(MiniJson.number(json, "run_cnt"), MiniJson.number(json, "run_time_ns")));
            }
        }
        return byName;
    }

    /** The golat-agent this JVM started (one at a time in the benchmarks). */
    static long agentPid() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().orElse("").endsWith("/golat-agent")).findFirst().orElseThrow().pid();
    }

    @Override
    public void close() throws IOException {
        Files.writeString(SYSCTL, before);
    }
}
