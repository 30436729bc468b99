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
     * a span, its name); {@code from} and {@code to} are set for spans only.
     */
    record Target(String service, String name, String from, String to) {
        Target(String service, String name) {
            this(service, name, null, null);
        }

        boolean isSpan() {
            return from != null;
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
            for (String name : t.value()) {
                targets.add(new Target(t.service(), name.strip()));
            }
        }
        if (!(element instanceof Parameter)) {
            for (TraceSpan s : AnnotationSupport.findRepeatableAnnotations(element, TraceSpan.class)) {
                targets.add(new Target(s.service(), s.name().strip(), s.from().strip(), s.to().strip()));
            }
        }
        return targets;
    }
}
