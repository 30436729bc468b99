// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A traced test in a JVM with no {@code TESTCONTAINERS_*} variable, on this machine's Docker (started with
 * {@code --bridge=none}; the Ryuk image cannot be pulled: there is no registry). It must pass, and its
 * console must hold golat's lines and none of the libraries' INFO lines or SLF4J's warnings, with
 * slf4j-simple on the class path and with no SLF4J binding at all.
 */
class QuietConsoleIT {

    @ParameterizedTest(name = "slf4j-simple on the class path: {0}")
    @ValueSource(booleans = {true, false})
    void traces_with_no_variables_and_prints_only_golat_lines(boolean withSimpleBinding) throws Exception {
        String out = runChild(withSimpleBinding, false);
        List<String> lines = out.lines().toList();

        assertThat(lines).as(out).contains("RESULT traced(Latency): SUCCESSFUL");
        assertThat(lines).as(out).anySatisfy(l -> assertThat(l).startsWith("golat: tracing main.(*clientConn).handleStmtExecute"));
        assertThat(lines).as(out).anySatisfy(l -> assertThat(l).startsWith("golat: report "));
        assertThat(lines).as(out).anySatisfy(l -> assertThat(l).contains("n=" + QuietConsoleChildMain.CALLS + " "));
        assertThat(lines).as(out).contains("golat: 1 gate, 0 failed");
        assertThat(out).as("the libraries stay at WARN and SLF4J is quiet")
                .doesNotContain("SLF4J", "StaticLoggerBinder", "Ryuk", "Testcontainers version", "Connected to docker",
                        "Docker host IP address", "INFO", "network bridge not found");
    }

    @Test
    void quiet_mode_keeps_only_the_verdicts_and_the_summary() throws Exception {
        String out = runChild(true, true);
        List<String> lines = out.lines().toList();

        assertThat(lines).as(out).contains("RESULT traced(Latency): SUCCESSFUL", "golat: 1 gate, 0 failed");
        assertThat(lines).as(out).anySatisfy(l -> assertThat(l).startsWith("golat: summary "));
        assertThat(out).as("no plan, no histogram").doesNotContain("golat: tracing", "golat: report ", "n=" + QuietConsoleChildMain.CALLS);
        // golat.report.dir (a -D configuration parameter) moved the files
        assertThat(Path.of("target/golat-quiet-console/TracedTestCase.html")).isRegularFile();
        assertThat(java.nio.file.Files.readString(Path.of("target/golat-quiet-console/summary.json")))
                .contains("\"test\": \"TracedTestCase.traced()\"").contains("\"limit\": \"< 5 s\"");
    }

    private static String runChild(boolean withSimpleBinding, boolean quiet) throws Exception {
        java.nio.file.Files.deleteIfExists(Path.of("target/golat-quiet-console/summary.json"));
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> withSimpleBinding || !Path.of(e).getFileName().toString().startsWith("slf4j-simple"))
                .collect(Collectors.joining(File.pathSeparator));
        assertThat(classPath.contains("slf4j-simple")).as("slf4j-simple on the child's class path").isEqualTo(withSimpleBinding);
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dgolat.root=" + System.getProperty("golat.root"), "-Dgolat.console.quiet=" + quiet,
                "-Dgolat.report.dir=target/golat-quiet-console", "-cp", classPath, QuietConsoleChildMain.class.getName())
                .redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("TESTCONTAINERS_"));
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(out).isTrue();
        return out;
    }
}
