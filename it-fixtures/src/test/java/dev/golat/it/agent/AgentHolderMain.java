// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.agent;

import dev.golat.agent.AgentSession;
import dev.golat.agent.HostAgent;
import dev.golat.agent.ProbeSpec;
import dev.golat.plan.Planner;
import java.nio.file.Path;
import java.util.List;

/**
 * A JVM that starts the agent, attaches it to {@code args[0]} (pid) / {@code args[1]} (binary) at
 * main.blockSleep, says {@code attached}, and waits to be killed: {@link AgentLifecycleIT} SIGKILLs it.
 */
public final class AgentHolderMain {
    private AgentHolderMain() {}

    public static void main(String[] args) throws Exception {
        AgentSession agent = HostAgent.start();
        agent.start(Long.parseLong(args[0]), args[1],
                List.of(ProbeSpec.of(0, Planner.of(Path.of(args[1])).plan("main.blockSleep"))));
        System.out.println("attached");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
