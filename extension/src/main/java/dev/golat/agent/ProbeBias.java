// SPDX-License-Identifier: Apache-2.0
package dev.golat.agent;

import org.apiguardian.api.API;

/**
 * The time golat's probes add inside every measured call, as the agent measured it on this machine
 * ({@code calibrate} in agent/PROTOCOL.md): the agent probes a function of its own that is nothing but a Go
 * prologue's stack check and a RET, at the same kinds of sites as a Go function, and reads the durations the
 * programs measured. A measured call's duration is its own time plus about {@link #p50Nanos()}.
 *
 * @param calls    calls the agent made
 * @param matched  of them, paired and measured (equal to {@code calls} when nothing was lost)
 * @param minNanos the shortest measured, ns (bucket lower bound)
 * @param p50Nanos the median, ns (bucket lower bound)
 * @param p90Nanos the 90th percentile, ns (bucket lower bound)
 */
@API(status = API.Status.INTERNAL)
public record ProbeBias(long calls, long matched, long minNanos, long p50Nanos, long p90Nanos) {

    /** Reads {@code calibration calls=<n> matched=<m> min=<ns> p50=<ns> p90=<ns>}. */
    static ProbeBias parse(String line) {
        String[] f = line.split(" ");
        if (f.length != 6 || !f[0].equals("calibration")) {
            throw new AgentException("SESSION", "unexpected golat-agent answer '" + line
                    + "', expected calibration calls=<n> matched=<m> min=<ns> p50=<ns> p90=<ns>");
        }
        long[] v = new long[5];
        String[] names = {"calls", "matched", "min", "p50", "p90"};
        for (int i = 0; i < names.length; i++) {
            String prefix = names[i] + "=";
            if (!f[i + 1].startsWith(prefix)) {
                throw new AgentException("SESSION", "calibration line '" + line + "': field " + (i + 1) + " is not "
                        + prefix + "<n>");
            }
            try {
                v[i] = Long.parseLong(f[i + 1].substring(prefix.length()));
            } catch (NumberFormatException e) {
                throw new AgentException("SESSION", "calibration line '" + line + "': " + f[i + 1]
                        + " is not a number", e);
            }
        }
        return new ProbeBias(v[0], v[1], v[2], v[3], v[4]);
    }
}
