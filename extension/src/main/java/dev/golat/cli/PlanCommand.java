// SPDX-License-Identifier: Apache-2.0
package dev.golat.cli;

import dev.golat.plan.FunctionPlan;
import dev.golat.plan.Planner;
import dev.golat.plan.ProbePlan;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code golat plan BINARY FUNCTION...}: one JSON object per function, the sites golat would probe; for a generic
 * function one per instantiation, each with {@code "generic"}: the generic name they are traced under.
 */
final class PlanCommand {
    private PlanCommand() {}

    static int run(List<String> args, PrintStream out) {
        if (args.size() < 2) {
            throw new UsageException("usage: golat plan BINARY FUNCTION...   (FUNCTION: name, full name, glob, name+offset or 0xADDRESS)");
        }
        Planner planner = Planner.of(Path.of(args.get(0)));
        for (String spec : args.subList(1, args.size())) {
            for (FunctionPlan plan : planner.planFunctions(spec).functions()) { // a glob: every function it matches
                for (ProbePlan p : plan.instances()) {
                    Map<String, Object> m = toJson(p);
                    if (plan.isGeneric()) {
                        m.put("generic", plan.function());
                    }
                    out.println(Json.write(m));
                }
            }
        }
        return 0;
    }

    static Map<String, Object> toJson(ProbePlan p) {
        Map<String, Object> site = new LinkedHashMap<>();
        site.put("fileOffset", hex(p.entrySite().fileOffset()));
        site.put("address", hex(p.entrySite().address()));
        site.put("kind", p.entrySite().kind().wireName());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("goVersion", p.goVersion());
        m.put("function", p.function());
        m.put("entry", hex(p.entry()));
        m.put("entryFileOffset", hex(p.entryFileOffset()));
        m.put("entrySite", site);
        m.put("morestackSites", p.morestackSites().stream().map(PlanCommand::hex).toList());
        m.put("returns", p.returns().stream().map(PlanCommand::hex).toList());
        m.put("measurable", !p.returns().isEmpty());
        m.put("warnings", p.warnings());
        return m;
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
