// SPDX-License-Identifier: Apache-2.0

package main

import "time"

// The type arguments every generic function here is instantiated with. Go compiles one body per GC shape,
// not per type: int and celsius share go.shape.int, *node and *leaf share go.shape.*uint8, so the six type
// arguments make four instantiations of each generic function.
type (
	celsius int
	point   struct{ X, Y int }
	node    struct {
		v    int
		next *node
	}
	leaf struct{ name string }
)

// Hold is the generic function the tests trace as one latency: it sleeps d (if d > 0) and returns x. It times
// itself too, from just after its entry to just before its return, into *inner: with the caller's clock around
// the call, two clocks that bracket any tracer's window call by call.
//
//go:noinline
func Hold[T any](x T, d time.Duration, inner *time.Duration) T {
	if locating {
		here("Hold")
	}
	start := time.Now()
	if d > 0 {
		time.Sleep(d)
	}
	*inner = time.Since(start)
	return x
}

// Stack is a generic type with a pointer-receiver and a value-receiver method.
type Stack[T any] struct {
	items []T
}

// Push is main.(*Stack[...]).Push; taken as a method value (s.Push) it is called through main.(*Stack[...]).Push-fm.
//
//go:noinline
func (s *Stack[T]) Push(x T) {
	if locating {
		here("Push")
	}
	s.items = append(s.items, x)
}

// Pop is main.(*Stack[...]).Pop.
//
//go:noinline
func (s *Stack[T]) Pop() (T, bool) {
	if locating {
		here("Pop")
	}
	var zero T
	if len(s.items) == 0 {
		return zero, false
	}
	x := s.items[len(s.items)-1]
	s.items = s.items[:len(s.items)-1]
	return x, true
}

// Len is main.Stack[...].Len (a value receiver).
//
//go:noinline
func (s Stack[T]) Len() int {
	if locating {
		here("Len")
	}
	return len(s.items)
}

// Counter returns a closure in generic code: main.Counter[...].func1, which counts the calls that pass want.
//
//go:noinline
func Counter[T comparable](want T) func(T) int {
	if locating {
		here("Counter")
	}
	n := 0
	return func(x T) int {
		if locating {
			here("Counter.func1")
		}
		if x == want {
			n++
		}
		return n
	}
}

// apply calls f through a func value, so that neither a closure nor a method value passed in is inlined.
//
//go:noinline
func apply[T any](f func(T), x T) {
	if locating {
		here("apply")
	}
	f(x)
}

// applyCount is apply for the closures Counter returns.
//
//go:noinline
func applyCount[T any](f func(T) int, x T) int {
	if locating {
		here("applyCount")
	}
	return f(x)
}

// tally has a Push that is not generic, so that the short name Push names two different functions.
type tally struct {
	n int
}

// Push is main.(*tally).Push.
//
//go:noinline
func (t *tally) Push(n int) {
	t.n += n
}
