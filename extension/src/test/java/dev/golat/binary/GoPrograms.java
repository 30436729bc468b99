// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builds the small Go program below with a given toolchain and flags, for tests that need variants of one binary. */
final class GoPrograms {
    /** Line numbers matter: the inline tests map the compiler's "inlining call to" lines to these functions. */
    static final String SOURCE = """
            package main

            import (
            	"fmt"
            	"os"
            )

            type clientConn struct{ n int }

            //go:noinline
            func (c *clientConn) handleStmtExecute(id int) int { return c.n + square(id) }

            func square(x int) int { return x * x }

            //go:noinline
            func never(x int) int { return x + 1 }

            var keep = square

            func main() {
            	c := &clientConn{n: 1}
            	fmt.Println(c.handleStmtExecute(3), square(len(os.Args)), never(5), keep(6))
            }
            """;

    private GoPrograms() {}

    /** Builds {@link #SOURCE} into {@code dir/name}; returns the binary. Extra env such as GOARCH=arm64. */
    static Path build(Path dir, String goVersion, String name, Map<String, String> env, String... flags) {
        return buildWithOutput(dir, goVersion, name, env, flags).binary();
    }

    record Build(Path binary, String output) {}

    static Build buildWithOutput(Path dir, String goVersion, String name, Map<String, String> env, String... flags) {
        try {
            Path src = dir.resolve("src-" + name);
            Files.createDirectories(src);
            Files.writeString(src.resolve("main.go"), SOURCE);
            Files.writeString(src.resolve("go.mod"), "module example.com/golat/binarytest\n\ngo 1.19\n");
            Path out = dir.resolve(name);
            List<String> cmd = new ArrayList<>(List.of(Oracles.goBinary(goVersion).toString(), "build", "-o", out.toString()));
            cmd.addAll(List.of(flags));
            cmd.add(".");
            Map<String, String> e = new HashMap<>(Map.of("CGO_ENABLED", "0"));
            e.putAll(env);
            String output = Oracles.run(cmd, src, e, true);
            if (!Files.isRegularFile(out)) {
                throw new IllegalStateException("go build " + String.join(" ", flags) + " failed: " + output);
            }
            return new Build(out, output);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
