// SPDX-License-Identifier: Apache-2.0
package dev.golat.agent;

import org.apiguardian.api.API;

/**
 * The agent failed or refused: carries the agent's own {@code error <CODE> <message>} (which says what to
 * do), or what the session saw instead of an answer (timeout, early exit, with the agent's stderr).
 */
@API(status = API.Status.INTERNAL)
public class AgentException extends RuntimeException {
    private final String code;

    public AgentException(String code, String message) {
        super(message);
        this.code = code;
    }

    public AgentException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** The agent's error code ({@code EPERM}, {@code BADOFFSET}, ... see {@link AgentProtocol}), or
     *  {@code SESSION} for failures seen by this side (timeout, agent exited, bad answer). */
    public String code() {
        return code;
    }
}
