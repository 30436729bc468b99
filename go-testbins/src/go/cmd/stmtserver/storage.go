// SPDX-License-Identifier: Apache-2.0
package main

import (
	"sync"
	"sync/atomic"
	"time"
)

// storage is a tiny key-value store with the two kinds of sub-millisecond waits a real one has: a
// compaction that holds the mutex for a while (every 64th read starts one), and cold reads (every 8th)
// that go to a loader goroutine over a channel. Both waits are 100–500 µs of CPU work rather than
// time.Sleep, whose resolution on some machines is a whole millisecond. Nothing runs while idle.
type storage struct {
	mu         sync.Mutex
	data       map[string]int64
	reads      atomic.Uint64
	compacting atomic.Bool
	cold       chan coldRead
}

type coldRead struct {
	key  string
	seq  uint64
	done chan int64
}

func newStorage() *storage {
	s := &storage{data: make(map[string]int64), cold: make(chan coldRead)}
	go s.loader()
	return s
}

// get returns the value of key and bumps it.
//
//go:noinline
func (s *storage) get(key string) int64 {
	n := s.reads.Add(1)
	if n%8 == 5 {
		r := coldRead{key: key, seq: n, done: make(chan int64, 1)}
		s.cold <- r
		return <-r.done
	}
	if n%64 == 0 && s.compacting.CompareAndSwap(false, true) {
		go s.compact(n)
	}
	s.mu.Lock()
	v := s.data[key]
	s.data[key] = v + 1
	s.mu.Unlock()
	return v
}

func (s *storage) compact(seq uint64) {
	s.mu.Lock()
	work(waitFor(seq))
	s.mu.Unlock()
	s.compacting.Store(false)
}

func (s *storage) loader() {
	for r := range s.cold {
		work(waitFor(r.seq))
		s.mu.Lock()
		v := s.data[r.key]
		s.mu.Unlock()
		r.done <- v
	}
}

// waitFor spreads waits over 100–500 µs, deterministically from a sequence number.
func waitFor(seq uint64) time.Duration {
	return 100*time.Microsecond + time.Duration(seq*2654435761%401)*time.Microsecond
}

// work keeps the CPU busy for d.
func work(d time.Duration) {
	start := time.Now()
	for time.Since(start) < d {
	}
}
