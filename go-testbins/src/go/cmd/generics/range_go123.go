// SPDX-License-Identifier: Apache-2.0

//go:build go1.23

package main

import "iter"

// rangeOverFunc says whether Drain ranges over an iterator (Go 1.23+): then its loop body is the function
// main.Drain[...]-range1 and the iterator is main.(*Stack[...]).All.func1.
const rangeOverFunc = true

// All is an iterator over the stack, bottom first: main.(*Stack[...]).All returns main.(*Stack[...]).All.func1.
//
//go:noinline
func (s *Stack[T]) All() iter.Seq[T] {
	if locating {
		here("All")
	}
	return func(yield func(T) bool) {
		if locating {
			here("All.func1")
		}
		for _, x := range s.items {
			if !yield(x) {
				return
			}
		}
	}
}

// Drain counts the stack's items with a range-over-func loop, whose body the compiler makes a function of
// its own: main.Drain[...]-range1, called once per item.
//
//go:noinline
func Drain[T any](s *Stack[T]) int {
	n := 0
	if locating {
		here("Drain")
	}
	for range s.All() {
		if locating {
			here("Drain-range1")
		}
		n++
	}
	return n
}
