// SPDX-License-Identifier: Apache-2.0

// Command stmtserver is a small statement server shaped like a database front end, for golat's demo and
// tests. It speaks a line protocol over TCP:
//
//	EXEC <statement>\n  ->  OK v=<expression value> n=<stored count> ts=<timestamp>\n  (SELECT, UPDATE)
//	                        OK v=<expression value> n=<stored count>\n  (SET: no timestamp)
//	                        ERR <message>\n
//	STATS\n             ->  one JSON line with the server's own latency figures (see metrics.go)
//	RESET\n             ->  OK reset\n   (forgets all figures)
//	QUIT\n              ->  closes the connection
//
// The request path, whose names golat tests trace:
//
//	accept -> per-connection goroutine -> (*clientConn).dispatch -> (*clientConn).handleStmtExecute
//	  -> normalizeStmt (inlined) -> parseStmt -> evalExpr (recursive, one level per parenthesis)
//	  -> (*storage).get (sometimes waits on a mutex or a channel)
//	  -> getTSO (SELECT and UPDATE only; SET skips it) -> respond
//
// handleStmtExecute records its own latency in a deferred closure (main.(*clientConn).handleStmtExecute.func1).
//
// -busy-wait D adds D of busy CPU time to every handleStmtExecute call: a candidate slowed by a known amount.
// -slow-by F stretches every handleStmtExecute call by the fraction F of its own time (before it returns, it keeps
// the CPU busy for F x the time it has taken): a candidate slowed by a known share at every percentile, tail included.
//
// -forward A,B makes the server a front node: every statement goes to one of the nodes A, B, ... in turn (across
// all connections), and the answer is theirs; its handleStmtExecute then holds the upstream call (forward.go).
//
// Client mode: `stmtserver -drive N -addr A -conns C` sends N statements over C connections and prints
// the server's STATS line.
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"runtime"
	"syscall"
)

func main() {
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(2)
	}
	addr := flag.String("addr", "127.0.0.1:4000", "listen address (port 0: any free port); with -drive, the server to drive")
	statsOnExit := flag.Bool("stats-on-exit", false, "on SIGTERM/SIGINT print the STATS JSON line and exit 0")
	drive := flag.Int("drive", 0, "client mode: send this many statements to -addr, then print the server's STATS line")
	conns := flag.Int("conns", 4, "client mode: connections to spread the statements over")
	busyWait := flag.Duration("busy-wait", 0, "add this much busy CPU time to every handleStmtExecute call (a known slowdown, e.g. 4us, for gate benchmarks)")
	slowBy := flag.Float64("slow-by", 0, "stretch every handleStmtExecute call by this fraction of its own time (a known slowdown at every percentile, e.g. 0.2, for gate benchmarks)")
	forward := flag.String("forward", "", "front-node mode: forward every statement to these stmtservers in turn (host:port,host:port)")
	flag.Parse()
	if *slowBy < 0 || *slowBy > 10 {
		fatalf("-slow-by %v: want a fraction between 0 and 10 (0.2 for +20%%)", *slowBy)
	}
	if flag.NArg() > 0 {
		fatalf("unexpected arguments %q", flag.Args())
	}

	if *drive > 0 {
		if *conns < 1 {
			fatalf("-conns %d: need at least 1", *conns)
		}
		line, err := runDriver(*addr, *drive, *conns)
		if err != nil {
			fatalf("drive %s: %v", *addr, err)
		}
		fmt.Println(line)
		return
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fatalf("listen on %s: %v (choose another -addr, or port 0)", *addr, err)
	}
	srv := newServer()
	srv.busyWait = *busyWait
	srv.slowBy = *slowBy
	if srv.forward, err = parseUpstreams(*forward); err != nil {
		fatalf("%v", err)
	}
	if *statsOnExit {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
		go func() {
			<-sig
			fmt.Println(srv.metrics.json())
			os.Exit(0)
		}()
	}
	fmt.Printf("listening on %s\n", ln.Addr()) // stdout is unbuffered: the line is out when Printf returns
	srv.serve(ln)
}

func fatalf(format string, a ...interface{}) {
	fmt.Fprintf(os.Stderr, "stmtserver: "+format+"\n", a...)
	os.Exit(1)
}
