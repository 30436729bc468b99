// SPDX-License-Identifier: Apache-2.0

// Command generics calls generic functions and methods instantiated with several GC shapes, and the
// functions with the names modern Go gives them, and counts and times every call with its own clock, so a
// test can compare what golat measured, merged and per instantiation, against an independent figure.
//
//	generics -rounds R [-goroutines G] [-sleep D] [-wait none|stdin|signal] [-quiet]   run R rounds, print JSON
//	generics -addr 127.0.0.1:0 [-goroutines G] [-sleep D]                            serve: RUN <rounds> -> JSON
//
// One round calls, for each type argument (int, celsius, string, *node, *leaf, point) with weight w (1..6):
// Hold w times (timed with time.Now/time.Since by its caller), Push-fm and so Push w times, Counter once and
// its closure w times, Len once, Drain once (with Go 1.23+ its range-over-func body w times), Pop w+1 times.
// See go-testbins/README.md for the symbol names and how the six type arguments make four instantiations.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

type config struct {
	rounds     int
	goroutines int
	sleep      time.Duration
	wait       string
	addr       string
	quiet      bool
}

func main() {
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(2)
	}
	cfg := parseFlags()
	locate()
	if cfg.addr != "" {
		serve(cfg)
		return
	}
	waitForTracer(cfg.wait)
	start := time.Now()
	c := run(cfg.rounds, cfg.goroutines, cfg.sleep)
	if !cfg.quiet {
		h := c.summary("Hold", "")
		fmt.Fprintf(os.Stderr, "generics: %d rounds on %d goroutines in %v; %d Hold calls, p50 %v p99 %v\n",
			cfg.rounds, cfg.goroutines, time.Since(start).Round(time.Millisecond), h.Count,
			time.Duration(h.P50), time.Duration(h.P99))
	}
	fmt.Println(c.json(cfg.rounds, cfg.goroutines, cfg.sleep))
}

func parseFlags() config {
	var c config
	flag.IntVar(&c.rounds, "rounds", 100, "rounds to run (each calls every function for every type argument)")
	flag.IntVar(&c.goroutines, "goroutines", 4, "goroutines the rounds are spread over")
	flag.DurationVar(&c.sleep, "sleep", 200*time.Microsecond, "how long each Hold call sleeps (0: no sleep)")
	flag.StringVar(&c.wait, "wait", "none", "none|stdin|signal: after printing `ready pid=<pid>`, wait for a line on stdin or for SIGUSR1")
	flag.StringVar(&c.addr, "addr", "", "serve on this address (port 0: any free port) instead of running -rounds once")
	flag.BoolVar(&c.quiet, "quiet", false, "print nothing but the ready line and the JSON line")
	flag.Parse()
	fail := func(format string, a ...interface{}) {
		fmt.Fprintf(os.Stderr, "generics: "+format+"\n", a...)
		os.Exit(2)
	}
	switch c.wait {
	case "none", "stdin", "signal":
	default:
		fail("-wait %q: want none, stdin or signal", c.wait)
	}
	if c.rounds < 0 || c.goroutines < 1 || c.sleep < 0 {
		fail("need -rounds >= 0, -goroutines >= 1, -sleep >= 0 (got %d, %d, %v)", c.rounds, c.goroutines, c.sleep)
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
		_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
	case "signal":
		<-sig
		signal.Stop(sig)
	}
}

// run spreads the rounds over g goroutines (started with `go worker(...)`: main.run.gowrap1 in Go 1.22+,
// main.run.func1 before) and returns what they counted.
func run(rounds, g int, sleep time.Duration) *calls {
	c := newCalls()
	var wg sync.WaitGroup
	for i := 0; i < g; i++ {
		n := rounds / g
		if i < rounds%g {
			n++
		}
		wg.Add(1)
		go worker(c, n, sleep, &wg)
	}
	wg.Wait()
	c.add("run.go", "", int64(g))
	return c
}

// worker runs n rounds. It takes each stack's Push as a method value in non-generic code, so the compiler
// makes one wrapper per type argument, all named main.(*Stack[...]).Push-fm in the pclntab. offset is
// inlined here, so with Go 1.21/1.22 its closure is also compiled into worker as main.worker.offset.func1
// (Go 1.19: main.worker.func1; Go 1.23+ calls main.offset.func1 itself).
func worker(c *calls, n int, sleep time.Duration, wg *sync.WaitGroup) {
	defer wg.Done()
	next := offset(1)
	var t tally
	for i := 0; i < n; i++ {
		si := &Stack[int]{}
		round(c, "int", 1, 7, si, si.Push, sleep)
		sc := &Stack[celsius]{}
		round(c, "celsius", 2, celsius(21), sc, sc.Push, sleep)
		ss := &Stack[string]{}
		round(c, "string", 3, "go", ss, ss.Push, sleep)
		sn := &Stack[*node]{}
		round(c, "*node", 4, &node{v: i}, sn, sn.Push, sleep)
		sl := &Stack[*leaf]{}
		round(c, "*leaf", 5, &leaf{name: "l"}, sl, sl.Push, sleep)
		sp := &Stack[point]{}
		round(c, "point", 6, point{X: i, Y: 2}, sp, sp.Push, sleep)
		applyInt(next, i)
		c.add("offset.func1", "", 1)
		t.Push(i)
		c.add("tally.Push", "", 1)
	}
}

// offset returns a closure; small enough to be inlined into its callers.
func offset(k int) func(int) int {
	return func(x int) int { return x + k }
}

//go:noinline
func applyInt(f func(int) int, x int) int {
	return f(x)
}

// round calls every generic function for one type argument, w times where the weight says so; push is
// s.Push as a method value. The deferred call is wrapped in main.round[...].deferwrap1 (Go 1.22+;
// main.round[...].func1 before).
//
//go:noinline
func round[T comparable](c *calls, arg string, w int, x T, s *Stack[T], push func(T), sleep time.Duration) {
	if locating {
		locArg = arg
		here("round")
		located("Push-fm", reflect.ValueOf(push).Pointer())
	}
	defer c.add("round.defer", arg, 1)
	match := Counter(x)
	for i := 0; i < w; i++ {
		var inner time.Duration
		t := time.Now()
		Hold(x, sleep, &inner)
		c.time("Hold", arg, time.Since(t))
		c.time("Hold.inner", arg, inner)
		apply(push, x)
		applyCount(match, x)
	}
	s.Len()
	Drain(s)
	for {
		if _, ok := s.Pop(); !ok {
			break
		}
	}
	ww := int64(w)
	c.add("round", arg, 1)
	c.add("Hold", arg, ww)
	c.add("Push", arg, ww)
	c.add("Push-fm", arg, ww)
	c.add("apply", arg, ww)
	c.add("Counter", arg, 1)
	c.add("Counter.func1", arg, ww)
	c.add("applyCount", arg, ww)
	c.add("Len", arg, 1)
	c.add("Drain", arg, 1)
	if rangeOverFunc {
		c.add("All", arg, 1)
		c.add("All.func1", arg, 1)
		c.add("Drain-range1", arg, ww)
	}
	c.add("Pop", arg, ww+1)
}

// serve answers `RUN <rounds>` with the JSON line of that run, `QUIT` by closing the connection.
func serve(cfg config) {
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "generics: listen on %s: %v (choose another -addr, or port 0)\n", cfg.addr, err)
		os.Exit(2)
	}
	fmt.Printf("listening on %s\n", ln.Addr())
	var mu sync.Mutex // one run at a time, so each reply counts exactly its own calls
	for {
		conn, err := ln.Accept()
		if err != nil {
			fmt.Fprintf(os.Stderr, "generics: accept: %v\n", err)
			os.Exit(1)
		}
		go func() {
			defer conn.Close()
			r := bufio.NewScanner(conn)
			for r.Scan() {
				f := strings.Fields(r.Text())
				var reply string
				switch {
				case len(f) == 1 && f[0] == "QUIT":
					return
				case len(f) == 2 && f[0] == "RUN":
					n, err := strconv.Atoi(f[1])
					if err != nil || n < 0 {
						reply = fmt.Sprintf("ERR RUN %q: want a number of rounds >= 0", f[1])
						break
					}
					mu.Lock()
					reply = run(n, cfg.goroutines, cfg.sleep).json(n, cfg.goroutines, cfg.sleep)
					mu.Unlock()
				default:
					reply = fmt.Sprintf("ERR unknown command %q: want RUN <rounds> or QUIT", r.Text())
				}
				if _, err := fmt.Fprintln(conn, reply); err != nil {
					return
				}
			}
		}()
	}
}
