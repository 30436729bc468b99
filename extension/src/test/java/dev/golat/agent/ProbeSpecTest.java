// SPDX-License-Identifier: Apache-2.0
package dev.golat.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.golat.plan.EntryKind;
import dev.golat.agent.ProbeSpec.KeyMode;
import dev.golat.agent.ProbeSpec.Mode;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class ProbeSpecTest {

    @Test
    void should_write_the_probe_command_in_hex_file_offsets() {
        ProbeSpec spec = ProbeSpec.of(3, "main.recurse", 0x9626cL, EntryKind.JCC, List.of(0x96444L),
                List.of(0x96421L, 0x96430L));

        assertThat(spec.toLine()).isEqualTo("probe 3 main.recurse entry=9626c:jcc morestack=96444 ret=96421,96430"
                + " key=goroutine mode=measure");
        assertThat(spec.uprobeCount()).isEqualTo(4);
    }

    @Test
    void should_write_controls_and_a_dash_for_no_morestack() {
        ProbeSpec spec = ProbeSpec.of(0, "main.trivial", 0x1000L, EntryKind.FIRST, List.of(), List.of(0x1004L))
                .with(7, KeyMode.THREAD, Mode.EMPTY);

        assertThat(spec.toLine())
                .isEqualTo("probe 7 main.trivial entry=1000:first morestack=- ret=1004 key=thread mode=empty");
    }

    @Test
    void should_write_the_same_command_under_a_turkish_locale() {
        // GIVEN a default locale whose lower case of 'I' is a dotless 'ı'
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("tr-TR"));
        try {
            ProbeSpec spec = ProbeSpec.of(0, "main.trivial", 0x1000L, EntryKind.FIRST, List.of(), List.of(0x1004L));

            // WHEN the command is written THEN the agent's keywords stay ASCII
            assertThat(spec.toLine())
                    .isEqualTo("probe 0 main.trivial entry=1000:first morestack=- ret=1004 key=goroutine mode=measure");
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void should_refuse_a_function_without_ret() {
        assertThatThrownBy(() -> ProbeSpec.of(1, "main.tail", 0x10L, EntryKind.JCC, List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("probe 1 main.tail has no RET: a function that ends in a tail jump cannot be measured;"
                        + " trace its caller or the function it jumps to");
    }

    @Test
    void should_refuse_ids_names_and_offsets_the_agent_cannot_take() {
        assertThatThrownBy(() -> ProbeSpec.of(4096, "main.f", 1, EntryKind.JCC, List.of(), List.of(2L)))
                .hasMessage("probe id 4096 of main.f is outside 0..4095");
        assertThatThrownBy(() -> ProbeSpec.of(0, "main.f g", 1, EntryKind.JCC, List.of(), List.of(2L)))
                .hasMessage("probe 0: function name 'main.f g' must be non-empty and without whitespace");
        assertThatThrownBy(() -> ProbeSpec.of(0, "main.f", 1, EntryKind.JCC, List.of(-5L), List.of(2L)))
                .hasMessage("probe 0 main.f: morestack file offset -5 is negative");
    }
}
