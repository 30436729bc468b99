// SPDX-License-Identifier: Apache-2.0
package main

import (
	"bufio"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"
)

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// statement i of the driver's fixed mix: 70 % SELECT, 20 % UPDATE, 10 % SET, nested 0–4 parentheses deep.
func statement(i int) string {
	nest := i % 5
	expr := strconv.Itoa(i%97 + 1)
	for d := 0; d < nest; d++ {
		expr = fmt.Sprintf("(%s + %d)", expr, d+1)
	}
	switch i % 10 {
	case 7, 8:
		return fmt.Sprintf("UPDATE t%d SET v = %s * 2", i%8, expr)
	case 9:
		return fmt.Sprintf("SET @v%d = %s", i%4, expr)
	default:
		return fmt.Sprintf("SELECT %s + k FROM t%d", expr, i%8)
	}
}

// runDriver sends n statements over conns connections (each waits for its answer before sending the
// next), then asks for STATS and returns that line.
func runDriver(addr string, n, conns int) (string, error) {
	if conns > n {
		conns = n
	}
	errs := make(chan error, conns)
	var wg sync.WaitGroup
	for c := 0; c < conns; c++ {
		c := c
		wg.Add(1)
		go func() {
			defer wg.Done()
			k := n / conns
			if c < n%conns {
				k++
			}
			errs <- driveConn(addr, c, conns, k)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return "", err
		}
	}
	return request(addr, "STATS")
}

func driveConn(addr string, first, stride, k int) error {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	r, w := bufio.NewReader(conn), bufio.NewWriter(conn)
	for j := 0; j < k; j++ {
		stmt := statement(first + j*stride)
		if _, err := w.WriteString("EXEC " + stmt + "\n"); err != nil {
			return err
		}
		if err := w.Flush(); err != nil {
			return err
		}
		conn.SetReadDeadline(time.Now().Add(30 * time.Second))
		line, err := r.ReadString('\n')
		if err != nil {
			return fmt.Errorf("after EXEC %s: %v", stmt, err)
		}
		if !strings.HasPrefix(line, "OK ") {
			return fmt.Errorf("EXEC %s: %s", stmt, strings.TrimSpace(line))
		}
	}
	_, err = w.WriteString("QUIT\n")
	if err == nil {
		err = w.Flush()
	}
	return err
}

func request(addr, cmd string) (string, error) {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := conn.Write([]byte(cmd + "\nQUIT\n")); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	return strings.TrimSpace(line), err
}
