// SPDX-License-Identifier: Apache-2.0
package main

import (
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golat.dev/testbins/internal/stats"
)

// The server's own clock, per name (the STATS keys):
//
//	handleStmtExecute  the whole of handleStmtExecute, from its first line to its deferred closure
//	getTSO             one getTSO call, timed by its caller
//	dispatchToTSO      from the start of handleStmtExecute to the moment getTSO is called (SELECT, UPDATE)
//	storageGet         one (*storage).get call, timed by its caller
//	getTSOInner        one getTSO call, timed by getTSO itself (after its entry, before its RET)
//
// STATS prints, in this order:
//
//	{"handleStmtExecute":{"count":…,"p50":…,"p90":…,"p99":…,"p999":…,"max":…},"getTSO":{…},
//	 "dispatchToTSO":{…},"storageGet":{…},"getTSOInner":{…},"requests":…,"skippedTSO":…}
//
// Durations in integer ns, nearest-rank percentiles. count counts every call; the percentiles use the
// first maxSamples of them (bounded memory).
const (
	nameHandle   = "handleStmtExecute"
	nameTSO      = "getTSO"
	nameDispatch = "dispatchToTSO"
	nameStorage  = "storageGet"
	nameTSOInner = "getTSOInner"
	maxSamples   = 2_000_000
)

var seriesNames = []string{nameHandle, nameTSO, nameDispatch, nameStorage, nameTSOInner}

type series struct {
	count   int
	samples []time.Duration
}

type metrics struct {
	mu         sync.Mutex
	series     map[string]*series
	requests   atomic.Int64
	skippedTSO atomic.Int64
}

func newMetrics() *metrics {
	m := &metrics{}
	m.reset()
	return m
}

func (m *metrics) reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.series = make(map[string]*series, len(seriesNames))
	for _, n := range seriesNames {
		m.series[n] = &series{}
	}
	m.requests.Store(0)
	m.skippedTSO.Store(0)
}

func (m *metrics) record(name string, d time.Duration) {
	m.mu.Lock()
	s := m.series[name]
	s.count++
	if len(s.samples) < maxSamples {
		s.samples = append(s.samples, d)
	}
	m.mu.Unlock()
}

func (m *metrics) countRequest()    { m.requests.Add(1) }
func (m *metrics) countSkippedTSO() { m.skippedTSO.Add(1) }

// json renders the STATS line (without the newline).
func (m *metrics) json() string {
	var b strings.Builder
	b.WriteByte('{')
	m.mu.Lock()
	for _, n := range seriesNames {
		s := m.series[n]
		sum := stats.Summarize(append([]time.Duration(nil), s.samples...))
		sum.Count = s.count
		b.WriteString(stats.Quote(n) + ":{" + sum.JSONFields() + "},")
	}
	requests, skipped := m.requests.Load(), m.skippedTSO.Load()
	m.mu.Unlock()
	b.WriteString(`"requests":` + itoa(requests) + `,"skippedTSO":` + itoa(skipped) + "}")
	return b.String()
}
