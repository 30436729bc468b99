// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"golat.dev/testbins/internal/stats"
)

// typeArgs are the type arguments in the order the JSON lists them.
var typeArgs = []string{"int", "celsius", "string", "*node", "*leaf", "point"}

// calls is what a run counted: calls per function and type argument, and Hold's durations.
type calls struct {
	mu        sync.Mutex
	counts    map[string]map[string]int64
	durations map[string][]time.Duration
}

func newCalls() *calls {
	return &calls{counts: map[string]map[string]int64{}, durations: map[string][]time.Duration{}}
}

func (c *calls) add(fn, arg string, n int64) {
	c.mu.Lock()
	m := c.counts[fn]
	if m == nil {
		m = map[string]int64{}
		c.counts[fn] = m
	}
	m[arg] += n
	c.mu.Unlock()
}

func (c *calls) time(fn, arg string, d time.Duration) {
	c.mu.Lock()
	c.durations[fn+"\x00"+arg] = append(c.durations[fn+"\x00"+arg], d)
	c.mu.Unlock()
}

// summary of fn's durations for one type argument, or for all of them when arg is "".
func (c *calls) summary(fn, arg string) stats.Summary {
	c.mu.Lock()
	defer c.mu.Unlock()
	var ds []time.Duration
	for k, v := range c.durations {
		if arg == "" && strings.HasPrefix(k, fn+"\x00") || k == fn+"\x00"+arg {
			ds = append(ds, v...)
		}
	}
	return stats.Summarize(ds)
}

// json is the run's line: {"rounds":R,"goroutines":G,"sleepNs":D,"hold":{<arg>:{summary},…,"all":{summary}},
// "holdInner":{the same, by Hold's own clock inside},
// "calls":{<function>:{<arg>:count,…},…},"mainMain":…,"entries":{…}} (see entriesJSON) with functions sorted by name and type arguments in typeArgs order
// (functions that are not generic have the single key "").
func (c *calls) json(rounds, g int, sleep time.Duration) string {
	var b strings.Builder
	fmt.Fprintf(&b, `{"rounds":%d,"goroutines":%d,"sleepNs":%d,"hold":{`, rounds, g, sleep.Nanoseconds())
	for _, arg := range typeArgs {
		fmt.Fprintf(&b, `%s:{%s},`, stats.Quote(arg), c.summary("Hold", arg).JSONFields())
	}
	fmt.Fprintf(&b, `"all":{%s}},"holdInner":{`, c.summary("Hold", "").JSONFields())
	for _, arg := range typeArgs {
		fmt.Fprintf(&b, `%s:{%s},`, stats.Quote(arg), c.summary("Hold.inner", arg).JSONFields())
	}
	fmt.Fprintf(&b, `"all":{%s}},"calls":{`, c.summary("Hold.inner", "").JSONFields())
	c.mu.Lock()
	defer c.mu.Unlock()
	fns := make([]string, 0, len(c.counts))
	for fn := range c.counts {
		fns = append(fns, fn)
	}
	sort.Strings(fns)
	for i, fn := range fns {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `%s:{`, stats.Quote(fn))
		m := c.counts[fn]
		first := true
		for _, arg := range append([]string{""}, typeArgs...) {
			if n, ok := m[arg]; ok {
				if !first {
					b.WriteByte(',')
				}
				first = false
				fmt.Fprintf(&b, `%s:%d`, stats.Quote(arg), n)
			}
		}
		b.WriteByte('}')
	}
	b.WriteString("},")
	b.WriteString(entriesJSON())
	b.WriteByte('}')
	return b.String()
}
