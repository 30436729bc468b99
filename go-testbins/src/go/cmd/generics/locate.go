// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync"
)

// Where each instantiation lives, as the Go runtime itself says (runtime.Caller and runtime.FuncForPC, or
// reflect for the compiler's Push-fm wrappers), so a test can group the program's per-type-argument counts
// by instantiation without knowing how its Go version assigns GC shapes (Go 1.21+ gives *node and *leaf
// separate shapes where a comparable constraint is involved, Go 1.19 does not).
var (
	// locating is true only while locate runs, on one goroutine, before anything is traced.
	locating bool
	// locArg is the type argument of the round locate is in.
	locArg  string
	entries = map[string]map[string]uintptr{}
)

// locate runs one round per type argument (no sleep, counted nowhere) with locating set.
func locate() {
	locating = true
	var wg sync.WaitGroup
	wg.Add(1)
	worker(newCalls(), 1, 0, &wg)
	locating = false
}

// here records the entry of the function that called it under fn and the current type argument.
//
//go:noinline
func here(fn string) {
	pc, _, _, ok := runtime.Caller(1)
	if !ok {
		panic("runtime.Caller(1) failed in " + fn)
	}
	located(fn, runtime.FuncForPC(pc).Entry())
}

func located(fn string, entry uintptr) {
	m := entries[fn]
	if m == nil {
		m = map[string]uintptr{}
		entries[fn] = m
	}
	m[locArg] = entry
}

// entriesJSON renders `"mainMain":"0x…","entries":{<function>:{<arg>:"0x…",…},…}`: run-time addresses
// (in a PIE binary relocated by the load base, which main.main's address tells).
func entriesJSON() string {
	var b strings.Builder
	fmt.Fprintf(&b, `"mainMain":"0x%x","entries":{`, reflect.ValueOf(main).Pointer())
	fns := make([]string, 0, len(entries))
	for fn := range entries {
		fns = append(fns, fn)
	}
	sort.Strings(fns)
	for i, fn := range fns {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"%s":{`, fn)
		first := true
		for _, arg := range typeArgs {
			if e, ok := entries[fn][arg]; ok {
				if !first {
					b.WriteByte(',')
				}
				first = false
				fmt.Fprintf(&b, `"%s":"0x%x"`, arg, e)
			}
		}
		b.WriteByte('}')
	}
	b.WriteByte('}')
	return b.String()
}
