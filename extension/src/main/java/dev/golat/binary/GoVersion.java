// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apiguardian.api.API;

/**
 * The Go toolchain version a binary was built with, as the toolchain spells it in {@code runtime.Version()}:
 * {@code go1.21.13}, {@code go1.22rc1}, {@code go1.21.5 X:boringcrypto}, {@code devel go1.23-abc123 ...}.
 * Ordered by (major, minor, patch); pre-releases count as patch 0.
 */
@API(status = API.Status.INTERNAL)
public record GoVersion(int major, int minor, int patch, String raw) implements Comparable<GoVersion> {
    private static final Pattern VERSION = Pattern.compile("go(\\d+)\\.(\\d+)(?:\\.(\\d+))?([a-z]+\\d*)?");

    public GoVersion {
        if (major < 0 || minor < 0 || patch < 0) {
            throw new IllegalArgumentException("negative Go version part in " + raw);
        }
    }

    /** Parses the first {@code goN.M[.P]} in {@code s}; throws {@link GoBinaryException} if there is none. */
    public static GoVersion parse(String s) {
        if (s == null) {
            throw new GoBinaryException("no Go version string (null)");
        }
        Matcher m = VERSION.matcher(s);
        if (!m.find()) {
            throw new GoBinaryException("'" + s + "' is not a Go version: expected go<major>.<minor>[.<patch>], e.g. go1.21.13");
        }
        try {
            return new GoVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    m.group(3) == null ? 0 : Integer.parseInt(m.group(3)), s.strip());
        } catch (NumberFormatException e) {
            throw new GoBinaryException("'" + s + "' is not a Go version: a number is out of range", e);
        }
    }

    /** Whether this version is {@code major.minor} or newer. */
    public boolean isAtLeast(int wantMajor, int wantMinor) {
        return major != wantMajor ? major > wantMajor : minor >= wantMinor;
    }

    @Override
    public int compareTo(GoVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        return c != 0 ? c : Integer.compare(patch, o.patch);
    }

    /** {@code Go 1.19.8}, the way messages name it. */
    @Override
    public String toString() {
        Matcher m = VERSION.matcher(raw);
        return "Go " + (m.find() ? m.group().substring(2) : major + "." + minor + "." + patch);
    }
}
