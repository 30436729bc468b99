// SPDX-License-Identifier: Apache-2.0
package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"strings"
	"time"
)

type server struct {
	store    *storage
	tso      *tsoOracle
	metrics  *metrics
	busyWait time.Duration // added to every handleStmtExecute: a known slowdown (-busy-wait)
	slowBy   float64       // every handleStmtExecute call stretched by this fraction of its own time (-slow-by)
	forward  *upstreams    // nil, or the nodes every statement is forwarded to (-forward)
}

func newServer() *server {
	return &server{store: newStorage(), tso: newTSO(), metrics: newMetrics()}
}

func (s *server) serve(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			fmt.Fprintf(os.Stderr, "stmtserver: accept: %v\n", err)
			os.Exit(1)
		}
		cc := &clientConn{srv: s, conn: c, r: bufio.NewReader(c), w: bufio.NewWriter(c)}
		go cc.run()
	}
}

type clientConn struct {
	srv  *server
	conn net.Conn
	r    *bufio.Reader
	w    *bufio.Writer
	up   []*upstreamConn // with -forward: this connection's own connection to each upstream node
}

func (cc *clientConn) run() {
	defer cc.conn.Close()
	defer cc.closeUpstreams()
	for {
		line, err := cc.r.ReadString('\n')
		if err != nil {
			return
		}
		quit := cc.dispatch(strings.TrimRight(line, "\r\n"))
		if cc.w.Flush() != nil || quit {
			return
		}
	}
}

// dispatch answers one request line and reports whether the connection should close.
//
//go:noinline
func (cc *clientConn) dispatch(line string) bool {
	cmd, arg := line, ""
	if i := strings.IndexByte(line, ' '); i >= 0 {
		cmd, arg = line[:i], line[i+1:]
	}
	switch strings.ToUpper(cmd) {
	case "EXEC":
		cc.w.WriteString(cc.handleStmtExecute(arg))
	case "STATS":
		cc.w.WriteString(cc.srv.metrics.json())
	case "RESET":
		cc.srv.metrics.reset()
		cc.w.WriteString("OK reset")
	case "QUIT":
		return true
	case "CRASH": // for tests of a service that dies mid-test: an unrecovered panic, exit code 2
		panic("stmtserver: CRASH asked by a client: " + arg)
	default:
		fmt.Fprintf(cc.w, "ERR unknown command %q: want EXEC <statement>, STATS, RESET, QUIT or CRASH <why>", cmd)
	}
	cc.w.WriteByte('\n')
	return false
}

// handleStmtExecute runs one statement and returns the response line (without the newline).
//
//go:noinline
func (cc *clientConn) handleStmtExecute(stmt string) (resp string) {
	start := time.Now()
	m := cc.srv.metrics
	slowBy := cc.srv.slowBy
	defer func() { // main.(*clientConn).handleStmtExecute.func1
		if slowBy > 0 {
			// a slowdown in proportion to the call's own work, waits included: every percentile moves by slowBy
			spin(time.Duration(slowBy * float64(time.Since(start))))
		}
		m.record(nameHandle, time.Since(start))
	}()
	m.countRequest()
	if cc.srv.busyWait > 0 {
		spin(cc.srv.busyWait)
	}
	if cc.srv.forward != nil {
		return cc.forwardStmt(stmt)
	}

	st, err := parseStmt(normalizeStmt(stmt))
	if err != nil {
		return "ERR " + err.Error()
	}
	p := &exprParser{s: st.expr}
	v, err := evalExpr(p, 1)
	if err == nil && p.pos < len(p.s) {
		err = fmt.Errorf("unexpected %q at offset %d of expression %q", p.s[p.pos:], p.pos, p.s)
	}
	if err != nil {
		return "ERR " + err.Error()
	}

	t := time.Now()
	stored := cc.srv.store.get(st.table)
	m.record(nameStorage, time.Since(t))

	if st.kind == "SET" {
		m.countSkippedTSO()
		return fmt.Sprintf("OK v=%d n=%d", v, stored)
	}
	t = time.Now()
	m.record(nameDispatch, t.Sub(start))
	ts, inner := getTSO(cc.srv.tso)
	m.record(nameTSO, time.Since(t))
	m.record(nameTSOInner, inner)
	return fmt.Sprintf("OK v=%d n=%d ts=%d", v, stored, ts)
}

// spin keeps the CPU busy for d: a slowdown that costs CPU time like slower code would, not a sleep.
//
//go:noinline
func spin(d time.Duration) {
	for start := time.Now(); time.Since(start) < d; {
	}
}
