// SPDX-License-Identifier: Apache-2.0

package main

import "time"

//go:generate go run gen_fleet.go

// fleet has 1,000 methods (fleet_methods.go: M0000 … M0999, never inlined, each calling leafHelper, so each has a
// stack check, and one RET), one that cannot be measured (Fail: it ends in a call to panic, so it has no RET), and
// two inlined into every caller (step and Inlined: no code of their own), for tracing a glob over many functions:
// -mode fleet calls each of the first -fleet K methods exactly -n times.
type fleet struct {
	sum int
}

// step is what every method does; it is inlined into each (so each has a body of its own) and has none itself.
func (f *fleet) step(x, k int) int {
	f.sum += x ^ k
	return f.sum
}

// Fail never returns normally: it has no RET instruction for a return probe.
//
//go:noinline
func (f *fleet) Fail(x int) int {
	panic(x)
}

// Inlined is small enough to be inlined into its one caller (runFleet), and nothing takes its value, so the linker
// keeps no body of it: it exists only in runFleet's inline tree, and a probe has nothing to attach to.
func (f *fleet) Inlined() int {
	return f.sum & 1
}

// grüße has a name outside ASCII (a Go identifier may be any Unicode letters): a tracer must find it by that name.
// -mode fleet calls it -n times.
//
//go:noinline
func grüße(x int) int {
	return leafHelper(x) + 2
}

type fleetResult struct {
	functions int
	elapsed   time.Duration
}

// runFleet calls each of the first k methods and grüße n times, in rounds (method 0, 1, … k-1, then again), on one
// goroutine; Fail is referenced but never called.
func runFleet(n, k int) fleetResult {
	if k > len(fleetMethods) {
		k = len(fleetMethods)
	}
	f := &fleet{}
	if n < 0 {
		f.Fail(n) // keeps Fail in the binary; n is never negative (parseFlags checks it)
	}
	start := time.Now()
	for r := 0; r < n; r++ {
		for i := 0; i < k; i++ {
			fleetMethods[i](f, r)
		}
		f.sum += grüße(r) + f.Inlined()
	}
	sink.Add(int64(f.sum))
	return fleetResult{functions: k, elapsed: time.Since(start)}
}
