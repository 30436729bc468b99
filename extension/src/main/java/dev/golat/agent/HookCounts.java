// SPDX-License-Identifier: Apache-2.0
package dev.golat.agent;

import org.apiguardian.api.API;

/**
 * The breakdown hooks' own counts since attach (the agent's {@code hooks} line): what the benchmark divides the
 * kernel's BPF run time by.
 *
 * @param transitions casgstatus hits (goroutine state changes)
 * @param switches    sched_switch hits that moved a traced process's goroutine on or off its CPU
 * @param stwNanos    ns the world was stopped
 * @param errors      goroutine or thread maps full
 */
@API(status = API.Status.INTERNAL)
public record HookCounts(long transitions, long switches, long stwNanos, long errors) {}
