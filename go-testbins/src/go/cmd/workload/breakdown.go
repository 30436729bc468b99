// SPDX-License-Identifier: Apache-2.0
package main

import (
	"fmt"
	"os"
	"runtime"
	"sync/atomic"
	"time"

	"golat.dev/testbins/internal/stats"
)

// ---- breakdown: calls whose split into running / off-CPU / runnable / waiting / stop-the-world is known ----
//
// Each variant's traced function returns its own clock from just after its entry to just before its RET
// (inner), the caller times the call (outer), and each measures the component the variant is about by a
// clock of its own (own):
//
//	cpu:      bdSpin spins a fixed number of iterations (about -spin of CPU time) on a goroutine locked to
//	          its thread, so every call needs the same CPU time however long it waits; own = the thread's CPU time
//	          (CLOCK_THREAD_CPUTIME_ID) over the spin: the call's running time, whatever else the CPU runs;
//	          offCPU = inner minus that: the time the thread was not on its CPU (descheduled by the OS, or
//	          in a system call's or the scheduler's waits); sums: the totals of both over all calls.
//	sleep:    blockSleep sleeps -sleep; own = inner (the call is parked on a timer nearly all of it).
//	chan:     blockChan waits for a token sent every -sleep; own = inner.
//	runnable: with GOMAXPROCS=1, bdYield yields to a goroutine that spins -spin before yielding back;
//	          own = that goroutine's own clock of the spin it ran while the traced call waited for the P.
//	exemplar: bdExemplar sleeps -sleep every -every-th call of each of -goroutines goroutines (exemplar.go);
//	          own = inner; "slowest" lists the slowest calls with their goroutine ids.
//	gc:       bdGC forces a GC over a heap of -heap MB; own = the runtime's stop-the-world pause time of
//	          that GC (MemStats.PauseNs, read after the call).

//go:noinline
func bdSpin(iters int) (inner, cpu time.Duration) {
	t := time.Now()
	c0 := threadCPUNs()
	spinFor(iters)
	c1 := threadCPUNs()
	return time.Since(t), time.Duration(c1 - c0)
}

func spinFor(iters int) {
	for i := 0; i < iters; i++ {
		sink.Add(1)
	}
}

// spinIters is how many spinFor iterations take d of this thread's CPU time (the fastest of a few tries, so
// a busy machine's preemptions do not count).
func spinIters(d time.Duration) int {
	const probe = 200000
	best := int64(-1)
	for try := 0; try < 5; try++ {
		c0 := threadCPUNs()
		spinFor(probe)
		if c := threadCPUNs() - c0; best < 0 || c < best {
			best = c
		}
	}
	if best <= 0 {
		return probe
	}
	return int(int64(d) * probe / best)
}

//go:noinline
func bdYield() time.Duration {
	t := time.Now()
	runtime.Gosched()
	return time.Since(t)
}

//go:noinline
func bdGC() time.Duration {
	t := time.Now()
	runtime.GC()
	return time.Since(t)
}

// heap keeps -heap MB of pointers alive for the gc variant.
var heap [][]*int

type bdResult struct {
	outer, inner, own []time.Duration
	offCPU            []time.Duration // cpu: inner minus the thread's CPU time, the call's time off its CPU
	slowest           []exCall        // exemplar: the slowest calls by their own clock (exemplar.go)
}

func runBreakdown(cfg config) bdResult {
	var r bdResult
	add := func(outer, inner, own time.Duration) {
		r.outer = append(r.outer, outer)
		r.inner = append(r.inner, inner)
		r.own = append(r.own, own)
	}
	switch cfg.variant {
	case "cpu":
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		iters := spinIters(cfg.spin)
		for i := 0; i < cfg.n; i++ {
			t := time.Now()
			in, cpu := bdSpin(iters)
			add(time.Since(t), in, cpu)
			r.offCPU = append(r.offCPU, in-cpu)
		}
	case "sleep":
		for i := 0; i < cfg.n; i++ {
			t := time.Now()
			in := blockSleep(cfg.sleep)
			add(time.Since(t), in, in)
		}
	case "chan":
		c := make(chan struct{})
		go func() {
			for i := 0; i < cfg.n; i++ {
				time.Sleep(cfg.sleep)
				c <- struct{}{}
			}
		}()
		for i := 0; i < cfg.n; i++ {
			t := time.Now()
			in := blockChan(c)
			add(time.Since(t), in, in)
		}
	case "runnable":
		runRunnable(cfg, add)
	case "exemplar":
		r.slowest = runExemplar(cfg, add)
	case "gc":
		per := 1 << 17 // pointers per slice: 1 MB
		for i := 0; i < cfg.heapMB; i++ {
			s := make([]*int, per)
			for j := range s {
				s[j] = new(int)
			}
			heap = append(heap, s)
		}
		var ms runtime.MemStats
		for i := 0; i < cfg.n; i++ {
			runtime.ReadMemStats(&ms)
			before := ms.NumGC
			t := time.Now()
			in := bdGC()
			outer := time.Since(t)
			runtime.ReadMemStats(&ms)
			var pause uint64
			for g := before + 1; g <= ms.NumGC; g++ {
				pause += ms.PauseNs[(g+255)%256]
			}
			add(outer, in, time.Duration(pause))
		}
		runtime.KeepAlive(heap)
	}
	return r
}

// runRunnable: on one P, the traced goroutine yields and a competitor that spins -spin per turn takes the P;
// the competitor records each spin by its own clock, and the traced call's turn is the spin that ran meanwhile.
func runRunnable(cfg config, add func(outer, inner, own time.Duration)) {
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	var stop atomic.Bool
	var spun atomic.Int64 // the competitor's last spin, ns
	var turn atomic.Int64 // spins completed
	done := make(chan struct{})
	go func() {
		defer close(done)
		for !stop.Load() {
			t := time.Now()
			for time.Since(t) < cfg.spin {
				for i := 0; i < 1000; i++ {
					sink.Add(1)
				}
			}
			spun.Store(int64(time.Since(t)))
			turn.Add(1)
			runtime.Gosched()
		}
	}()
	runtime.Gosched() // let the competitor start
	for i := 0; i < cfg.n; i++ {
		before := turn.Load()
		t := time.Now()
		in := bdYield()
		outer := time.Since(t)
		own := time.Duration(0)
		if turn.Load() == before+1 {
			own = time.Duration(spun.Load())
		}
		add(outer, in, own)
	}
	stop.Store(true)
	<-done
}

func printBreakdown(cfg config, r bdResult, elapsed time.Duration) {
	s := stats.Summarize(r.outer)
	if !cfg.quiet {
		fmt.Fprintf(os.Stderr, "breakdown %s: %d calls in %v; p50 %v p99 %v\n", cfg.variant, s.Count,
			elapsed.Round(time.Millisecond), time.Duration(s.P50), time.Duration(s.P99))
	}
	offCPU := ""
	if r.offCPU != nil {
		offCPU = fmt.Sprintf(`,"offcpu":{%s},"sums":{"cpu":%d,"offcpu":%d}`,
			stats.Summarize(r.offCPU).JSONFields(), sum(r.own), sum(r.offCPU))
	}
	slowest := ""
	if r.slowest != nil {
		slowest = exemplarJSON(r.slowest)
	}
	fmt.Printf(`{"mode":"breakdown","variant":%s,%s,"inner":{%s},"own":{%s}%s%s}`+"\n", stats.Quote(cfg.variant),
		s.JSONFields(), stats.Summarize(r.inner).JSONFields(), stats.Summarize(r.own).JSONFields(), offCPU, slowest)
}

func sum(ds []time.Duration) int64 {
	var t int64
	for _, d := range ds {
		t += int64(d)
	}
	return t
}
