// SPDX-License-Identifier: Apache-2.0

//go:build !go1.23

package main

// rangeOverFunc is false before Go 1.23: no iterators, so no main.Drain[...]-range1.
const rangeOverFunc = false

// Drain counts the stack's items with a plain loop.
//
//go:noinline
func Drain[T any](s *Stack[T]) int {
	if locating {
		here("Drain")
	}
	n := 0
	for range s.items {
		n++
	}
	return n
}
