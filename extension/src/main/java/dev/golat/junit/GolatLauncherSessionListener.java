// SPDX-License-Identifier: Apache-2.0
package dev.golat.junit;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.apiguardian.api.API;

/**
 * Registered through {@code ServiceLoader}, so it runs when the JUnit Platform opens its session, under
 * Maven, Gradle and IDEs alike, before any test class (or logger) is loaded: it applies golat's logging
 * defaults ({@link QuietLibraries}). Not for direct use.
 */
@API(status = API.Status.INTERNAL)
public final class GolatLauncherSessionListener implements LauncherSessionListener {
    /** Called by the JUnit Platform's {@code ServiceLoader}. */
    public GolatLauncherSessionListener() {}

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        QuietLibraries.apply();
    }
}
