// SPDX-License-Identifier: Apache-2.0
package dev.golat.plan;

import dev.golat.binary.FunctionSelection;
import dev.golat.binary.GlobSelection;
import dev.golat.binary.GoBinary;
import dev.golat.binary.GoFunction;
import dev.golat.x86.ProbeSites;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apiguardian.api.API;

/**
 * Turns what the user wrote ({@code handleStmtExecute}, {@code f+12}, {@code 0x4a1b20}) into a {@link ProbePlan}:
 * resolves the name in the pclntab, decodes the function, chooses the entry site, finds every RET and
 * {@code CALL runtime.morestack*}, and converts addresses to file offsets. Pure Java, no privileges.
 */
@API(status = API.Status.INTERNAL)
public final class Planner {
    private final GoBinary binary;

    private Planner(GoBinary binary) {
        this.binary = binary;
    }

    public static Planner of(Path binary) {
        return new Planner(GoBinary.open(binary));
    }

    public static Planner of(GoBinary binary) {
        return new Planner(binary);
    }

    public GoBinary binary() {
        return binary;
    }

    /**
     * Plans what a traced name selects (see {@link GoBinary#select}): one function, or every instantiation of a
     * generic function. An address at a function's entry plans that function as its name would; any other address
     * or an offset plans one probe point, as {@link #plan} does.
     */
    public FunctionPlan planFunction(String spec) {
        PointName fs = PointName.parse(spec);
        if (fs.isAddress()) {
            GoFunction fn = containing(fs);
            if (fn.entry() == fs.address()) {
                return new FunctionPlan(fs.text(), fn.name(), List.of(planAt(fs, fn, fn.name(), fn.entry(), false)));
            }
            ProbePlan p = plan(spec);
            return new FunctionPlan(fs.text(), p.function(), List.of(p));
        }
        if (fs.hasOffset()) {
            ProbePlan p = plan(spec);
            return new FunctionPlan(fs.text(), p.function(), List.of(p));
        }
        return planSelection(fs, fs.text(), binary.select(fs.name()));
    }

    /**
     * Plans what a traced name selects when it may be a glob over many functions (see {@link GoBinary#selectAll}):
     * one plan per function, each named by its full name (a generic function's by its generic name). A plain name,
     * an address, an offset, or a glob that matches one function plans what {@link #planFunction} plans. Plans that
     * cannot be measured are returned too (their warnings say why): the caller decides.
     */
    public GlobPlan planFunctions(String spec) {
        PointName fs = PointName.parse(spec);
        if (fs.isAddress() || fs.hasOffset() || !GoBinary.isGlob(fs.name())) {
            return new GlobPlan(fs.text(), false, List.of(planFunction(spec)), List.of(), java.util.Map.of());
        }
        GlobSelection all = binary.selectAll(fs.name());
        if (!all.isMany()) {
            return new GlobPlan(fs.text(), false, List.of(planSelection(fs, fs.text(), all.functions().get(0))), all.wrappers(),
                    java.util.Map.of());
        }
        List<FunctionPlan> plans = new ArrayList<>();
        for (FunctionSelection s : all.functions()) {
            plans.add(planSelection(fs, s.name(), s));
        }
        return new GlobPlan(fs.text(), true, plans, all.wrappers(), all.inlinedOnly());
    }

    private FunctionPlan planSelection(PointName fs, String spec, FunctionSelection selection) {
        List<ProbePlan> plans = new ArrayList<>();
        for (FunctionSelection.Instance i : selection.instances()) {
            plans.add(planAt(fs, i.function(), i.name(), i.function().entry(), false));
        }
        return new FunctionPlan(spec, selection.name(), plans);
    }

    /**
     * Where a goroutine's stack moves, for the agent's {@code stacks} command: the entry site of
     * {@code runtime.copystack} (RAX = the g whose stack is about to be copied) and every RET of
     * {@code runtime.newproc1} (RAX = the new goroutine's g, which may have been given another stack). With them the
     * agent keeps each goroutine's {@code g.stack.hi} between calls instead of reading it at every hit. Empty when
     * either function is missing, has no RET, or has copies inlined elsewhere (a move there would go unseen): the
     * agent then reads {@code g.stack.hi} at every hit, as before.
     */
    public List<Long> stackMoveSites() {
        try {
            ProbePlan copy = plan("runtime.copystack");
            ProbePlan start = plan("runtime.newproc1");
            if (!copy.warnings().isEmpty() || !start.warnings().isEmpty() || !start.measurable()) {
                return List.of();
            }
            List<Long> sites = new ArrayList<>();
            sites.add(copy.entrySite().fileOffset());
            sites.addAll(start.returns());
            return List.copyOf(sites);
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /** Plans one probe point; bad names and offsets fail with a {@link PlanException} or GoBinaryException. */
    public ProbePlan plan(String spec) {
        PointName fs = PointName.parse(spec);
        if (fs.isAddress()) {
            return planAt(fs, containing(fs), null, fs.address(), true);
        }
        GoFunction fn = binary.lookup(fs.name());
        return planAt(fs, fn, null, fs.hasOffset() ? fn.entry() + fs.offset() : fn.entry(), fs.hasOffset());
    }

    /** The runtime functions the breakdown hooks; each must have code of its own and never be inlined. */
    static final List<String> BREAKDOWN_HOOKS = List.of("runtime.casgstatus", "runtime.stopTheWorldWithSema",
            "runtime.startTheWorldWithSema");

    /**
     * Plans the runtime hooks of the per-call breakdown ({@link BreakdownPlan}). Refuses, naming the binary and
     * what is missing, a Go version with no derived wait-reason table ({@link WaitReasons}) and a hook that is
     * missing or inlined anywhere (its inlined copies would change goroutine states unseen).
     */
    public BreakdownPlan planBreakdown() {
        var v = binary.goVersion();
        String what = "breakdown of " + binary.path() + " (Go " + v.raw() + ")";
        WaitReasons reasons = WaitReasons.of(v.major(), v.minor()).orElseThrow(() -> new PlanException(what
                + ": no g.waitreason offset and wait-reason table derived for Go " + v.major() + "." + v.minor()
                + " (derived from DWARF for Go " + WaitReasons.derivedVersions()
                + "); trace without breakdown, or derive the table for this version (WaitReasonsTest)"));
        long[] sites = new long[BREAKDOWN_HOOKS.size()];
        List<String> warnings = new ArrayList<>();
        for (int i = 0; i < sites.length; i++) {
            String hook = BREAKDOWN_HOOKS.get(i);
            GoFunction fn;
            try {
                fn = binary.lookup(hook);
            } catch (dev.golat.binary.GoBinaryException e) {
                throw new PlanException(what + ": the runtime hook " + hook + " is not in the binary ("
                        + e.getMessage() + "); trace without breakdown");
            }
            if (!fn.name().equals(hook)) {
                throw new PlanException(what + ": the runtime hook " + hook + " is not in the binary (closest: "
                        + fn.name() + "); trace without breakdown");
            }
            List<String> inlined = binary.inlinedInto(fn);
            if (!inlined.isEmpty()) {
                throw new PlanException(what + ": the runtime hook " + hook + " was inlined into "
                        + summarize(inlined) + ", so some goroutine state changes would not be seen; trace"
                        + " without breakdown");
            }
            ProbeSites ps = ProbeSites.find(fn.name(), binary.code(fn), fn.entry(), this::symbolAt);
            sites[i] = binary.fileOffset(ps.entry().address());
        }
        List<String> unread = binary.inlineTreeProblems();
        if (!unread.isEmpty()) {
            warnings.add("some inline trees of " + binary.path().getFileName() + " could not be read: an inlined"
                    + " copy of a breakdown hook there would go unseen");
        }
        return new BreakdownPlan(v.raw(), sites[0], sites[1], sites[2], reasons, warnings);
    }

    private GoFunction containing(PointName fs) {
        return binary.functionContaining(fs.address()).orElseThrow(() -> new PlanException(
                "address " + fs.text() + " is not inside any Go function of " + binary.path()
                        + " (Go " + binary.goVersion().raw() + "); give an address from `go tool nm` or objdump"));
    }

    /**
     * The plan of {@code fn} probed at {@code site}: its entry site (the stack-check jcc or +0) unless
     * {@code atSite} (a user's offset or address). {@code name} is how the plan names the function ({@code null}: its
     * pclntab name).
     */
    private ProbePlan planAt(PointName fs, GoFunction fn, String name, long site, boolean atSite) {
        ProbeSites sites = ProbeSites.find(fn.name(), binary.code(fn), fn.entry(), this::symbolAt);
        List<String> warnings = new ArrayList<>();
        if (!sites.measurable()) {
            warnings.add(sites.reason());
        }
        List<String> inlinedInto = binary.inlinedInto(fn);
        if (!inlinedInto.isEmpty()) {
            warnings.add(fn.name() + " was also inlined into " + inlinedInto.size() + " caller"
                    + (inlinedInto.size() == 1 ? "" : "s") + " (" + summarize(inlinedInto)
                    + "): those calls will not be seen");
        }
        List<String> unread = binary.inlineTreeProblems();
        if (!unread.isEmpty()) {
            warnings.add("some inline trees of " + binary.path().getFileName() + " could not be read, so copies of "
                    + fn.name() + " inlined there are not listed: " + String.join("; ", unread.subList(0, Math.min(3, unread.size())))
                    + (unread.size() > 3 ? "; ..." : ""));
        }
        ProbePlan.EntrySite entrySite;
        if (atSite) {
            checkBoundary(fs, fn, sites, site);
            entrySite = new ProbePlan.EntrySite(binary.fileOffset(site), site, EntryKind.OFFSET);
        } else {
            ProbeSites.Site e = sites.entry();
            EntryKind kind = e.kind() == ProbeSites.Site.Kind.STACK_CHECK_JCC
                    ? EntryKind.JCC
                    : EntryKind.FIRST;
            entrySite = new ProbePlan.EntrySite(binary.fileOffset(e.address()), e.address(), kind);
        }
        return new ProbePlan(
                name == null ? fn.name() : name,
                binary.goVersion().raw(),
                fn.entry(),
                binary.fileOffset(fn.entry()),
                entrySite,
                sites.morestackCalls().stream().map(binary::fileOffset).toList(),
                sites.returns().stream().map(binary::fileOffset).toList(),
                warnings);
    }

    /**
     * Plans one end of a span: {@code f} (its entry), {@code f:return} (its RETs), {@code f+offset} or a raw
     * address, each validated to lie on an instruction boundary.
     */
    public PointPlan planPoint(String spec) {
        String text = spec == null ? "" : spec.strip();
        boolean returns = text.endsWith(":return");
        ProbePlan plan = plan(returns ? text.substring(0, text.length() - ":return".length()) : text);
        if (plan.returns().isEmpty() && returns) {
            throw new PlanException("'" + text + "': " + String.join("; ", plan.warnings()));
        }
        if (returns) {
            if (plan.entrySite().kind() == EntryKind.OFFSET) {
                throw new PlanException("'" + text + "': :return takes a function, not an offset or address");
            }
            return new PointPlan(text, plan.function(), PointPlan.Kind.RETURN, plan.returns(), plan.returns());
        }
        PointPlan.Kind kind = plan.entrySite().kind() == EntryKind.OFFSET
                ? PointPlan.Kind.OFFSET : PointPlan.Kind.ENTRY;
        return new PointPlan(text, plan.function(), kind, List.of(plan.entrySite().fileOffset()), plan.returns());
    }

    /** Plans a span from {@code from} to {@code to} (see {@link #planPoint}). */
    public SpanPlan planSpan(String name, String from, String to) {
        PointPlan start = planPoint(from);
        PointPlan end = planPoint(to);
        if (start.sites().stream().anyMatch(end.sites()::contains)) {
            throw new PlanException("span " + name + ": '" + from + "' and '" + to + "' are the same probe site; "
                    + "a span needs two different points");
        }
        return new SpanPlan(name, binary.goVersion().raw(), start, end);
    }

    private void checkBoundary(PointName fs, GoFunction fn, ProbeSites sites, long site) {
        if (site < fn.entry() || site >= fn.end()) {
            throw new PlanException("'" + fs.text() + "' (0x" + Long.toHexString(site) + ") is outside " + fn.name()
                    + " [0x" + Long.toHexString(fn.entry()) + ", 0x" + Long.toHexString(fn.end()) + "), which is "
                    + (fn.end() - fn.entry()) + " bytes long, in " + binary.path());
        }
        if (!sites.isBoundary(site)) {
            long before = sites.previousBoundary(site);
            long after = sites.nextBoundary(site);
            throw new PlanException("'" + fs.text() + "' (0x" + Long.toHexString(site) + ") is inside an instruction of "
                    + fn.name() + " in " + binary.path() + "; nearest instruction boundaries: "
                    + fn.name() + "+" + (before - fn.entry()) + " (0x" + Long.toHexString(before) + ") and "
                    + fn.name() + "+" + (after - fn.entry()) + " (0x" + Long.toHexString(after) + ")");
        }
    }

    private String symbolAt(long address) {
        return binary.functionContaining(address).filter(f -> f.entry() == address).map(GoFunction::name).orElse(null);
    }

    private static String summarize(List<String> names) {
        return names.size() <= 3 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 3)) + ", and " + (names.size() - 3) + " more";
    }
}
