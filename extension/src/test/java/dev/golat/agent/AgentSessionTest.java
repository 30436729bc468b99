// SPDX-License-Identifier: Apache-2.0
package dev.golat.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.golat.plan.EntryKind;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/** The session's side of the conversation, against scripted agent answers (the real agent is in the ITs). */
class AgentSessionTest {
    private static final ProbeSpec PROBE = ProbeSpec.of(0, "main.f", 0x1000, EntryKind.JCC, List.of(), List.of(0x1010L));
    private static final SpanSpec SPAN = new SpanSpec(1, "f-to-g", List.of(0x1000L), List.of(0x2000L),
            List.of(0x1010L));

    @Test
    void should_send_span_lines_before_attach_and_read_spans_among_probes_in_id_order() {
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        AgentOutput out = new AgentOutput();
        feed(out, AgentProtocol.greeting(), "ready probes=1 spans=1 uprobes=4");
        try (AgentSession agent = AgentSession.over(sent, out, () -> { }).timeout(Duration.ofSeconds(1))) {
            agent.start(42, "/proc/42/exe", List.of(PROBE), List.of(SPAN));

            assertThat(sent.toString(StandardCharsets.US_ASCII)).isEqualTo("pid 42\nbinary /proc/42/exe\n"
                    + PROBE.toLine() + "\nspan 1 f-to-g start=1000 end=2000 cancel=1010\nattach\n");

            feed(out, "probe 0 entries=2 returns=2 matched=2 unmatched=0 stale=0 reentries=0 dnr=0 inflight=0 errors=0",
                    "hist 0 100:2",
                    "span 1 started=3 completed=2 notreached=1 unmatched=0 restarts=0 overflow=0 stale=0 inflight=0 errors=0",
                    "hist 1 200:1 300:1", "end");
            List<ProbeSnapshot> s = agent.snapshot();

            assertThat(s).extracting(ProbeSnapshot::id, ProbeSnapshot::function)
                    .containsExactly(Tuple.tuple(0, "main.f"),
                            Tuple.tuple(1, "f-to-g"));
            assertThat(s.get(1).isSpan()).isTrue();
            assertThat(s.get(1).spanCounters()).isEqualTo(new SpanCounters(3, 2, 1, 0, 0, 0, 0, 0, 0));
            assertThat(s.get(0).counters()).isEqualTo(new Counters(2, 2, 2, 0, 0, 0, 0, 0, 0));
            assertThat(s.get(1).totalCount()).isEqualTo(2);
            feed(out, "bye");
        }
    }

    @Test
    void should_refuse_a_span_line_for_an_id_it_attached_as_a_probe() {
        AgentOutput out = new AgentOutput();
        feed(out, AgentProtocol.greeting(), "ready probes=1 spans=0 uprobes=2");
        try (AgentSession agent = AgentSession.over(new ByteArrayOutputStream(), out, () -> { })
                .timeout(Duration.ofSeconds(1))) {
            agent.start(42, "/proc/42/exe", List.of(PROBE), List.of());
            feed(out, "span 0 started=0 completed=0 notreached=0 unmatched=0 restarts=0 overflow=0 stale=0 inflight=0"
                    + " errors=0", "hist 0", "end");

            assertThatThrownBy(agent::snapshot).isInstanceOf(AgentException.class)
                    .hasMessageStartingWith("unexpected golat-agent answer 'span 0 started=0")
                    .hasMessageContaining("expected a span this session attached []");
            feed(out, "bye");
        }
    }

    @Test
    void should_refuse_an_id_used_by_a_probe_and_a_span() {
        AgentOutput out = new AgentOutput();
        out.endOfStdout();
        try (AgentSession agent = AgentSession.over(new ByteArrayOutputStream(), out, () -> { })) {
            SpanSpec clash = new SpanSpec(0, "s", List.of(1L), List.of(2L), List.of());
            assertThatThrownBy(() -> agent.start(42, "/proc/42/exe", List.of(PROBE), List.of(clash)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("probe id 0 used twice (main.f)");
        }
    }

    @Test
    void should_send_the_breakdown_command_before_the_probes_and_read_a_breakdown_after_its_probes_histogram() {
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        AgentOutput out = new AgentOutput();
        feed(out, AgentProtocol.greeting(), "ready probes=1 spans=0 uprobes=9");
        BreakdownSpec hooks = new BreakdownSpec(0x37d60, 0x386e0, 0x38bc0, 184, 160, new int[] {13, 11, 10, 6});
        try (AgentSession agent = AgentSession.over(sent, out, () -> { }).timeout(Duration.ofSeconds(1))) {
            agent.start(42, "/proc/42/exe", List.of(PROBE.withBreakdown(true)), List.of(), hooks);

            assertThat(sent.toString(StandardCharsets.US_ASCII)).isEqualTo("pid 42\nbinary /proc/42/exe\n"
                    + "breakdown casgstatus=37d60 stopworld=386e0 startworld=38bc0 waitreason=184 goid=160 classes=13,11,10,6\n"
                    + PROBE.toLine() + " breakdown=on\nattach\n");

            List<String> lines = new java.util.ArrayList<>(List.of(
                    "probe 0 entries=2 returns=2 matched=2 unmatched=0 stale=0 reentries=0 dnr=0 inflight=0 errors=0",
                    "hist 0 1792:2", "breakdown 0 calls=2 lost=1 errors=0"));
            for (Component c : Component.values()) {
                lines.add("bhist 0 " + c.wireName() + (c == Component.WAIT_SLEEP || c == Component.WAITING
                        ? " 1790:2" : c == Component.RUNNING ? " 100:1 120:1" : " 0:2"));
            }
            lines.add("exemplars 0 n=2");
            String zeros = java.util.Arrays.stream(Component.values()).filter(c -> c != Component.RUNNING
                    && c != Component.WAITING && c != Component.WAIT_SLEEP).map(c -> " " + c.wireName() + "=0")
                    .collect(java.util.stream.Collectors.joining());
            lines.add("exemplar 0 ns=1900 goid=4711 running=120 waiting=1780 sleep=1780" + zeros);
            lines.add("exemplar 0 ns=1800 goid=12 running=100 waiting=1700 sleep=1700" + zeros);
            lines.add("hooks transitions=10 switches=3 stw_ns=0 errors=0");
            lines.add("end");
            feed(out, lines.toArray(String[]::new));
            List<ProbeSnapshot> s = agent.snapshot();

            BreakdownSnapshot b = s.get(0).breakdown().orElseThrow();
            assertThat(b.calls()).isEqualTo(2);
            assertThat(b.lost()).isEqualTo(1);
            assertThat(b.count(Component.OFFCPU)).isEqualTo(2);
            assertThat(b.histogram(Component.RUNNING).getMaxValue()).isEqualTo(120);
            assertThat(b.totalNanos(Component.WAIT_SLEEP)).isEqualTo(2 * Buckets.representative(1790));
            assertThat(b.totalNanos(Component.WAIT_CHAN)).isZero();
            assertThat(b.exemplars()).extracting(ExemplarSnapshot::nanos, ExemplarSnapshot::goroutine)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(1900L, 4711L),
                            org.assertj.core.groups.Tuple.tuple(1800L, 12L));
            assertThat(b.exemplars().get(0).part(Component.WAIT_SLEEP)).isEqualTo(1780);
            assertThat(b.exemplars().get(0).part(Component.OFFCPU)).isZero();
            assertThat(agent.hooks()).isEqualTo(new HookCounts(10, 3, 0, 0));
            feed(out, "bye");
        }
    }

    @Test
    void should_refuse_a_breakdown_probe_without_the_runtimes_hooks() {
        AgentOutput out = new AgentOutput();
        out.endOfStdout();
        try (AgentSession agent = AgentSession.over(new ByteArrayOutputStream(), out, () -> { })) {
            assertThatThrownBy(() -> agent.start(42, "/proc/42/exe", List.of(PROBE.withBreakdown(true)), List.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Planner.planBreakdown()");
        }
    }

    private static void feed(AgentOutput out, String... lines) {
        byte[] b = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.US_ASCII);
        out.acceptStdout(b, 0, b.length);
    }
}
