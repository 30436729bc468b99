// SPDX-License-Identifier: Apache-2.0

// svc is the small Go program the container tests run until go-testbins' stmtserver lands. It speaks
// stmtserver's line protocol (EXEC <stmt> -> OK ..., STATS -> JSON) and has two helper modes for exec
// tests: -echo copies stdin lines to stdout, -status prints /proc/<pid>/status, -ignoreterm ignores SIGTERM,
// -bpf creates a BPF map to show the container's privileges suffice.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"unsafe"
)

var executed atomic.Int64

func main() {
	addr := flag.String("addr", "127.0.0.1:7070", "listen address")
	echo := flag.Bool("echo", false, "copy stdin lines to stdout, prefixed with 'echo: '")
	status := flag.String("status", "", "print /proc/<pid>/status and exit")
	ignoreTerm := flag.Bool("ignoreterm", false, "ignore SIGTERM")
	bpf := flag.Bool("bpf", false, "create a BPF array map (needs CAP_BPF or CAP_SYS_ADMIN) and exit")
	flag.Parse()
	if *bpf {
		os.Exit(createBPFMap())
	}
	if *ignoreTerm {
		signal.Ignore(syscall.SIGTERM)
	}
	switch {
	case *echo:
		fmt.Fprintln(os.Stderr, "echo ready")
		in := bufio.NewScanner(os.Stdin)
		for in.Scan() {
			fmt.Println("echo: " + in.Text())
		}
		fmt.Fprintln(os.Stderr, "echo: end of input")
		return
	case *status != "":
		b, err := os.ReadFile("/proc/" + *status + "/status")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Stdout.Write(b)
		return
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "listen:", err)
		os.Exit(1)
	}
	fmt.Println("listening on", ln.Addr())
	for {
		c, err := ln.Accept()
		if err != nil {
			fmt.Fprintln(os.Stderr, "accept:", err)
			os.Exit(1)
		}
		go serve(c)
	}
}

func serve(c net.Conn) {
	defer c.Close()
	in := bufio.NewScanner(c)
	for in.Scan() {
		line := in.Text()
		switch {
		case strings.HasPrefix(line, "EXEC "):
			n := executed.Add(1)
			fmt.Fprintf(c, "OK %d %s\n", n, strings.TrimPrefix(line, "EXEC "))
		case line == "STATS":
			fmt.Fprintf(c, "{\"executed\":%d}\n", executed.Load())
		default:
			fmt.Fprintf(c, "ERR unknown command %q\n", line)
		}
	}
}

// createBPFMap calls bpf(BPF_MAP_CREATE) for a one-entry array map, as the agent's first step does.
func createBPFMap() int {
	var attr [72]byte // union bpf_attr, map create part: map_type, key_size, value_size, max_entries
	*(*uint32)(unsafe.Pointer(&attr[0])) = 2 // BPF_MAP_TYPE_ARRAY
	*(*uint32)(unsafe.Pointer(&attr[4])) = 4
	*(*uint32)(unsafe.Pointer(&attr[8])) = 8
	*(*uint32)(unsafe.Pointer(&attr[12])) = 1
	fd, _, errno := syscall.Syscall(321, 0, uintptr(unsafe.Pointer(&attr[0])), uintptr(len(attr))) // SYS_bpf on amd64
	if errno != 0 {
		fmt.Println("bpf map create:", errno.Error())
		return 1
	}
	fmt.Println("bpf map fd", fd)
	return 0
}
