// SPDX-License-Identifier: Apache-2.0
package main

import "time"

// tsoOracle hands out strictly increasing timestamps (physical ms << 18 | logical), like a database's
// timestamp oracle. One goroutine serves all requests: it takes whatever requests are queued as one
// batch, spends ~20 µs "persisting" the batch, then answers each of them.
type tsoOracle struct {
	reqs chan chan int64
}

const tsoMaxBatch = 64

func newTSO() *tsoOracle {
	o := &tsoOracle{reqs: make(chan chan int64, 256)}
	go o.serve()
	return o
}

// getTSO asks the oracle for a timestamp and waits for the answer. It also returns its own inner clock (from just
// after its entry to just before its RET): a probe pair on getTSO times a window between that and its caller's clock.
//
//go:noinline
func getTSO(o *tsoOracle) (int64, time.Duration) {
	t := time.Now()
	c := make(chan int64, 1)
	o.reqs <- c
	ts := <-c
	return ts, time.Since(t)
}

func (o *tsoOracle) serve() {
	var last int64
	batch := make([]chan int64, 0, tsoMaxBatch)
	for first := range o.reqs {
		batch = append(batch[:0], first)
	drain:
		for len(batch) < tsoMaxBatch {
			select {
			case c := <-o.reqs:
				batch = append(batch, c)
			default:
				break drain
			}
		}
		work(20 * time.Microsecond)
		ts := time.Now().UnixNano() / int64(time.Millisecond) << 18
		if ts <= last {
			ts = last + 1
		}
		for _, c := range batch {
			c <- ts
			last = ts
			ts++
		}
	}
}
