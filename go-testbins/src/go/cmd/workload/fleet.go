// SPDX-License-Identifier: Apache-2.0

package main

import "time"

//go:generate go run gen_fleet.go

// fleet has 1,000 methods (fleet_methods.go: M0000 … M0999, never inlined, each calling leafHelper, so each has a stack check, and one
// RET) and one that cannot be measured (Fail: it ends in a call to panic, so it has no RET), for tracing a
// glob over many functions: -mode fleet calls each of the first -fleet K methods exactly -n times.
type fleet struct {
	sum int
}

// step is what every method does; it is inlined into each, so each has a body of its own.
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
		f.sum += grüße(r)
	}
	sink.Add(int64(f.sum))
	return fleetResult{functions: k, elapsed: time.Since(start)}
}
