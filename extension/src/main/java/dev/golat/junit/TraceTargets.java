// SPDX-License-Identifier: Apache-2.0
package dev.golat.junit;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.platform.commons.support.AnnotationSupport;

/** Which functions a test class and each of its methods trace, read from {@link TraceLatency} annotations. */
final class TraceTargets {
    private TraceTargets() {}

    /**
     * One traced function or span of one service, as the user wrote it. {@code name} is the function (or, for
     * a span, its name); {@code from} and {@code to} are set for spans only. A function traced on several nodes
     * has their {@code @GoService} field names in {@code nodes} and no {@code service}.
     */
    record Target(String service, String name, String from, String to, List<String> nodes) {
        Target(String service, String name) {
            this(service, name, null, null, List.of());
        }

        Target(String service, String name, String from, String to) {
            this(service, name, from, to, List.of());
        }

        boolean isSpan() {
            return from != null;
        }

        /** Whether this function is traced on several nodes ({@code @TraceLatency(services = ...)}). */
        boolean isOverNodes() {
            return !nodes.isEmpty();
        }

        /** The same function on one of its nodes. */
        Target onNode(String node) {
            return new Target(node, name);
        }
    }

    /**
     * Everything the class may trace: class-level, every method's and every parameter's annotations, and
     * those of its {@code @Nested} classes (which trace through this class's services).
     */
    static Set<Target> ofClass(Class<?> testClass) {
        Set<Target> all = new LinkedHashSet<>(declared(testClass));
        for (Method m : testClass.getDeclaredMethods()) {
            all.addAll(ofMethodOnly(m));
        }
        for (Class<?> inner : testClass.getDeclaredClasses()) {
            if (ServiceLocks.isNested(inner) && AnnotationSupport.isAnnotated(inner, Nested.class)) {
                all.addAll(ofClass(inner));
            }
        }
        Class<?> sup = testClass.getSuperclass();
        if (sup != null && sup != Object.class) {
            all.addAll(ofClass(sup));
        }
        return all;
    }

    /**
     * What one test method traces: the method's class's (and its superclasses' and enclosing classes')
     * annotations plus the method's and its parameters'.
     */
    static Set<Target> ofMethod(Class<?> testClass, Method method) {
        Set<Target> all = new LinkedHashSet<>();
        for (Class<?> k = testClass; k != null; k = ServiceLocks.isNested(k) ? k.getEnclosingClass() : null) {
            for (Class<?> c = k; c != null && c != Object.class; c = c.getSuperclass()) {
                all.addAll(declared(c));
            }
        }
        all.addAll(ofMethodOnly(method));
        return all;
    }

    /** The targets named on one parameter, or none. */
    static List<Target> ofParameter(Parameter p) {
        return declared(p);
    }

    private static Set<Target> ofMethodOnly(Method m) {
        Set<Target> all = new LinkedHashSet<>(declared(m));
        for (Parameter p : m.getParameters()) {
            all.addAll(declared(p));
        }
        return all;
    }

    private static List<Target> declared(AnnotatedElement element) {
        List<Target> targets = new ArrayList<>();
        for (TraceLatency t : AnnotationSupport.findRepeatableAnnotations(element, TraceLatency.class)) {
            List<String> nodes = nodes(t, element);
            for (String name : t.value()) {
                targets.add(nodes.isEmpty() ? new Target(t.service(), name.strip())
                        : new Target("", name.strip(), null, null, nodes));
            }
        }
        if (!(element instanceof Parameter)) {
            for (TraceSpan s : AnnotationSupport.findRepeatableAnnotations(element, TraceSpan.class)) {
                targets.add(new Target(s.service(), s.name().strip(), s.from().strip(), s.to().strip()));
            }
        }
        return targets;
    }

    private static List<String> nodes(TraceLatency t, AnnotatedElement element) {
        if (t.services().length == 0) {
            return List.of();
        }
        String where = "@TraceLatency(services = ...) on " + describe(element);
        if (!t.service().isEmpty()) {
            throw new GolatConfigurationException(where + " also names service = \"" + t.service()
                    + "\": use services = {...} for several nodes or service = \"...\" for one, not both");
        }
        Set<String> nodes = new LinkedHashSet<>();
        for (String s : t.services()) {
            String node = s.strip();
            if (node.isEmpty()) {
                throw new GolatConfigurationException(where + " has an empty name: give each node's @GoService field name");
            }
            if (!nodes.add(node)) {
                throw new GolatConfigurationException(where + " names node '" + node + "' twice");
            }
        }
        return List.copyOf(nodes);
    }

    private static String describe(AnnotatedElement element) {
        if (element instanceof Method m) {
            return m.getDeclaringClass().getSimpleName() + "." + m.getName() + "()";
        }
        if (element instanceof Parameter p) {
            return "parameter " + p.getName() + " of " + p.getDeclaringExecutable().getDeclaringClass().getSimpleName()
                    + "." + p.getDeclaringExecutable().getName() + "()";
        }
        if (element instanceof Class<?> c) {
            return c.getSimpleName();
        }
        return element.toString();
    }
}
