package main

import (
	"math"
	"slices"
	"time"
)

// latency summarises request durations in milliseconds.
type latency struct {
	N    int     `json:"n"`
	P50  float64 `json:"p50Ms"`
	P90  float64 `json:"p90Ms"`
	P99  float64 `json:"p99Ms"`
	Max  float64 `json:"maxMs"`
	Mean float64 `json:"meanMs"`
}

func summarise(ds []time.Duration) latency {
	if len(ds) == 0 {
		return latency{}
	}
	ms := make([]float64, len(ds))
	sum := 0.0
	for i, d := range ds {
		ms[i] = float64(d) / float64(time.Millisecond)
		sum += ms[i]
	}
	slices.Sort(ms)
	// Nearest-rank percentiles: p99 of 2,000 samples is the 1,980th.
	q := func(p float64) float64 { return ms[max(0, int(math.Ceil(p*float64(len(ms))))-1)] }
	return latency{N: len(ms), P50: q(0.50), P90: q(0.90), P99: q(0.99), Max: ms[len(ms)-1], Mean: sum / float64(len(ms))}
}
