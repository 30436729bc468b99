// SPDX-License-Identifier: Apache-2.0
package dev.golat.testbins;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A test run once per version of {@link GoTestBinaries#MATRIX}, with the version ({@code "go1.27"}) as its
 * {@code String} argument; a version this machine has not built is skipped with the reason (see {@link GoMatrix}).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ParameterizedTest(name = "{0}")
@MethodSource("dev.golat.testbins.GoMatrix#versions")
@ExtendWith(GoMatrix.class)
public @interface EachGoVersion {}
