// SPDX-License-Identifier: Apache-2.0
package dev.golat.plan;

/** A probe cannot be planned as asked; the message names the function, the binary and the fix. */
public final class PlanException extends RuntimeException {
    public PlanException(String message) {
        super(message);
    }
}
