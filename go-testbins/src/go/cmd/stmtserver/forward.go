// SPDX-License-Identifier: Apache-2.0
package main

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"time"
)

// A forwarding node (-forward A,B): handleStmtExecute sends every statement to one of the upstream nodes, in
// turn across all connections (statement 1 to A, 2 to B, 3 to A, ...), and answers with the upstream's answer.
// Its own handleStmtExecute latency then holds the upstream call: a front node of a small cluster.

// upstreams is the forwarding state of one server: the nodes, and how many statements were sent so far.
type upstreams struct {
	addrs []string
	next  chan int // one token: the index of the next upstream (a channel keeps Go 1.19's sync/atomic set small)
}

func parseUpstreams(list string) (*upstreams, error) {
	if list == "" {
		return nil, nil
	}
	u := &upstreams{next: make(chan int, 1)}
	for _, a := range strings.Split(list, ",") {
		a = strings.TrimSpace(a)
		if _, _, err := net.SplitHostPort(a); err != nil {
			return nil, fmt.Errorf("-forward %q: %v (want host:port[,host:port...])", list, err)
		}
		u.addrs = append(u.addrs, a)
	}
	u.next <- 0
	return u, nil
}

// pick returns the index of the upstream for the next statement.
func (u *upstreams) pick() int {
	i := <-u.next
	u.next <- (i + 1) % len(u.addrs)
	return i
}

// upstreamConn is one connection of a client connection to one upstream node, dialled on first use.
type upstreamConn struct {
	conn net.Conn
	r    *bufio.Reader
	w    *bufio.Writer
}

// forwardStmt sends stmt to the next upstream over this client connection's own connection to it and returns
// the upstream's answer line (without the newline).
//
//go:noinline
func (cc *clientConn) forwardStmt(stmt string) string {
	u := cc.srv.forward
	i := u.pick()
	if cc.up == nil {
		cc.up = make([]*upstreamConn, len(u.addrs))
	}
	c := cc.up[i]
	if c == nil {
		conn, err := net.DialTimeout("tcp", u.addrs[i], 5*time.Second)
		if err != nil {
			return "ERR forward to " + u.addrs[i] + ": " + err.Error()
		}
		c = &upstreamConn{conn: conn, r: bufio.NewReader(conn), w: bufio.NewWriter(conn)}
		cc.up[i] = c
	}
	c.w.WriteString("EXEC " + stmt + "\n")
	if err := c.w.Flush(); err != nil {
		return "ERR forward to " + u.addrs[i] + ": " + err.Error()
	}
	line, err := c.r.ReadString('\n')
	if err != nil {
		return "ERR forward to " + u.addrs[i] + ": " + err.Error()
	}
	return strings.TrimRight(line, "\r\n")
}

// closeUpstreams closes this client connection's connections to the upstream nodes.
func (cc *clientConn) closeUpstreams() {
	for _, c := range cc.up {
		if c != nil {
			c.conn.Close()
		}
	}
}
