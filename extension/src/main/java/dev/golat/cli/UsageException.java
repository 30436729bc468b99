// SPDX-License-Identifier: Apache-2.0
package dev.golat.cli;

/** The command line is wrong; the message says how to call it. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
