// SPDX-License-Identifier: Apache-2.0
package dev.golat.container;

import dev.golat.binary.ElfDynamic;
import dev.golat.binary.GoBinaryException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds on the host what the dynamic loader will look for when a dynamically linked binary starts in a
 * {@code FROM scratch} image: its {@code PT_INTERP} interpreter and, transitively, every {@code DT_NEEDED}
 * library. The search follows the loader's order, approximated without {@code /etc/ld.so.cache} (the image has
 * none, so the loader in the container searches exactly this): the requester's {@code DT_RPATH} (and the
 * executable's, when the requester has no {@code DT_RUNPATH}), then its {@code DT_RUNPATH}, then, standing in for
 * the host's {@code /etc/ld.so.cache}, the folders of {@code /etc/ld.so.conf} (its {@code include}s followed) and
 * the system folders {@link #SYSTEM_DIRS}. {@code $ORIGIN} expands to the requester's folder. A name that is
 * already loaded (as a file name or {@code DT_SONAME}) is not loaded again, and a name with a {@code /} is a path.
 *
 * <p>Each library goes into the image at a path the container's loader will try, which has no cache: the folder
 * it was found in plus the needed name (not the end of the symlink chain) when that folder is a RUNPATH or one
 * the loader searches by default ({@link #loaderDirs}), else the first default folder. The bytes are those of the
 * file the host's symlinks lead to. {@code root} stands for the host's {@code /}, so tests can give a smaller world.
 */
final class SharedLibraries {
    /** Searched on the host after the RUNPATH and ld.so.conf folders. */
    static final List<String> SYSTEM_DIRS = List.of(
            "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib");
    /** Where glibc's loader looks without a cache ({@code ld.so --help} on Debian 12: "system search path"). */
    static final List<String> GLIBC_DIRS = List.of("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib", "/usr/lib");
    /** musl's default path ({@code ldso/dynlink.c}: {@code "/lib:/usr/local/lib:/usr/lib"}). */
    static final List<String> MUSL_DIRS = List.of("/lib", "/usr/local/lib", "/usr/lib");

    /** One file the image needs: where the container's loader looks for it, and the host file with its bytes. */
    record Entry(String pathInImage, Path hostFile, String neededBy) {}

    /** What a binary needs from the loader. {@code missing} is empty when the image can be built. */
    record Resolution(ElfDynamic binary, String interpreter, List<Entry> files, List<String> missing,
            List<String> searched) {
        boolean isDynamic() {
            return binary.isDynamic();
        }

        boolean complete() {
            return missing.isEmpty();
        }
    }

    private final Path root;

    SharedLibraries(Path root) {
        this.root = root;
    }

    /** The host's own libraries. */
    static SharedLibraries host() {
        return new SharedLibraries(Path.of("/"));
    }

    /**
     * Resolves everything {@code binary} needs from the loader, the binary going to {@code binaryInImage}.
     *
     * @throws GoContainerException when {@code binary} or one of its libraries is not a readable amd64 ELF file
     */
    Resolution resolve(Path binary, String binaryInImage) {
        ElfDynamic exe = read(binary, binary);
        List<Entry> files = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> searched = new ArrayList<>();
        Set<String> loaded = new HashSet<>(); // names and sonames of the objects the loader has mapped
        String interp = exe.interpreter().orElse(null);
        if (interp != null) {
            Path host = hostFile(interp);
            if (host == null) {
                missing.add("interpreter " + interp);
            } else {
                files.add(new Entry(interp, host, binary.toString()));
                loaded.add(Path.of(interp).getFileName().toString());
                read(host, binary).soname().ifPresent(loaded::add); // libsystemd needs ld-linux-x86-64.so.2 by name
            }
        }
        List<String> loaderDirs = loaderDirs(interp);
        List<Dir> defaults = new ArrayList<>();
        for (String d : concat(ldSoConf(), SYSTEM_DIRS)) {
            Dir dir = new Dir(d, loaderDirs.contains(d) ? d : loaderDirs.get(0));
            if (!defaults.contains(dir)) {
                defaults.add(dir);
            }
        }
        Deque<Requester> queue = new ArrayDeque<>();
        queue.add(new Requester(exe, underRoot(binary.getParent()), Path.of(binaryInImage).getParent().toString()));
        while (!queue.isEmpty()) {
            Requester who = queue.poll();
            List<Dir> dirs = searchDirs(who, exe, defaults);
            for (String name : who.elf().needed()) {
                if (!loaded.add(name)) {
                    continue;
                }
                Found found = find(name, dirs, who.elf().path().toString());
                if (found == null) {
                    missing.add(name + " (needed by " + who.elf().path() + ")");
                    dirs.stream().map(Dir::host).filter(d -> !searched.contains(d)).forEach(searched::add);
                    continue;
                }
                files.add(found.entry());
                ElfDynamic lib = read(found.entry().hostFile(), binary);
                lib.soname().ifPresent(loaded::add);
                String imageDir = Path.of(found.entry().pathInImage()).getParent().toString();
                queue.add(new Requester(lib, found.hostDir(), imageDir));
            }
        }
        return new Resolution(exe, interp, List.copyOf(files), List.copyOf(missing), List.copyOf(searched));
    }

    /** An object whose DT_NEEDED entries are still to load, with its folder on the host and in the image. */
    private record Requester(ElfDynamic elf, String hostOrigin, String imageOrigin) {}

    /**
     * A folder to search, on the host and in the image: they differ through {@code $ORIGIN}, and where the loader in the
     * image would not search the host's folder.
     */
    private record Dir(String host, String image) {}

    private record Found(Entry entry, String hostDir) {}

    /** The folders searched, in the loader's order, for the libraries {@code who} needs. */
    private static List<Dir> searchDirs(Requester who, ElfDynamic exe, List<Dir> defaults) {
        List<Dir> dirs = new ArrayList<>();
        if (who.elf().runpath().isEmpty()) {
            who.elf().rpath().forEach(d -> dirs.add(expand(d, who)));
            if (who.elf() != exe) {
                exe.rpath().forEach(d -> dirs.add(expand(d, who)));
            }
        }
        who.elf().runpath().forEach(d -> dirs.add(expand(d, who)));
        dirs.addAll(defaults);
        return dirs;
    }

    /** The folders the container's loader searches by default, by the interpreter's name (glibc's when unknown). */
    static List<String> loaderDirs(String interpreter) {
        return interpreter != null && Path.of(interpreter).getFileName().toString().startsWith("ld-musl") ? MUSL_DIRS : GLIBC_DIRS;
    }

    /** The folders of {@code /etc/ld.so.conf} under {@link #root}, in order, {@code include} globs followed. */
    List<String> ldSoConf() {
        List<String> dirs = new ArrayList<>();
        readConf(hostPath("/etc/ld.so.conf"), dirs, 0);
        return dirs;
    }

    private void readConf(Path conf, List<String> dirs, int depth) {
        List<String> lines;
        try {
            lines = Files.readAllLines(conf);
        } catch (IOException e) {
            return; // no config: the system folders only
        }
        for (String raw : lines) {
            String line = raw.replaceFirst("#.*", "").strip();
            if (line.startsWith("include ") && depth < 4) {
                String pattern = line.substring("include ".length()).strip();
                Path dir = hostPath(Path.of(pattern).getParent().toString());
                String glob = Path.of(pattern).getFileName().toString();
                try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, glob)) {
                    List<Path> sorted = new ArrayList<>();
                    files.forEach(sorted::add);
                    sorted.stream().sorted().forEach(f -> readConf(f, dirs, depth + 1));
                } catch (IOException e) {
                    // an include of a missing folder adds nothing, as for ldconfig
                }
            } else if (line.startsWith("/") && !dirs.contains(line)) {
                dirs.add(Path.of(line).normalize().toString());
            }
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static Dir expand(String dir, Requester who) {
        if (!dir.contains("$ORIGIN") && !dir.contains("${ORIGIN}")) {
            return new Dir(dir, dir);
        }
        return new Dir(normalize(dir.replace("${ORIGIN}", who.hostOrigin()).replace("$ORIGIN", who.hostOrigin())),
                normalize(dir.replace("${ORIGIN}", who.imageOrigin()).replace("$ORIGIN", who.imageOrigin())));
    }

    private static String normalize(String path) {
        return Path.of(path).normalize().toString();
    }

    /** The library {@code name} in the first folder that has it, or null. */
    private Found find(String name, List<Dir> dirs, String neededBy) {
        if (name.contains("/")) { // a path, not a name: the loader opens it as it is
            Path host = hostFile(name);
            return host == null || !name.startsWith("/") ? null
                    : new Found(new Entry(name, host, neededBy), Path.of(name).getParent().toString());
        }
        for (Dir d : dirs) {
            if (!d.host().startsWith("/")) {
                continue; // a relative RUNPATH is relative to the working folder: not reproducible in the image
            }
            Path host = hostFile(d.host() + "/" + name);
            if (host != null) {
                return new Found(new Entry(d.image() + "/" + name, host, neededBy), d.host());
            }
        }
        return null;
    }

    /**
     * Why {@code resolution} cannot become a {@code FROM scratch} image, and the ways out; for {@link
     * Resolution#complete() incomplete} resolutions only.
     */
    static String missingMessage(Path binary, String binaryInImage, Resolution resolution) {
        ElfDynamic elf = resolution.binary();
        StringBuilder m = new StringBuilder("fromBinary(").append(binary).append("): the binary is dynamically linked (interpreter ")
                .append(resolution.interpreter() == null ? "none" : resolution.interpreter())
                .append(", needs ").append(String.join(", ", elf.needed())).append(") and this host lacks ")
                .append(String.join(", ", resolution.missing()));
        if (!resolution.searched().isEmpty()) {
            m.append("; searched ").append(String.join(", ", resolution.searched()));
        }
        String base = resolution.interpreter() != null && resolution.interpreter().contains("ld-linux")
                ? "a glibc base such as debian:bookworm-slim" : "a base that has its loader and libraries";
        return m.append(". A FROM scratch image cannot run it without them. Ways out: install the missing libraries on this "
                        + "host; or GoContainer.fromImage(\"<image>\", \"").append(binaryInImage)
                .append("\") with an image built on ").append(base).append(" that holds the binary; or GoContainer.fromDockerfile(dir, \"")
                .append(binaryInImage).append("\") with a Dockerfile that installs them; or rebuild the binary static (CGO_ENABLED=0).")
                .toString();
    }

    /** {@code dir} as an absolute path in the world of {@link #root} ({@code $ORIGIN} of the executable). */
    private String underRoot(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        Path r = root.toAbsolutePath().normalize();
        return abs.startsWith(r) ? "/" + r.relativize(abs) : abs.toString();
    }

    private Path hostPath(String absolute) {
        return root.resolve(absolute.startsWith("/") ? absolute.substring(1) : absolute);
    }

    /** The regular file that {@code absolute} leads to under {@link #root}, symlinks followed, or null. */
    private Path hostFile(String absolute) {
        Path p = hostPath(absolute);
        try {
            Path real = p.toRealPath();
            return Files.isRegularFile(real) && Files.isReadable(real) ? real : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static ElfDynamic read(Path file, Path binary) {
        try {
            return ElfDynamic.read(file);
        } catch (GoBinaryException e) {
            throw new GoContainerException((file.equals(binary) ? "" : "a library of " + binary + ": ") + e.getMessage()
                    + (file.equals(binary) ? "; fromBinary needs an amd64 ELF executable (a Go binary)" : ""), e);
        }
    }
}
