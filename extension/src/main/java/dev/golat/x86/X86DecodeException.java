// SPDX-License-Identifier: Apache-2.0
package dev.golat.x86;

import org.apiguardian.api.API;

/**
 * Bytes that are not one valid x86-64 instruction, or that end in the middle of one. The message names
 * the address, the bytes in hex and what is wrong with them.
 */
@API(status = API.Status.INTERNAL)
public final class X86DecodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long address;

    X86DecodeException(long address, String message) {
        super(message);
        this.address = address;
    }

    /** The virtual address of the instruction that could not be decoded. */
    public long address() {
        return address;
    }
}
