// SPDX-License-Identifier: Apache-2.0
package dev.golat.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.testbins.GoTestBinaries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's code sample is the code of a real test, so it cannot rot. */
class ReadmeSnippetTest {
    private static final Pattern README_BLOCK =
            Pattern.compile("<!-- snippet:(\\S+) (\\S+) -->\\s*```java\\n(.*?)```", Pattern.DOTALL);

    @Test
    void every_readme_snippet_is_the_code_of_its_test() throws IOException {
        Path root = GoTestBinaries.root();
        String readme = Files.readString(root.resolve("README.md"));
        Matcher m = README_BLOCK.matcher(readme);
        int found = 0;
        while (m.find()) {
            found++;
            String name = m.group(1);
            Path source = root.resolve(m.group(2));
            assertThat(m.group(3).strip())
                    .as("README snippet '%s' must equal the code between the markers in %s", name, source)
                    .isEqualTo(snippet(Files.readAllLines(source), name));
        }
        assertThat(found).as("snippets in README.md").isGreaterThan(0);
    }

    private static String snippet(List<String> lines, String name) {
        List<String> stripped = lines.stream().map(String::strip).toList();
        int start = stripped.indexOf("// snippet:" + name);
        int end = stripped.indexOf("// end-snippet:" + name);
        assertThat(start).as("marker // snippet:%s", name).isGreaterThanOrEqualTo(0);
        assertThat(end).as("marker // end-snippet:%s", name).isGreaterThan(start);
        List<String> body = lines.subList(start + 1, end);
        int indent = body.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return String.join("\n", body.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList()).strip();
    }
}
