// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.outside;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.testbins.GoTestBinaries;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The README's "Add golat to your project", done as a team would: a separate Maven project under {@code
 * target/outside-project} with the README's dependency and failsafe blocks, its Go server and its test,
 * and nothing else of golat's repository. It is built by {@code mvn -o verify} with no {@code
 * TESTCONTAINERS_*} variable, on this machine's Docker, against the real Go server built from the README's
 * source.
 *
 * <p>golat's artifacts reach it the way a release would, from a repository: this reactor's jars and poms
 * are laid out in a private local repository under {@code target/} (never in the shared {@code ~/.m2}),
 * whose other folders link to the shared repository's, so everything else comes from what Maven Central
 * already gave this build.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OutsideProjectIT {
    private static final Path ROOT = GoTestBinaries.root();
    private static final Path PROJECT = ROOT.resolve("it-fixtures/target/outside-project");
    private static final Path REPO = ROOT.resolve("it-fixtures/target/outside-project-repo");
    /** Stands in for GitHub's $GITHUB_STEP_SUMMARY file. */
    private static final Path STEP_SUMMARY = ROOT.resolve("it-fixtures/target/outside-project-step-summary.md");
    private static String readme;

    @BeforeAll
    static void generateTheProject() throws Exception {
        readme = Files.readString(ROOT.resolve("README.md"));
        deleteRecursively(PROJECT);
        Files.createDirectories(PROJECT);
        String pom = resource("pom.xml.template")
                .replace("@@README:dependency@@", indent(block("dependency", "xml"), "    "))
                .replace("@@README:failsafe@@", indent(block("failsafe", "xml"), "      "))
                .replace("@@resources.version@@", property("golat.plugin.resources"))
                .replace("@@compiler.version@@", property("golat.plugin.compiler"))
                .replace("@@surefire.version@@", property("golat.plugin.surefire"))
                .replace("@@jar.version@@", property("golat.plugin.jar"));
        Files.writeString(PROJECT.resolve("pom.xml"), pom);
        Path server = PROJECT.resolve("cmd/quoteserver/main.go");
        Files.createDirectories(server.getParent());
        Files.writeString(server, block("server", "go") + "\n");
        Files.writeString(PROJECT.resolve("go.mod"), resource("go.mod"));
        Path test = PROJECT.resolve("src/test/java/com/example/QuoteLatencyIT.java");
        Files.createDirectories(test.getParent());
        Files.writeString(test, block("example", "java") + "\n");
        buildServer();
        privateRepository();
    }

    @Test
    @Order(1)
    void the_readme_example_passes_with_no_variables_and_a_quiet_console() throws Exception {
        Files.deleteIfExists(STEP_SUMMARY);
        Result r = mvn("verify");

        assertThat(r.code).as(r.out).isZero();
        assertThat(r.out).contains("Tests run: 1, Failures: 0, Errors: 0, Skipped: 0")
                .contains("golat: tracing main.handleQuote (go1.23")
                .contains("golat: report " + PROJECT.resolve("target/golat/QuoteLatencyIT.html"))
                .contains("n=2,000 ")
                .doesNotContain("SLF4J", "Ryuk", "Testcontainers version", "Connected to docker", "network bridge not found");
        String xml = Files.readString(PROJECT.resolve("target/failsafe-reports/TEST-com.example.QuoteLatencyIT.xml"));
        assertThat(xml).contains("tests=\"1\"").contains("failures=\"0\"").contains("errors=\"0\"");
        assertThat(PROJECT.resolve("target/golat/QuoteLatencyIT.html")).isRegularFile();
        assertThat(PROJECT.resolve("target/golat/QuoteLatencyIT/quotesStayFast-main.handleQuote.hgrm")).isRegularFile();

        // The report entries, in the test's <system-out> (Surefire drops the Platform's entries otherwise)
        Matcher p99 = Pattern.compile("p99=([0-9.]+ (?:µs|ms))").matcher(r.out);
        assertThat(p99.find()).as(r.out).isTrue();
        assertThat(xml).containsPattern("golat: report entry: timestamp = \\S+, golat.main.handleQuote.function = main.handleQuote, "
                + "golat.main.handleQuote.count = 2000, golat.main.handleQuote.p50 = [0-9.]+ (µs|ms), "
                + "golat.main.handleQuote.p90 = [0-9.]+ (µs|ms), golat.main.handleQuote.p99 = " + Pattern.quote(p99.group(1))
                + ", golat.main.handleQuote.max = [0-9.]+ (µs|ms)");
        // The files, as file entries in the JUnit Platform's output folder
        Path files = PROJECT.resolve("target/junit-jupiter/com.example.QuoteLatencyIT");
        assertThat(files.resolve("QuoteLatencyIT.html")).isRegularFile();
        assertThat(files.resolve("quotesStayFast(dev.golat.result.Latency)/quotesStayFast-main.handleQuote.hgrm"))
                .hasSameTextualContentAs(PROJECT.resolve("target/golat/QuoteLatencyIT/quotesStayFast-main.handleQuote.hgrm"));
        // The run summary: JSON, the Markdown table for $GITHUB_STEP_SUMMARY, the end-of-run table
        String json = Files.readString(PROJECT.resolve("target/golat/summary.json"));
        assertThat(json).contains("\"gates\": 1,").contains("\"failed\": 0,")
                .contains("{\"test\": \"QuoteLatencyIT.quotesStayFast()\", \"function\": \"main.handleQuote\", "
                        + "\"statistic\": \"p99\", \"valueNanos\": ")
                .contains("\"value\": \"" + p99.group(1) + "\", \"limit\": \"< 50 ms\", \"verdict\": \"pass\"}");
        assertThat(Files.readString(STEP_SUMMARY)).contains("### golat: 1 gate, 0 failed")
                .contains("| QuoteLatencyIT.quotesStayFast() | `main.handleQuote` | p99 | " + p99.group(1) + " | < 50 ms | pass |");
        assertThat(r.out).contains("golat: 1 gate, 0 failed")
                .containsPattern("pass +QuoteLatencyIT.quotesStayFast\\(\\) +main.handleQuote +p99 +" + Pattern.quote(p99.group(1)) + " +< 50 ms")
                .contains("golat: summary " + PROJECT.resolve("target/golat/summary.json"));
    }

    @Test
    @Order(2)
    void a_gate_that_cannot_hold_fails_with_the_figure_the_limit_and_the_histogram() throws Exception {
        // The README's test with a limit no HTTP request can meet.
        String example = block("example", "java");
        String gate = example.replace("class QuoteLatencyIT", "class QuoteGateIT")
                .replace("isLessThan(Duration.ofMillis(50))", "isLessThan(Duration.ofNanos(100))");
        assertThat(gate).contains("class QuoteGateIT").contains("Duration.ofNanos(100)");
        Path test = PROJECT.resolve("src/test/java/com/example/QuoteGateIT.java");
        Files.writeString(test, gate + "\n");
        try {
            Result r = mvn("verify", "-Dit.test=QuoteGateIT");

            assertThat(r.code).as(r.out).isNotZero();
            String xml = Files.readString(PROJECT.resolve("target/failsafe-reports/TEST-com.example.QuoteGateIT.xml"));
            assertThat(xml).as(xml).contains("failures=\"1\"").contains("<![CDATA[java.lang.AssertionError:");
            String failure = xml.substring(xml.indexOf("<![CDATA[java.lang.AssertionError:"));
            assertThat(failure).as(xml)
                    .containsPattern("Expecting p99 of <main.handleQuote> \\(n=2,000\\):\n  [0-9.]+ (µs|ms)\nto be less than:\n  100 ns\n")
                    .containsPattern("\n\\[[0-9.]+ (µs|ms), [0-9.]+ (µs|ms)\\)\\s+[0-9,]+ \\|@+ *\\|\n")
                    .contains("histogram: target/golat/QuoteGateIT.html");
            assertThat(PROJECT.resolve("target/golat/QuoteGateIT.html")).isRegularFile();
            String json = Files.readString(PROJECT.resolve("target/golat/summary.json"));
            assertThat(json).contains("\"gates\": 1,").contains("\"failed\": 1,")
                    .containsPattern("\\{\"test\": \"QuoteGateIT.quotesStayFast\\(\\)\", \"function\": \"main.handleQuote\", "
                            + "\"statistic\": \"p99\", \"valueNanos\": [0-9]+, \"value\": \"[0-9.]+ (µs|ms)\", "
                            + "\"limit\": \"< 100 ns\", \"verdict\": \"FAIL\"}");
            assertThat(Files.readString(STEP_SUMMARY)).contains("### golat: 1 gate, 1 failed")
                    .containsPattern("\\| QuoteGateIT.quotesStayFast\\(\\) \\| `main.handleQuote` \\| p99 \\| [0-9.]+ (µs|ms) \\| < 100 ns \\| \\*\\*FAIL\\*\\* \\|");
            assertThat(r.out).contains("golat: 1 gate, 1 failed");
        } finally {
            Files.delete(test);
            Files.deleteIfExists(PROJECT.resolve("target/test-classes/com/example/QuoteGateIT.class"));
        }
    }

    /** The README block after {@code <!-- outside-project:NAME ...-->}, without its fence. */
    private static String block(String name, String language) {
        Matcher m = Pattern.compile("<!-- outside-project:" + name + "\\b[^>]*-->\\s*```" + language + "\\n(.*?)```",
                Pattern.DOTALL).matcher(readme);
        assertThat(m.find()).as("README block <!-- outside-project:%s --> followed by ```%s", name, language).isTrue();
        return m.group(1).stripTrailing();
    }

    private static String indent(String text, String prefix) {
        return text.lines().map(l -> l.isEmpty() ? l : prefix + l).reduce((a, b) -> a + "\n" + b).orElse("");
    }

    /** Builds the README's server as its team would, with a Go toolchain golat's build already uses. */
    private static void buildServer() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(GoTestBinaries.goTool("go1.23").toString(), "build", "-o",
                "target/go/quoteserver", "./cmd/quoteserver").directory(PROJECT.toFile()).redirectErrorStream(true);
        pb.environment().put("CGO_ENABLED", "0");
        pb.environment().put("GOTOOLCHAIN", "local");
        pb.environment().put("GOFLAGS", "");
        pb.environment().put("GOPROXY", "off");
        Result r = run(pb, 180);
        assertThat(r.code).as("go build of the README's server: %s", r.out).isZero();
    }

    /**
     * A local repository for the outside build: {@code dev/golat} holds this reactor's poms and jars, as
     * {@code mvn install} would lay them out; every other folder is a link to the shared repository's.
     */
    private static void privateRepository() throws IOException {
        Path shared = Path.of(property("golat.maven.repo"));
        deleteRecursively(REPO);
        Files.createDirectories(REPO.resolve("dev"));
        try (Stream<Path> top = Files.list(shared)) {
            for (Path p : top.toList()) {
                if (!p.getFileName().toString().equals("dev")) {
                    Files.createSymbolicLink(REPO.resolve(p.getFileName().toString()), p);
                }
            }
        }
        if (Files.isDirectory(shared.resolve("dev"))) {
            try (Stream<Path> dev = Files.list(shared.resolve("dev"))) {
                for (Path p : dev.toList()) {
                    if (!p.getFileName().toString().equals("golat")) {
                        Files.createSymbolicLink(REPO.resolve("dev").resolve(p.getFileName().toString()), p);
                    }
                }
            }
        }
        String version = property("golat.version");
        artifact("golat-parent", version, ROOT.resolve("pom.xml"), null);
        artifact("golat-agent", version, ROOT.resolve("agent/pom.xml"), ROOT.resolve("agent/target/golat-agent-" + version + ".jar"));
        artifact("golat-junit", version, ROOT.resolve("extension/pom.xml"), ROOT.resolve("extension/target/golat-junit-" + version + ".jar"));
    }

    private static void artifact(String artifactId, String version, Path pom, Path jar) throws IOException {
        Path dir = REPO.resolve("dev/golat").resolve(artifactId).resolve(version);
        Files.createDirectories(dir);
        Files.copy(pom, dir.resolve(artifactId + "-" + version + ".pom"));
        if (jar != null) {
            assertThat(jar).as("%s: build it in this reactor first (mvn verify -pl it-fixtures -am)", artifactId).isRegularFile();
            Files.copy(jar, dir.resolve(artifactId + "-" + version + ".jar"));
        }
    }

    private static Result mvn(String... goals) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(property("golat.maven.home"), "bin", "mvn").toString(),
                "-o", "-B", "-ntp", "-Dmaven.repo.local=" + REPO));
        cmd.addAll(List.of(goals));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(PROJECT.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("TESTCONTAINERS_") || k.startsWith("MAVEN_"));
        pb.environment().put("GITHUB_STEP_SUMMARY", STEP_SUMMARY.toString());
        return run(pb, 480);
    }

    private record Result(int code, String out) {}

    private static Result run(ProcessBuilder pb, int timeoutSeconds) throws Exception {
        Path log = Files.createTempFile(PROJECT, "run-", ".log");
        Process p = pb.redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(pb.command() + " did not finish in " + timeoutSeconds + " s:\n" + Files.readString(log));
        }
        return new Result(p.exitValue(), Files.readString(log));
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = OutsideProjectIT.class.getResourceAsStream(name)) {
            assertThat(in).as("resource %s", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        assertThat(value).as("system property %s (set by it-fixtures' failsafe configuration)", name).isNotBlank();
        return value;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) { // walk does not follow the links into the shared repository
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
