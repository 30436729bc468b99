// SPDX-License-Identifier: Apache-2.0
package dev.golat.junit;

/** A golat test is set up wrong: the message names the annotation or field and the fix. */
public final class GolatConfigurationException extends RuntimeException {
    public GolatConfigurationException(String message) {
        super(message);
    }

    public GolatConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
