// SPDX-License-Identifier: Apache-2.0
package dev.golat.plan;

import org.apiguardian.api.API;

/** A probe cannot be planned as asked; the message names the function, the binary and the fix. */
@API(status = API.Status.INTERNAL)
public final class PlanException extends RuntimeException {
    public PlanException(String message) {
        super(message);
    }
}
