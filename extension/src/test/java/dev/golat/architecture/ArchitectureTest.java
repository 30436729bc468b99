// SPDX-License-Identifier: Apache-2.0
package dev.golat.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.golat.container.GoContainer;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apiguardian.api.API;
import org.junit.jupiter.api.Test;

/**
 * The layers of golat, lowest first, checked on the compiled classes (tests excluded):
 * <pre>
 *   binary, x86  <  plan  <  agent  <  result  <  container, gate, load  <  junit, assertj, report, cli
 * </pre>
 * A package may import only the packages this table allows it (arrows point down); no two packages import
 * each other, even through others; {@code cli} never imports {@code junit}; the core below {@code container}
 * imports neither JUnit nor Testcontainers; and a public type is either the user's API (the list below) or
 * says {@code @API(status = INTERNAL)}. The rules take the root package as a parameter, so that the same rules
 * are shown to fail on small fixtures with a cycle and with an import against the layers.
 */
class ArchitectureTest {

    /** What each golat package may import of golat: every package below it, and nothing else. */
    static final Map<String, List<String>> MAY_IMPORT = new LinkedHashMap<>();

    static {
        MAY_IMPORT.put("binary", List.of());
        MAY_IMPORT.put("x86", List.of());
        MAY_IMPORT.put("plan", List.of("binary", "x86"));
        MAY_IMPORT.put("agent", List.of("plan", "binary", "x86"));
        MAY_IMPORT.put("result", List.of("agent", "plan", "binary", "x86"));
        MAY_IMPORT.put("container", List.of("result", "agent", "plan", "binary", "x86"));
        MAY_IMPORT.put("gate", List.of("result", "agent", "plan", "binary", "x86"));
        MAY_IMPORT.put("load", List.of("result", "agent", "plan", "binary", "x86"));
        MAY_IMPORT.put("report", List.of("result", "agent", "plan", "binary", "x86"));
        MAY_IMPORT.put("assertj", List.of("report", "gate", "result", "agent", "plan", "binary", "x86"));
        MAY_IMPORT.put("junit", List.of("report", "container", "gate", "load", "result", "agent", "plan", "binary",
                "x86"));
        MAY_IMPORT.put("cli", List.of("report", "gate", "load", "result", "agent", "plan", "binary", "x86"));
    }

    /** The packages that know neither JUnit nor Testcontainers (nor docker-java). */
    static final List<String> FRAMEWORK_FREE = List.of("binary", "x86", "plan", "agent", "result", "gate", "load");

    /** The user's API: every other public type must say {@code @API(status = INTERNAL)}. */
    static final Set<String> PUBLIC_API = Set.of(
            "junit.GoTest", "junit.GoService", "junit.TraceLatency", "junit.TraceSpan",
            "junit.GolatConfigurationException", "junit.LatencyBaseline",
            "container.GoContainer", "container.GoContainerException",
            "result.Latency", "result.Latencies", "result.Counts", "result.CallCounts", "result.SpanCounts",
            "result.Instantiation", "result.Breakdown", "result.Exemplar",
            "assertj.GolatAssertions", "assertj.AbstractLatencyAssert", "assertj.LatencyAssert",
            "assertj.LatencyValueAssert", "assertj.RecordingAssert",
            "cli.Main",
            // Gates, as their package landed (dev.golat.gate, dev.golat.load).
            "gate.BaselineFile", "gate.BaselineFormatException", "gate.Duet", "gate.FunctionResult", "gate.Gate",
            "gate.GateMessage", "gate.GateReport", "gate.NoiseWitness", "gate.PercentileResult", "gate.Recording",
            "gate.RecordingInfo", "gate.Verdict", "load.Load");

    /** The library's own classes (its output folder or jar), not the test-only modules on the class path. */
    private static final JavaClasses GOLAT = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPath(libraryLocation());

    private static Path libraryLocation() {
        try {
            return Path.of(GoContainer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void no_package_imports_another_that_imports_it_back() {
        noCycles("dev.golat").check(GOLAT);
    }

    @Test
    void every_package_imports_only_the_layers_below_it() {
        assertThat(GOLAT.stream().map(c -> layerOf("dev.golat", c)).filter(l -> !l.isEmpty()).distinct())
                .as("every golat package has a place in the table").isSubsetOf(MAY_IMPORT.keySet());
        layers("dev.golat").forEach(rule -> rule.check(GOLAT));
    }

    @Test
    void cli_never_imports_junit_and_the_core_imports_no_test_framework() {
        noClasses().that().resideInAPackage("dev.golat.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.golat.junit..", "org.junit.jupiter..")
                .check(GOLAT);
        for (String p : FRAMEWORK_FREE) {
            noClasses().that().resideInAPackage("dev.golat." + p + "..")
                    .should().dependOnClassesThat().resideInAnyPackage("org.junit..", "org.testcontainers..",
                            "com.github.dockerjava..")
                    .because("the core below the container is framework-free")
                    .check(GOLAT);
        }
    }

    @Test
    void a_public_type_is_the_users_api_or_says_it_is_internal() {
        publicOnlyAsDeclared("dev.golat", PUBLIC_API).check(GOLAT);
        List<String> listed = new ArrayList<>(PUBLIC_API);
        listed.removeIf(name -> GOLAT.contain("dev.golat." + name));
        assertThat(listed).as("API types that no longer exist: drop them from the list").isEmpty();
    }

    // The rules fail where they should: on fixtures made to break them.

    @Test
    void the_cycle_rule_fails_on_two_packages_that_import_each_other() {
        JavaClasses fixture = new ClassFileImporter().importPackages("dev.golat.architecture.fixture.cycle");
        assertThat(fixture.size()).as("fixture classes").isEqualTo(2);

        assertThatThrownBy(() -> noCycles("dev.golat.architecture.fixture.cycle").check(fixture))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Cycle detected")
                .hasMessageContaining("fixture.cycle.a.A")
                .hasMessageContaining("fixture.cycle.b.B");
    }

    @Test
    void the_layer_rule_fails_on_an_import_that_points_up() {
        JavaClasses fixture = new ClassFileImporter().importPackages("dev.golat.architecture.fixture.upward");
        assertThat(fixture.size()).as("fixture classes").isEqualTo(2);

        assertThatThrownBy(() -> layers("dev.golat.architecture.fixture.upward").forEach(r -> r.check(fixture)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("fixture.upward.result.Value")
                .hasMessageContaining("fixture.upward.junit.Extension");
    }

    @Test
    void the_public_type_rule_fails_on_a_public_type_that_is_neither_api_nor_internal() {
        JavaClasses fixture = new ClassFileImporter().importPackages("dev.golat.architecture.fixture.upward");

        assertThatThrownBy(() -> publicOnlyAsDeclared("dev.golat.architecture.fixture.upward",
                Set.of("junit.Extension")).check(fixture))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("dev.golat.architecture.fixture.upward.result.Value is public");
    }

    // --- the rules, for any root package

    static ArchRule noCycles(String root) {
        return slices().matching(root + ".(*)..").should().beFreeOfCycles();
    }

    static List<ArchRule> layers(String root) {
        List<ArchRule> rules = new ArrayList<>();
        MAY_IMPORT.forEach((layer, below) -> {
            List<String> allowed = new ArrayList<>();
            allowed.add(root + "." + layer + "..");
            below.forEach(b -> allowed.add(root + "." + b + ".."));
            DescribedPredicate<JavaClass> ok = resideOutsideOfPackage(root + "..")
                    .or(resideInAnyPackage(allowed.toArray(String[]::new)))
                    .or(not(resideInAnyPackage(knownLayers(root))));
            rules.add(classes().that().resideInAPackage(root + "." + layer + "..")
                    .should().onlyDependOnClassesThat(ok)
                    .as(layer + " imports only " + (below.isEmpty() ? "itself" : String.join(", ", below)))
                    .allowEmptyShould(true));
        });
        return rules;
    }

    static ArchRule publicOnlyAsDeclared(String root, Set<String> api) {
        return classes().that().resideInAPackage(root + "..").and().areTopLevelClasses()
                .should(new ArchCondition<>("be package-private unless they are the API or @API(status = INTERNAL)") {
                    @Override
                    public void check(JavaClass c, ConditionEvents events) {
                        if (!c.getModifiers().contains(JavaModifier.PUBLIC) || c.getSimpleName().equals("package-info")) {
                            return;
                        }
                        String name = c.getName().substring(root.length() + 1);
                        boolean internal = c.tryGetAnnotationOfType(API.class)
                                .map(a -> a.status() == API.Status.INTERNAL).orElse(false);
                        if (!api.contains(name) && !internal) {
                            events.add(SimpleConditionEvent.violated(c, c.getName() + " is public but neither the "
                                    + "user's API (ArchitectureTest.PUBLIC_API) nor @API(status = INTERNAL): make it "
                                    + "package-private, or say which it is"));
                        }
                    }
                });
    }

    private static String[] knownLayers(String root) {
        return MAY_IMPORT.keySet().stream().map(l -> root + "." + l + "..").toArray(String[]::new);
    }

    private static String layerOf(String root, JavaClass c) {
        String p = c.getPackageName();
        if (!p.startsWith(root + ".")) {
            return "";
        }
        String rest = p.substring(root.length() + 1);
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }
}
