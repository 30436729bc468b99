// SPDX-License-Identifier: Apache-2.0
package dev.golat.gate;

import java.nio.file.Path;

/** A baseline file that cannot be read; the message names the file, what is wrong, and how to re-record it. */
public final class BaselineFormatException extends RuntimeException {
    private final Path file;

    BaselineFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
