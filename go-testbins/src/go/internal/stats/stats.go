// SPDX-License-Identifier: Apache-2.0

// Package stats computes the percentiles the test programs print about themselves. They are the
// independent clock every golat test compares its probes against, so the definition is fixed here:
//
// Nearest-rank percentile: for n durations sorted ascending (d[0] ≤ … ≤ d[n-1]) the p-th percentile is
// d[ceil(p/100 · n) − 1], i.e. the smallest duration such that at least p % of the samples are ≤ it.
// p50, p90, p99 and p999 (= 99.9 %) use this rule; max is d[n-1]. With no samples every figure is 0.
// All figures are integer nanoseconds.
package stats

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Summary is the figures printed for one set of durations.
type Summary struct {
	Count                    int
	P50, P90, P99, P999, Max int64
}

// Summarize sorts ds in place and returns its nearest-rank percentiles.
func Summarize(ds []time.Duration) Summary {
	s := Summary{Count: len(ds)}
	if len(ds) == 0 {
		return s
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	s.P50 = int64(nearestRank(ds, 500))
	s.P90 = int64(nearestRank(ds, 900))
	s.P99 = int64(nearestRank(ds, 990))
	s.P999 = int64(nearestRank(ds, 999))
	s.Max = int64(ds[len(ds)-1])
	return s
}

// nearestRank returns sorted[ceil(perMille/1000 · n) − 1] using integer arithmetic only.
func nearestRank(sorted []time.Duration, perMille int) time.Duration {
	n := len(sorted)
	rank := (perMille*n + 999) / 1000
	if rank < 1 {
		rank = 1
	}
	return sorted[rank-1]
}

// JSONFields renders the summary as `"count":…,"p50":…,"p90":…,"p99":…,"p999":…,"max":…` (no braces).
func (s Summary) JSONFields() string {
	return fmt.Sprintf(`"count":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d`,
		s.Count, s.P50, s.P90, s.P99, s.P999, s.Max)
}

// Quote returns s as a JSON string literal (the programs only print ASCII names).
func Quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
