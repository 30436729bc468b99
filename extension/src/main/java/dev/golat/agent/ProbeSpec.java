// SPDX-License-Identifier: Apache-2.0
package dev.golat.agent;

import dev.golat.plan.EntryKind;
import dev.golat.plan.ProbePlan;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apiguardian.api.API;

/**
 * One function to trace, as the agent's {@code probe} command states it: file offsets (not virtual addresses)
 * of the entry site, of the prologue's {@code CALL runtime.morestack*} sites, and of every {@code RET}.
 *
 * @param id               0 .. {@link AgentProtocol#MAX_PROBES} - 1, unique within a session
 * @param name             the function, for messages (no whitespace)
 * @param entryFileOffset  file offset of the entry site
 * @param entryKind        {@link EntryKind#JCC} for the prologue's stack-check jump, {@link EntryKind#FIRST} for +0
 * @param morestackOffsets file offsets of the morestack CALLs (empty when the function has no stack check)
 * @param returnOffsets    file offsets of every RET (at least one)
 * @param keyMode          how entries and returns are paired ({@link KeyMode#THREAD} is a test-only control)
 * @param mode             {@link Mode#EMPTY} attaches empty programs at the same sites (benchmark floor)
 * @param breakdown        also break each call down by goroutine state (needs a {@link BreakdownSpec} in the session)
 */
@API(status = API.Status.INTERNAL)
public record ProbeSpec(int id, String name, long entryFileOffset, EntryKind entryKind, List<Long> morestackOffsets,
        List<Long> returnOffsets, KeyMode keyMode, Mode mode, boolean breakdown) {

    /** Pairing key: the goroutine frame (correct) or the thread (wrong on purpose, for tests). */
    public enum KeyMode { GOROUTINE, THREAD }

    /** Measure, or only pay the kernel's cost per hit. */
    public enum Mode { MEASURE, EMPTY }

    public ProbeSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(entryKind, "entryKind");
        Objects.requireNonNull(keyMode, "keyMode");
        Objects.requireNonNull(mode, "mode");
        if (id < 0 || id >= AgentProtocol.MAX_PROBES) {
            throw new IllegalArgumentException("probe id " + id + " of " + name + " is outside 0.."
                    + (AgentProtocol.MAX_PROBES - 1));
        }
        if (name.isEmpty() || name.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("probe " + id + ": function name '" + name
                    + "' must be non-empty and without whitespace");
        }
        morestackOffsets = List.copyOf(morestackOffsets);
        returnOffsets = List.copyOf(returnOffsets);
        if (returnOffsets.isEmpty()) {
            throw new IllegalArgumentException("probe " + id + " " + name + " has no RET: a function that ends in a"
                    + " tail jump cannot be measured; trace its caller or the function it jumps to");
        }
        if (breakdown && (keyMode != KeyMode.GOROUTINE || mode != Mode.MEASURE)) {
            throw new IllegalArgumentException("probe " + id + " " + name + ": a breakdown needs goroutine keys and"
                    + " mode MEASURE");
        }
        checkOffset(id, name, "entry", entryFileOffset);
        for (long off : morestackOffsets) {
            checkOffset(id, name, "morestack", off);
        }
        for (long off : returnOffsets) {
            checkOffset(id, name, "return", off);
        }
    }

    /** A spec without breakdown. */
    public ProbeSpec(int id, String name, long entryFileOffset, EntryKind entryKind, List<Long> morestackOffsets,
            List<Long> returnOffsets, KeyMode keyMode, Mode mode) {
        this(id, name, entryFileOffset, entryKind, morestackOffsets, returnOffsets, keyMode, mode, false);
    }

    /** The same probe, with or without the per-call breakdown. */
    public ProbeSpec withBreakdown(boolean on) {
        return new ProbeSpec(id, name, entryFileOffset, entryKind, morestackOffsets, returnOffsets, keyMode, mode, on);
    }

    /** A measuring, goroutine-keyed probe. */
    public static ProbeSpec of(int id, String name, long entryFileOffset, EntryKind entryKind,
            List<Long> morestackOffsets, List<Long> returnOffsets) {
        return new ProbeSpec(id, name, entryFileOffset, entryKind, morestackOffsets, returnOffsets,
                KeyMode.GOROUTINE, Mode.MEASURE);
    }

    /**
     * What the agent needs of {@code plan}: a measuring, goroutine-keyed probe with this id. Whitespace in the name
     * (a struct shape: {@code main.Hold[go.shape.struct { X int }]}) becomes {@code _} on the wire.
     */
    public static ProbeSpec of(int id, ProbePlan plan) {
        return of(id, plan.function().replaceAll("\\s", "_"), plan.entrySite().fileOffset(), plan.entrySite().kind(),
                plan.morestackSites(), plan.returns());
    }

    /** The same sites under another id, pairing key or mode (controls and benchmark floors). */
    public ProbeSpec with(int newId, KeyMode newKeyMode, Mode newMode) {
        return new ProbeSpec(newId, name, entryFileOffset, entryKind, morestackOffsets, returnOffsets, newKeyMode,
                newMode);
    }

    /** Every uprobe this spec attaches. */
    public int uprobeCount() {
        return 1 + morestackOffsets.size() + returnOffsets.size();
    }

    /** The {@code probe} command line. */
    String toLine() {
        return "probe " + id + " " + name
                + " entry=" + Long.toHexString(entryFileOffset) + ":" + entryKind.wireName()
                + " morestack=" + (morestackOffsets.isEmpty() ? "-" : hex(morestackOffsets))
                + " ret=" + hex(returnOffsets)
                + " key=" + keyMode.name().toLowerCase(Locale.ROOT)
                + " mode=" + mode.name().toLowerCase(Locale.ROOT)
                + (breakdown ? " breakdown=on" : "");
    }

    private static String hex(List<Long> offsets) {
        return offsets.stream().map(Long::toHexString).collect(Collectors.joining(","));
    }

    private static void checkOffset(int id, String name, String site, long off) {
        if (off < 0) {
            throw new IllegalArgumentException("probe " + id + " " + name + ": " + site + " file offset " + off
                    + " is negative");
        }
    }
}
