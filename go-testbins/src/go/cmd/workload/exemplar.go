// SPDX-License-Identifier: Apache-2.0
package main

import (
	"fmt"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ---- breakdown exemplar: calls whose slowest few are known, with their goroutines ----
//
// -goroutines goroutines each call bdExemplar -n/-goroutines times; every -every-th call of each sleeps -sleep, the
// others return after a short spin. Each call keeps its own clock (inner: just after the entry to just before the
// RET), the caller's (outer) and its goroutine's id as the runtime prints it in a stack trace ("goroutine N
// [running]:"). The JSON line's "slowest" lists the exemplarTop calls with the longest inner clock, the slowest
// first: what a tracer's slowest calls must be.

const exemplarTop = 16

//go:noinline
func bdExemplar(slow bool, d time.Duration) time.Duration {
	t := time.Now()
	if slow {
		time.Sleep(d)
	} else {
		spinFor(50)
	}
	return time.Since(t)
}

// goid is the calling goroutine's id, from the header of its own stack trace.
func goid() int64 {
	var buf [64]byte
	f := strings.Fields(string(buf[:runtime.Stack(buf[:], false)]))
	if len(f) < 2 || f[0] != "goroutine" {
		return -1
	}
	id, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return -1
	}
	return id
}

type exCall struct {
	goid         int64
	inner, outer time.Duration
	slow         bool
}

func runExemplar(cfg config, add func(outer, inner, own time.Duration)) []exCall {
	per := cfg.n / cfg.goroutines
	calls := make([][]exCall, cfg.goroutines)
	var wg sync.WaitGroup
	for g := 0; g < cfg.goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			id := goid()
			mine := make([]exCall, 0, per)
			for i := 0; i < per; i++ {
				slow := i%cfg.every == cfg.every-1
				t := time.Now()
				in := bdExemplar(slow, cfg.sleep)
				mine = append(mine, exCall{id, in, time.Since(t), slow})
			}
			calls[g] = mine
		}(g)
	}
	wg.Wait()
	var all []exCall
	for _, mine := range calls {
		for _, c := range mine {
			add(c.outer, c.inner, c.inner)
			all = append(all, c)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].inner > all[j].inner })
	if len(all) > exemplarTop {
		all = all[:exemplarTop]
	}
	return all
}

func exemplarJSON(top []exCall) string {
	var b strings.Builder
	b.WriteString(`,"slowest":[`)
	for i, c := range top {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"goroutine":%d,"inner":%d,"outer":%d,"slow":%t}`, c.goid, c.inner.Nanoseconds(),
			c.outer.Nanoseconds(), c.slow)
	}
	b.WriteString("]")
	return b.String()
}
