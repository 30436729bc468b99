// SPDX-License-Identifier: Apache-2.0
package dev.golat.junit;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLocksProvider;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;

/**
 * One JUnit resource lock per {@link GoService} field, so that under parallel execution the methods that
 * use one service never overlap (each window would otherwise count the other's calls), while classes on
 * different services still run at the same time. A {@code @Nested} class takes the enclosing classes' locks.
 * Declared by {@link GoTest}.
 */
final class ServiceLocks implements ResourceLocksProvider {

    /** The lock's key prefix, then {@code <declaring class>#<field>}. */
    static final String PREFIX = "dev.golat.service:";

    @Override
    public Set<Lock> provideForClass(Class<?> testClass) {
        return locks(testClass);
    }

    @Override
    public Set<Lock> provideForNestedClass(List<Class<?>> enclosingInstanceTypes, Class<?> testClass) {
        return locks(testClass);
    }

    @Override
    public Set<Lock> provideForMethod(List<Class<?>> enclosingInstanceTypes, Class<?> testClass, Method testMethod) {
        return locks(testClass);
    }

    /** The locks of every service {@code testClass} can trace: its own and its enclosing classes'. */
    static Set<Lock> locks(Class<?> testClass) {
        Set<Lock> locks = new LinkedHashSet<>();
        for (Class<?> c = testClass; c != null; c = isNested(c) ? c.getEnclosingClass() : null) {
            for (Field f : AnnotationSupport.findAnnotatedFields(c, GoService.class, field -> true,
                    HierarchyTraversalMode.TOP_DOWN)) {
                locks.add(new Lock(PREFIX + f.getDeclaringClass().getName() + "#" + f.getName(),
                        ResourceAccessMode.READ_WRITE));
            }
        }
        return locks;
    }

    /** A {@code @Nested}-style inner class: a non-static member class, which has an enclosing instance. */
    static boolean isNested(Class<?> c) {
        return c.isMemberClass() && !Modifier.isStatic(c.getModifiers());
    }
}
