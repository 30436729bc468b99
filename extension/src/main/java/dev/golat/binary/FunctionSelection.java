// SPDX-License-Identifier: Apache-2.0
package dev.golat.binary;

import java.util.List;
import org.apiguardian.api.API;

/**
 * What one name selects in a binary: one function, or every instantiation of one generic function. Go compiles a
 * generic function once per GC shape, and every such body is a function of its own in the pclntab
 * ({@code main.Hold[go.shape.int]}, {@code main.Hold[go.shape.string]}, ...; Go 1.18–1.20 write each of them
 * {@code main.Hold[...]}). The dictionary wrappers the compiler adds for concrete type arguments
 * ({@code main.(*Stack[int]).Push}, funcID wrapper) only call a body, so they are listed apart, never selected
 * together with the bodies (each call would be counted twice).
 *
 * @param name      the generic name ({@code main.Hold[...]}) when the selection holds several instantiations, else the
 *                  one function's most specific name
 * @param instances the selected functions, sorted by entry
 * @param wrappers  dictionary wrappers of the same generic function that were left out
 */
@API(status = API.Status.INTERNAL)
public record FunctionSelection(String name, List<Instance> instances, List<Instance> wrappers) {
    public FunctionSelection {
        instances = List.copyOf(instances);
        wrappers = List.copyOf(wrappers);
        if (instances.isEmpty()) {
            throw new IllegalArgumentException(name + ": a selection needs at least one function");
        }
    }

    /**
     * One selected function with the most specific name known for it: the pclntab name (Go 1.21+ spells the shapes:
     * {@code main.Hold[go.shape.int]}), else the {@code .symtab} name at its entry (Go 1.18–1.20:
     * {@code main.Hold[go.shape.int_0]}), else the pclntab's {@code main.Hold[...]} (stripped Go 1.18–1.20).
     */
    public record Instance(GoFunction function, String name) {
        /** Whether {@link #name} says which shape this is, so that the name alone picks it. */
        public boolean shapeKnown() {
            return !name.contains("[...]");
        }

        /** {@code main.Hold[go.shape.int] (0x4e2720)}. */
        @Override
        public String toString() {
            return String.format("%s (0x%x)", name, function.entry());
        }
    }

    /** Whether this holds several instantiations of a generic function (then {@link #name} is its generic name). */
    public boolean isGeneric() {
        return instances.size() > 1;
    }

    /** The selected functions, sorted by entry. */
    public List<GoFunction> functions() {
        return instances.stream().map(Instance::function).toList();
    }
}
