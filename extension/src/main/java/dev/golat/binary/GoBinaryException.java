// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import org.apiguardian.api.API;

/**
 * The one exception of this package: a file that is not a readable amd64 Go binary, or a function name that
 * does not name exactly one function. The message names the file, the element, the numbers and the fix.
 */
@API(status = API.Status.INTERNAL)
public final class GoBinaryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GoBinaryException(String message) {
        super(message);
    }

    public GoBinaryException(String message, Throwable cause) {
        super(message, cause);
    }
}
