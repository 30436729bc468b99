// SPDX-License-Identifier: Apache-2.0
package dev.golat.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LogTailTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void should_join_lines_split_across_frames_and_keep_the_last_ones() {
        LogTail tail = new LogTail(3);
        tail.append(0, b("one\ntw"));
        tail.append(0, b("o\r\nthree\nfour\nfi"));

        assertThat(tail.lines()).containsExactly("two", "three", "four");
        tail.flush();
        assertThat(tail.lines()).containsExactly("three", "four", "fi");
    }

    @Test
    void should_keep_stdout_and_stderr_partial_lines_apart() {
        LogTail tail = new LogTail(10);
        tail.append(0, b("out-"));
        tail.append(1, b("err\n"));
        tail.append(0, b("line\n"));

        assertThat(tail.lines()).containsExactly("err", "out-line");
    }

    @Test
    void should_match_an_awaited_line_printed_before_or_after_the_wait_starts() {
        LogTail early = new LogTail(10);
        early.append(0, b("listening on 127.0.0.1:80\n"));
        early.await(Pattern.compile("listening on"));
        assertThat(early.matched()).isTrue();

        LogTail late = new LogTail(10);
        late.await(Pattern.compile("listening on"));
        late.append(0, b("starting\n"));
        assertThat(late.matched()).isFalse();
        late.append(0, b("listening on [::]:80\n"));
        assertThat(late.matched()).isTrue();
    }

    @Test
    void should_indent_lines_for_messages() {
        assertThat(LogTail.indent(java.util.List.of("a", "b"))).isEqualTo("  a\n  b");
        assertThat(LogTail.indent(java.util.List.of())).isEqualTo("  (none)");
    }
}
