// SPDX-License-Identifier: Apache-2.0
package main

import (
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

// ---- block: goroutines park mid-call and usually resume on another thread ----

// blockSleep and blockChan return their own inner clock: the time from just after their entry to just before
// their RET. A probe pair at entry and RET times a window that contains this one and lies inside the caller's
// time.Since window, call by call, so every percentile of a correct tracer lies between the two.
//
//go:noinline
func blockSleep(d time.Duration) time.Duration {
	t := time.Now()
	time.Sleep(d)
	return time.Since(t)
}

// blockSpin busy-waits d on its CPU without parking: a microsecond-scale call, whose inner clock is d plus a clock
// read, so the probes' own time inside the interval (their bias) is a large share of what golat measures.
//
//go:noinline
func blockSpin(d time.Duration) time.Duration {
	t := time.Now()
	for time.Since(t) < d {
	}
	return time.Since(t)
}

//go:noinline
func blockChan(c <-chan struct{}) time.Duration {
	t := time.Now()
	<-c
	return time.Since(t)
}

func runBlock(cfg config) result {
	parts := make([][]time.Duration, cfg.goroutines)
	inner := make([][]time.Duration, cfg.goroutines)
	var wg sync.WaitGroup
	for g := 0; g < cfg.goroutines; g++ {
		g := g
		k := split(cfg.n, cfg.goroutines, g)
		wg.Add(1)
		go func() {
			defer wg.Done()
			ds := make([]time.Duration, 0, k)
			in := make([]time.Duration, 0, k)
			if cfg.variant == "sleep" {
				for i := 0; i < k; i++ {
					t := time.Now()
					d := blockSleep(cfg.sleep)
					ds = append(ds, time.Since(t))
					in = append(in, d)
				}
			} else if cfg.variant == "spin" {
				for i := 0; i < k; i++ {
					t := time.Now()
					d := blockSpin(cfg.sleep)
					ds = append(ds, time.Since(t))
					in = append(in, d)
				}
			} else {
				// Another goroutine feeds the channel, one token per -sleep.
				c := make(chan struct{})
				go func() {
					for i := 0; i < k; i++ {
						time.Sleep(cfg.sleep)
						c <- struct{}{}
					}
				}()
				for i := 0; i < k; i++ {
					t := time.Now()
					d := blockChan(c)
					ds = append(ds, time.Since(t))
					in = append(in, d)
				}
			}
			parts[g] = ds
			inner[g] = in
		}()
	}
	wg.Wait()
	return result{durations: merge(parts), inner: merge(inner)}
}

// ---- recurse: deep frames with big locals force morestack + copystack while probed frames are live ----

// recurse calls itself depth-1 times and times each of those calls from the caller's side. The 2 KiB
// local array makes every frame bigger than a new goroutine's whole stack.
//
//go:noinline
func recurse(ds *[]time.Duration, depth int) int {
	var buf [2048]byte
	for i := range buf {
		buf[i] = byte(depth + i)
	}
	sum := int(buf[depth%len(buf)])
	if depth > 1 {
		t := time.Now()
		sum += recurse(ds, depth-1)
		*ds = append(*ds, time.Since(t))
	}
	return sum + int(buf[(depth*7)%len(buf)])
}

var sink atomic.Int64

func runRecurse(cfg config) result {
	parts := make([][]time.Duration, cfg.goroutines)
	var wg sync.WaitGroup
	for g := 0; g < cfg.goroutines; g++ {
		g := g
		k := split(cfg.n, cfg.goroutines, g)
		wg.Add(1)
		go func() {
			defer wg.Done()
			ds := make([]time.Duration, 0, k*cfg.depth)
			done := make(chan struct{})
			for i := 0; i < k; i++ {
				// A fresh goroutine per top-level call starts with a small stack, so the stack is
				// grown (copied) while the outer recurse frames are live, every time.
				go func() {
					t := time.Now()
					s := recurse(&ds, cfg.depth)
					ds = append(ds, time.Since(t))
					sink.Add(int64(s))
					done <- struct{}{}
				}()
				<-done
			}
			parts[g] = ds
		}()
	}
	wg.Wait()
	return result{durations: merge(parts)}
}

// ---- panic: every k-th call panics; the frame never returns and the caller recovers ----

//go:noinline
func mayPanic(i, every int, d time.Duration) int {
	if d > 0 {
		time.Sleep(d)
	}
	if i%every == 0 {
		panic(i)
	}
	return i * 2
}

// callMayPanic times one call; when mayPanic panics the time.Since line is skipped and the panic is
// counted instead.
func callMayPanic(ds *[]time.Duration, i, every int, d time.Duration) (panicked bool) {
	defer func() {
		if recover() != nil {
			panicked = true
		}
	}()
	t := time.Now()
	sink.Add(int64(mayPanic(i, every, d)))
	*ds = append(*ds, time.Since(t))
	return false
}

func runPanic(cfg config) result {
	parts := make([][]time.Duration, cfg.goroutines)
	panics := make([]int, cfg.goroutines)
	var next atomic.Int64 // call numbers 1..n, so exactly n/every calls panic
	var wg sync.WaitGroup
	for g := 0; g < cfg.goroutines; g++ {
		g := g
		wg.Add(1)
		go func() {
			defer wg.Done()
			ds := make([]time.Duration, 0, split(cfg.n, cfg.goroutines, g)+1)
			for {
				i := int(next.Add(1))
				if i > cfg.n {
					break
				}
				if callMayPanic(&ds, i, cfg.every, cfg.sleep) {
					panics[g]++
				}
			}
			parts[g] = ds
		}()
	}
	wg.Wait()
	r := result{durations: merge(parts)}
	for _, p := range panics {
		r.panics += p
	}
	return r
}

// ---- goexit: every k-th call ends its goroutine; a new goroutine takes over ----

//go:noinline
func mayGoexit(i, every int, d time.Duration) int {
	if d > 0 {
		time.Sleep(d)
	}
	if i%every == 0 {
		runtime.Goexit()
	}
	return i * 2
}

// goexitWorker owns its durations; when its goroutine is ended by Goexit the deferred function hands it
// to a new goroutine, so it is only ever used by one goroutine at a time.
type goexitWorker struct {
	ds      []time.Duration
	goexits int
}

func (w *goexitWorker) run(cfg config, next *atomic.Int64, wg *sync.WaitGroup) {
	finished := false
	defer func() {
		if !finished { // Goexit: this call did not return; continue on a new goroutine
			w.goexits++
			wg.Add(1)
			go w.run(cfg, next, wg)
		}
		wg.Done()
	}()
	for {
		i := int(next.Add(1))
		if i > cfg.n {
			break
		}
		t := time.Now()
		sink.Add(int64(mayGoexit(i, cfg.every, cfg.sleep)))
		w.ds = append(w.ds, time.Since(t))
	}
	finished = true
}

func runGoexit(cfg config) result {
	workers := make([]*goexitWorker, cfg.goroutines)
	var next atomic.Int64
	var wg sync.WaitGroup
	for g := range workers {
		workers[g] = &goexitWorker{ds: make([]time.Duration, 0, split(cfg.n, cfg.goroutines, g)+1)}
		wg.Add(1)
		go workers[g].run(cfg, &next, &wg)
	}
	wg.Wait()
	var r result
	parts := make([][]time.Duration, len(workers))
	for g, w := range workers {
		parts[g] = w.ds
		r.goexits += w.goexits
	}
	r.durations = merge(parts)
	return r
}

// ---- loop: the cheapest calls there are, to measure the probes' own cost ----

// trivial is a leaf with no frame, so the compiler gives it no stack check (NOSPLIT).
//
//go:noinline
func trivial(x int) int {
	return x*3 + 1
}

//go:noinline
func leafHelper(x int) int {
	return x ^ 0x5a
}

// smallNonLeaf calls another function, so it has the usual stack-check prologue.
//
//go:noinline
func smallNonLeaf(x int) int {
	return leafHelper(x) + 1
}

type loopResult struct {
	nsTrivial, nsNonLeaf float64
	cpuNsNonLeaf         float64 // on-CPU time of the calling thread per call, -1 if unknown
	elapsed              time.Duration
}

// threadCPUNs is the time the calling thread has spent on a CPU (user and kernel, so the kernel's probe
// traps count, time spent waiting for a CPU does not): clock_gettime(CLOCK_THREAD_CPUTIME_ID), exact to
// the nanosecond (the kernel adds the running slice); -1 if unknown.
func threadCPUNs() int64 {
	const clockThreadCPUTimeID = 3
	var ts syscall.Timespec
	if _, _, e := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0); e != 0 {
		return -1
	}
	return ts.Nano()
}

// runLoop calls trivial n times, then smallNonLeaf n times, on one goroutine locked to its thread. Timing
// each call would cost more than the call, so each phase is timed as a whole, by the wall clock and, for
// smallNonLeaf, by the thread's own CPU time (which a busy machine's other tenants do not inflate).
func runLoop(n int) loopResult {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	s := 0
	t0 := time.Now()
	for i := 0; i < n; i++ {
		s += trivial(i)
	}
	c1 := threadCPUNs()
	t1 := time.Now()
	for i := 0; i < n; i++ {
		s += smallNonLeaf(i)
	}
	t2 := time.Now()
	c2 := threadCPUNs()
	sink.Add(int64(s))
	r := loopResult{elapsed: t2.Sub(t0), cpuNsNonLeaf: -1}
	if n > 0 {
		r.nsTrivial = float64(t1.Sub(t0)) / float64(n)
		r.nsNonLeaf = float64(t2.Sub(t1)) / float64(n)
		if c1 >= 0 && c2 >= c1 {
			r.cpuNsNonLeaf = float64(c2-c1) / float64(n)
		}
	}
	return r
}

func merge(parts [][]time.Duration) []time.Duration {
	total := 0
	for _, p := range parts {
		total += len(p)
	}
	all := make([]time.Duration, 0, total)
	for _, p := range parts {
		all = append(all, p...)
	}
	return all
}
