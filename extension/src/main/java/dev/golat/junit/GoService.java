// SPDX-License-Identifier: Apache-2.0
package dev.golat.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@link dev.golat.container.GoContainer} field whose service golat starts and traces. A static
 * field is started once per test class, an instance field once per test method.
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface GoService {}
