// SPDX-License-Identifier: Apache-2.0

// Command workload calls one traced function many times and measures every call with its own clock
// (time.Now right before, time.Since right after, on the calling goroutine), so a test can compare what
// its probes saw against an independent figure. The last line on stdout is one JSON object:
//
//	{"mode":"block","variant":"sleep","count":N,"p50":…,"p90":…,"p99":…,"p999":…,"max":…,"panics":0,"goexits":0}
//	{"mode":"fleet","count":N,"functions":K,"elapsedNs":…}
//	{"mode":"breakdown","variant":"cpu","count":N,"p50":…,…,"inner":{…},"own":{…}}   (see breakdown.go)
//	{"mode":"loop","count":N,"nsPerCallTrivial":…,"nsPerCallNonLeaf":…,"cpuNsPerCallNonLeaf":…,"elapsedNs":…}
//
// With -rounds R the mode runs R times and prints one such line per round (with -wait stdin, each round after the
// first waits for a line on stdin), so a tracer can check one window per round in the same process. With -hold it
// then waits for SIGTERM, so a tracer can still read its probes after the last line.
// Durations are integer nanoseconds; percentiles are nearest-rank (see golat.dev/testbins/internal/stats).
// count is the number of calls that returned normally; panics and goexits count the calls that did not.
//
// Traced functions (never inlined): main.blockSleep, main.blockSpin, main.blockChan, main.recurse, main.mayPanic,
// main.mayGoexit, main.trivial, main.smallNonLeaf, and the 1,000 methods main.(*fleet).M0000 … M0999 and main.grüße
// (fleet.go).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"golat.dev/testbins/internal/stats"
)

type config struct {
	mode       string
	n          int
	goroutines int
	variant    string
	sleep      time.Duration
	depth      int
	every      int
	wait       string
	rounds     int
	quiet      bool
	hold       bool
	fleet      int
	spin       time.Duration
	heapMB     int
}

// result is what one mode measured: the durations of the calls that returned, and the calls that did not.
type result struct {
	durations []time.Duration
	inner     []time.Duration // block mode: each call's own clock inside the traced function
	panics    int
	goexits   int
}

func main() {
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(2)
	}
	cfg := parseFlags()
	waitForTracer(cfg.wait)
	for round := 1; round <= cfg.rounds; round++ {
		if round > 1 && cfg.wait == "stdin" {
			waitForLine()
		}
		runOnce(cfg)
	}
	if cfg.hold {
		holdUntilTerm()
	}
}

// holdUntilTerm keeps the process (and the tracer's probes on it) alive after the last round, until SIGTERM or
// SIGINT: a service in a container, whose tracer snapshots after the JSON line, exits when it is stopped.
func holdUntilTerm() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
}

// runOnce runs the mode once and prints its JSON line.
func runOnce(cfg config) {
	if cfg.mode == "fleet" {
		r := runFleet(cfg.n, cfg.fleet)
		if !cfg.quiet {
			fmt.Fprintf(os.Stderr, "fleet: %d methods called %d times each in %v\n", r.functions, cfg.n, r.elapsed.Round(time.Millisecond))
		}
		fmt.Printf(`{"mode":"fleet","count":%d,"functions":%d,"elapsedNs":%d}`+"\n", cfg.n, r.functions, r.elapsed.Nanoseconds())
		return
	}
	if cfg.mode == "breakdown" {
		start := time.Now()
		r := runBreakdown(cfg)
		printBreakdown(cfg, r, time.Since(start))
		return
	}
	if cfg.mode == "loop" {
		r := runLoop(cfg.n)
		if !cfg.quiet {
			fmt.Fprintf(os.Stderr, "loop: %d calls each, trivial %.1f ns/call, smallNonLeaf %.1f ns/call\n",
				cfg.n, r.nsTrivial, r.nsNonLeaf)
		}
		fmt.Printf(`{"mode":"loop","count":%d,"nsPerCallTrivial":%d,"nsPerCallNonLeaf":%d,"cpuNsPerCallNonLeaf":%d,"elapsedNs":%d}`+"\n",
			cfg.n, int64(r.nsTrivial+0.5), int64(r.nsNonLeaf+0.5), int64(r.cpuNsNonLeaf+0.5), r.elapsed.Nanoseconds())
		return
	}

	var r result
	start := time.Now()
	switch cfg.mode {
	case "block":
		r = runBlock(cfg)
	case "recurse":
		r = runRecurse(cfg)
	case "panic":
		r = runPanic(cfg)
	case "goexit":
		r = runGoexit(cfg)
	}
	elapsed := time.Since(start)
	s := stats.Summarize(r.durations)
	if !cfg.quiet {
		fmt.Fprintf(os.Stderr, "%s: %d returned, %d panicked, %d Goexit in %v; p50 %v p99 %v max %v\n",
			cfg.mode, s.Count, r.panics, r.goexits, elapsed.Round(time.Millisecond),
			time.Duration(s.P50), time.Duration(s.P99), time.Duration(s.Max))
	}
	variant, inner := "", ""
	if cfg.mode == "block" {
		variant = cfg.variant
		inner = `,"inner":{` + stats.Summarize(r.inner).JSONFields() + `}`
	}
	fmt.Printf(`{"mode":%s,"variant":%s,%s,"panics":%d,"goexits":%d%s}`+"\n",
		stats.Quote(cfg.mode), stats.Quote(variant), s.JSONFields(), r.panics, r.goexits, inner)
}

func parseFlags() config {
	var c config
	flag.StringVar(&c.mode, "mode", "block", "block|recurse|panic|goexit|loop|fleet|breakdown")
	flag.IntVar(&c.fleet, "fleet", 1000, "fleet mode: call the first K of the 1,000 methods main.(*fleet).M0000 … M0999, each -n times")
	flag.DurationVar(&c.spin, "spin", time.Millisecond, "breakdown cpu/runnable: how long each spin runs")
	flag.IntVar(&c.heapMB, "heap", 64, "breakdown gc: MB of pointers kept alive")
	flag.IntVar(&c.n, "n", 10000, "number of calls (recurse: top-level calls, each `depth` frames deep)")
	flag.IntVar(&c.goroutines, "goroutines", 8, "goroutines calling the traced function (not loop)")
	flag.StringVar(&c.variant, "variant", "sleep", "block mode: sleep (main.blockSleep), spin (main.blockSpin: busy-waits -sleep) or chan (main.blockChan)")
	flag.DurationVar(&c.sleep, "sleep", 200*time.Microsecond, "how long each blocking call waits (block, panic, goexit; 0: no wait in panic/goexit)")
	flag.IntVar(&c.depth, "depth", 64, "recurse mode: frames per top-level call")
	flag.IntVar(&c.every, "every", 10, "panic/goexit mode: every k-th call panics / calls runtime.Goexit")
	flag.StringVar(&c.wait, "wait", "none", "none|stdin|signal: after printing `ready pid=<pid>`, wait for a line on stdin or for SIGUSR1")
	flag.IntVar(&c.rounds, "rounds", 1, "run the mode this many times, one JSON line each; with -wait stdin each round after the first waits for a line")
	flag.BoolVar(&c.quiet, "quiet", false, "print nothing but the ready line and the JSON line")
	flag.BoolVar(&c.hold, "hold", false, "after the last round, wait for SIGTERM or SIGINT before exiting (a service in a container)")
	flag.Parse()

	fail := func(format string, a ...interface{}) {
		fmt.Fprintf(os.Stderr, "workload: "+format+"\n", a...)
		os.Exit(2)
	}
	switch c.mode {
	case "block", "recurse", "panic", "goexit", "loop", "fleet", "breakdown":
	default:
		fail("-mode %q: want block, recurse, panic, goexit, loop, fleet or breakdown", c.mode)
	}
	switch {
	case c.variant == "sleep" || c.variant == "spin" || c.variant == "chan":
	case c.mode == "breakdown" && (c.variant == "cpu" || c.variant == "runnable" || c.variant == "gc" ||
		c.variant == "exemplar"):
	default:
		fail("-variant %q: want sleep, spin or chan (breakdown: also cpu, runnable, gc or exemplar)", c.variant)
	}
	switch c.wait {
	case "none", "stdin", "signal":
	default:
		fail("-wait %q: want none, stdin or signal", c.wait)
	}
	if c.fleet < 0 || c.fleet > len(fleetMethods) {
		fail("-fleet %d: want 0 … %d", c.fleet, len(fleetMethods))
	}
	if c.n < 0 || c.goroutines < 1 || c.depth < 1 || c.every < 1 || c.sleep < 0 || c.rounds < 1 {
		fail("need -n >= 0, -goroutines >= 1, -depth >= 1, -every >= 1, -sleep >= 0, -rounds >= 1 (got %d, %d, %d, %d, %v, %d)",
			c.n, c.goroutines, c.depth, c.every, c.sleep, c.rounds)
	}
	if c.rounds > 1 && c.wait == "signal" {
		fail("-rounds %d with -wait signal: rounds wait for stdin lines; use -wait stdin or none", c.rounds)
	}
	if flag.NArg() > 0 {
		fail("unexpected arguments %q", flag.Args())
	}
	return c
}

// waitForTracer prints `ready pid=<pid>` and, if asked, blocks until a tracer says it has attached:
// one line (or EOF) on stdin, or SIGUSR1.
func waitForTracer(mode string) {
	var sig chan os.Signal
	if mode == "signal" {
		sig = make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGUSR1) // before printing ready, so an early signal is not lost
	}
	fmt.Printf("ready pid=%d\n", os.Getpid())
	switch mode {
	case "stdin":
		waitForLine()
	case "signal":
		<-sig
		signal.Stop(sig)
	}
}

var stdin = bufio.NewReader(os.Stdin)

// waitForLine blocks until one line (or EOF) arrives on stdin.
func waitForLine() {
	_, _ = stdin.ReadString('\n')
}

// split divides n calls among g goroutines: the first n%g get one more.
func split(n, g, i int) int {
	k := n / g
	if i < n%g {
		k++
	}
	return k
}
