// SPDX-License-Identifier: Apache-2.0
package dev.golat.junit;

import java.io.IOException;
import java.net.URL;
import java.util.Enumeration;
import java.util.List;

/**
 * Keeps the libraries under golat (Testcontainers, docker-java) at WARN, so that golat's own lines (plan,
 * histogram, verdict, report path) stand out, and keeps SLF4J quiet in a project without a binding. Runs
 * once per JVM, before golat or Testcontainers create their first logger (from {@link
 * GolatLauncherSessionListener} when the JUnit Platform starts, else when {@link GolatExtension} loads).
 * Nothing the user set is overridden:
 *
 * <ul>
 *   <li>no SLF4J provider on the class path and no {@code slf4j.provider} set: SLF4J's no-operation
 *       provider is named explicitly ({@code slf4j.provider}, {@code slf4j.internal.verbosity=WARN}), so
 *       SLF4J prints no "no providers" warning;</li>
 *   <li>slf4j-simple: {@code org.slf4j.simpleLogger.log.<logger>=warn} for each of {@link #LOGGERS} that
 *       has no level of its own;</li>
 *   <li>Logback without a configuration file (its default logs everything at DEBUG): those loggers get
 *       WARN.</li>
 * </ul>
 *
 * To see the libraries' logs, give their loggers a level (for example
 * {@code -Dorg.slf4j.simpleLogger.log.org.testcontainers=info}, or a {@code logback-test.xml}).
 */
final class QuietLibraries {
    /** Testcontainers, its container loggers ({@code tc.<image>}), docker-java. */
    static final List<String> LOGGERS = List.of("org.testcontainers", "tc", "com.github.dockerjava");

    static final String SIMPLE_PREFIX = "org.slf4j.simpleLogger.log.";

    private static boolean done;

    private QuietLibraries() {}

    static synchronized void apply() {
        if (done) {
            return;
        }
        done = true;
        ClassLoader loader = loader();
        try {
            if (System.getProperty("slf4j.provider") == null && !hasProvider(loader)) {
                System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
                if (System.getProperty("slf4j.internal.verbosity") == null) {
                    System.setProperty("slf4j.internal.verbosity", "WARN");
                }
                return;
            }
            if (present(loader, "org.slf4j.simple.SimpleLogger")) {
                for (String logger : LOGGERS) {
                    if (System.getProperty(SIMPLE_PREFIX + logger) == null) {
                        System.setProperty(SIMPLE_PREFIX + logger, "warn");
                    }
                }
            }
            if (present(loader, "ch.qos.logback.classic.LoggerContext") && !logbackConfigured(loader)) {
                LogbackLevels.warn(LOGGERS);
            }
        } catch (RuntimeException | LinkageError e) {
            // Logging defaults are a courtesy: never fail a test over them.
        }
    }

    /** An SLF4J 2 provider (ServiceLoader file) or an SLF4J 1.7 binding. */
    static boolean hasProvider(ClassLoader loader) {
        return resources(loader, "META-INF/services/org.slf4j.spi.SLF4JServiceProvider")
                || loader.getResource("org/slf4j/impl/StaticLoggerBinder.class") != null;
    }

    private static boolean logbackConfigured(ClassLoader loader) {
        return System.getProperty("logback.configurationFile") != null
                || loader.getResource("logback-test.xml") != null
                || loader.getResource("logback.xml") != null
                || resources(loader, "META-INF/services/ch.qos.logback.classic.spi.Configurator");
    }

    private static boolean resources(ClassLoader loader, String name) {
        try {
            Enumeration<URL> e = loader.getResources(name);
            return e.hasMoreElements();
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean present(ClassLoader loader, String className) {
        return loader.getResource(className.replace('.', '/') + ".class") != null;
    }

    private static ClassLoader loader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : QuietLibraries.class.getClassLoader();
    }

    /** Logback through reflection: golat does not depend on it. */
    private static final class LogbackLevels {
        static void warn(List<String> loggers) {
            try {
                Class<?> level = Class.forName("ch.qos.logback.classic.Level", true, loader());
                Object warn = level.getField("WARN").get(null);
                for (String name : loggers) {
                    Object logger = org.slf4j.LoggerFactory.getLogger(name);
                    if (logger.getClass().getName().equals("ch.qos.logback.classic.Logger")
                            && logger.getClass().getMethod("getLevel").invoke(logger) == null) {
                        logger.getClass().getMethod("setLevel", level).invoke(logger, warn);
                    }
                }
            } catch (ReflectiveOperationException e) {
                // an unknown Logback: leave it as configured
            }
        }
    }
}
