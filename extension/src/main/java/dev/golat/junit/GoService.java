// SPDX-License-Identifier: Apache-2.0
package dev.golat.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a static {@link dev.golat.container.GoContainer} field whose service golat starts (unless it already
 * runs) before the class's first test and traces; golat stops what it started after the class's last test.
 * Instance fields are refused. {@code @Nested} classes trace through the enclosing class's services.
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface GoService {}
