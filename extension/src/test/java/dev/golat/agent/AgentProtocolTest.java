// SPDX-License-Identifier: Apache-2.0
package dev.golat.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.golat.testbins.GoTestBinaries;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Java mirrors of agent/src/golat.h agree with it, #define by #define. */
class AgentProtocolTest {
    private static final Pattern DEFINE = Pattern.compile("^#define GOLAT_(\\w+) (.+?)\\s*$", Pattern.MULTILINE);
    /** Internal to the agent: the BPF cookie layout and the in-flight flag never cross the protocol. */
    private static final Set<String> C_ONLY = Set.of("COOKIE_PROBE_MASK", "COOKIE_THREAD_KEY", "FLAG_REENTRY_PENDING");

    static Map<String, String> defines() throws IOException {
        Path header = GoTestBinaries.root().resolve("agent/src/golat.h");
        Map<String, String> defines = new LinkedHashMap<>();
        Matcher m = DEFINE.matcher(Files.readString(header));
        while (m.find()) {
            defines.put(m.group(1), m.group(2));
        }
        return defines;
    }

    @Test
    void every_define_of_golat_h_has_an_equal_java_constant() throws Exception {
        Map<String, String> defines = defines();
        assertThat(defines).containsKeys("PROTOCOL_VERSION", "NBUCKETS", "SUB_BITS", "ERR_EPERM", "MAX_PROBES");
        for (Map.Entry<String, String> d : defines.entrySet()) {
            if (C_ONLY.contains(d.getKey())) {
                continue;
            }
            Object java = constant(d.getKey());
            String c = d.getValue();
            if (c.startsWith("\"")) {
                assertThat(java).as("GOLAT_%s", d.getKey()).isEqualTo(c.substring(1, c.length() - 1));
            } else {
                assertThat(((Number) java).longValue()).as("GOLAT_%s", d.getKey()).isEqualTo(Long.decode(c));
            }
        }
    }

    @Test
    void bucket_count_follows_from_sub_bits_and_max_exp() {
        assertThat(Buckets.NBUCKETS)
                .isEqualTo(Buckets.SUB_BUCKETS + (Buckets.MAX_EXP - Buckets.SUB_BITS + 1) * Buckets.SUB_BUCKETS);
        assertThat(Buckets.SUB_BUCKETS).isEqualTo(1 << Buckets.SUB_BITS);
    }

    @Test
    void greeting_is_what_the_agent_prints() throws IOException {
        Map<String, String> d = defines();
        assertThat(AgentProtocol.greeting()).isEqualTo("golat-agent " + d.get("PROTOCOL_VERSION") + " buckets="
                + d.get("SUB_BITS") + "," + d.get("NBUCKETS"));
    }

    private static Object constant(String name) throws IllegalAccessException {
        for (Class<?> c : new Class<?>[] {AgentProtocol.class, Buckets.class}) {
            try {
                Field f = c.getDeclaredField(name);
                assertThat(Modifier.isStatic(f.getModifiers())).as(name).isTrue();
                f.setAccessible(true);
                return f.get(null);
            } catch (NoSuchFieldException e) {
                // try the next class
            }
        }
        throw new AssertionError("golat.h defines GOLAT_" + name + " but neither AgentProtocol nor Buckets has " + name);
    }
}
