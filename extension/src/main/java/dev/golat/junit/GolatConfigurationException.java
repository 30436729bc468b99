// SPDX-License-Identifier: Apache-2.0
package dev.golat.junit;

import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * A golat test is set up wrong: the message names the annotation or field and the fix. A JUnit
 * {@link ExtensionConfigurationException}, as other extensions' set-up errors are.
 */
public final class GolatConfigurationException extends ExtensionConfigurationException {
    private static final long serialVersionUID = 1L;

    public GolatConfigurationException(String message) {
        super(message);
    }

    public GolatConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
