// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.golat.testbins.GoTestBinaries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad inputs a user gives by mistake, each with its exact message: a directory, a FIFO, a file this user cannot
 * read, a name with a space or a lookalike non-ASCII letter, a glob that matches nothing; and a name outside ASCII
 * that exists ({@code main.grüße}), which must be found.
 */
class BadPathAndNameTest {
    private static final Path WORKLOAD = GoTestBinaries.program("go1.26", "workload");

    @Test
    void a_directory_is_not_a_binary_and_the_message_names_the_executable_inside(@TempDir Path dir) throws Exception {
        Path app = dir.resolve("app");
        Files.createDirectory(app);
        Files.copy(WORKLOAD, app.resolve("server"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.writeString(app.resolve("README"), "not executable");

        assertThatThrownBy(() -> GoBinary.open(app)).isInstanceOf(GoBinaryException.class)
                .hasMessage(app + " is a directory, not a Go binary: give the path of the executable inside it, e.g. "
                        + app.resolve("server"));
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertThatThrownBy(() -> GoBinary.open(empty))
                .hasMessage(empty + " is a directory, not a Go binary: give the path of the executable file");
    }

    @Test
    void a_fifo_is_refused_without_blocking_on_it(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("pipe");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0).as("mkfifo").isTrue();

        assertThatThrownBy(() -> GoBinary.open(fifo)).isInstanceOf(GoBinaryException.class)
                .hasMessage(fifo + " is a FIFO (named pipe), not a Go binary: give the path of the executable file");
    }

    @Test
    void a_file_this_user_cannot_read_says_who_and_how_to_fix_it(@TempDir Path dir) throws Exception {
        // root reads any file whatever its mode, except a /proc/sys file without a read bit (write-only: 0200)
        String user = System.getProperty("user.name");
        Path unreadable = user.equals("root") ? Path.of("/proc/sys/vm/drop_caches")
                : Files.setPosixFilePermissions(Files.copy(WORKLOAD, dir.resolve("locked")), PosixFilePermissions.fromString("---------"));
        assertThat(Files.isRegularFile(unreadable)).isTrue();
        assertThat(Files.isReadable(unreadable)).isFalse();

        assertThatThrownBy(() -> GoBinary.open(unreadable)).isInstanceOf(GoBinaryException.class)
                .hasMessage("cannot read " + unreadable + ": permission denied for user " + user
                        + ": make it readable by this user, or run golat as one who can read it");
    }

    @Test
    void a_name_with_a_space_says_where_the_space_is() {
        GoBinary bin = GoBinary.open(WORKLOAD);
        assertThatThrownBy(() -> bin.select("main.(*fleet) M0001")).isInstanceOf(GoBinaryException.class)
                .hasMessageStartingWith("no Go function 'main.(*fleet) M0001' in " + WORKLOAD + " (Go 1.26")
                .hasMessageContaining(" functions); the name has a space at index 13, and Go function names have none "
                        + "outside type arguments: check the quoting (e.g. \"main.(*T).Method\"); closest: main.(*fleet).M0001");
    }

    @Test
    void a_lookalike_non_ascii_letter_is_named_with_its_code_point() {
        GoBinary bin = GoBinary.open(WORKLOAD);
        String cyrillic = "main.sm\u0430llNonLeaf"; // U+0430 CYRILLIC SMALL LETTER A in place of 'a'
        assertThatThrownBy(() -> bin.select(cyrillic)).isInstanceOf(GoBinaryException.class)
                .hasMessageStartingWith("no Go function '" + cyrillic + "' in " + WORKLOAD + " (Go 1.26")
                .hasMessageContaining(" functions); the name has the non-ASCII character '\u0430' (U+0430, CYRILLIC SMALL "
                        + "LETTER A) at index 7, which no function name in this binary has: retype it in ASCII; closest: "
                        + "main.smallNonLeaf");
    }

    @Test
    void a_name_outside_ascii_that_exists_is_found_by_every_path() {
        GoBinary fresh = GoBinary.open(WORKLOAD); // the fast path (no index yet)
        assertThat(fresh.lookup("main.grüße").name()).isEqualTo("main.grüße");
        assertThat(fresh.select("grüße").name()).isEqualTo("main.grüße");
        GoBinary indexed = GoBinary.open(WORKLOAD);
        indexed.lookupAll("main.*"); // builds the index
        assertThat(indexed.select("main.grü?e").name()).isEqualTo("main.grüße");
    }

    @Test
    void a_glob_that_matches_nothing_lists_close_names() {
        GoBinary bin = GoBinary.open(WORKLOAD);
        assertThatThrownBy(() -> bin.select("main.smalNon*")).isInstanceOf(GoBinaryException.class)
                .hasMessageStartingWith("no Go function matches the glob 'main.smalNon*' in " + WORKLOAD + " (Go 1.26")
                .hasMessageContaining(" functions); closest: main.smallNonLeaf");
    }
}
