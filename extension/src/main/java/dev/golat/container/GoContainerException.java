// SPDX-License-Identifier: Apache-2.0
package dev.golat.container;

/**
 * The one unchecked exception of this package: the Go service could not be built, started, reached or
 * inspected. Its message names the service, what was tried and the fix.
 */
public class GoContainerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GoContainerException(String message) {
        super(message);
    }

    public GoContainerException(String message, Throwable cause) {
        super(message, cause);
    }
}
