package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// verdict compares a figure with its goal ("-" when there is none).
func verdict(got, goal float64, higherIsBetter bool) string {
	switch {
	case goal == 0:
		return "-"
	case higherIsBetter && got >= goal, !higherIsBetter && got <= goal:
		return "PASS"
	}
	return "MISS"
}

func printTable(w io.Writer, res *results) {
	fmt.Fprintf(w, "\n%s, %s, %s, %d CPUs, %d people / %d companies / %d opportunities, batch %d\n",
		res.Dialect, res.DBVersion, res.GoVersion, res.CPUs, res.Spec.People, res.Spec.Companies, res.Spec.Opportunities, res.Batch)
	fmt.Fprintf(w, "migrations: %s\n", strings.Join(res.Migrations, ", "))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight|tabwriter.Debug)
	if res.Seed != nil {
		fmt.Fprintf(w, "\nseed (whole load %.1f s)\n", res.Seed.Elapsed.Seconds())
		fmt.Fprintln(tw, "object\twriter\trows\tcalls\tseconds\trows/s\tgoal\t")
		for _, t := range res.Seed.Timings {
			if t.Rows == 0 {
				continue // a writer that got no turn (fewer batches than a block)
			}
			g, v := "", "-"
			if t.Object == "person" && res.Dialect == "sqlite" {
				g, v = ">= 50000", verdict(t.PerSecond(), 50_000, true)
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.1f\t%.0f\t%s %s\t\n", t.Object, t.Writer, t.Rows, t.Calls, t.Elapsed.Seconds(), t.PerSecond(), g, v)
		}
		tw.Flush()
	}
	if len(res.Queries) > 0 {
		fmt.Fprintln(w, "\npeople(first: 50), sequential requests, milliseconds")
		fmt.Fprintln(tw, "api\tcase\ttotalCount\tn\trows\tp50\tp90\tp99\tmax\tgoal p50/p99\t")
		for _, q := range res.Queries {
			g50, g99 := goal(q.Group)
			v := verdict(q.Latency.P50, g50, false)
			if g99 > 0 && v == "PASS" {
				v = verdict(q.Latency.P99, g99, false)
			}
			gs := fmt.Sprintf("%g/%g %s", g50, g99, v)
			if g99 == 0 {
				gs = fmt.Sprintf("%g/- %s", g50, v)
			}
			fmt.Fprintf(tw, "%s\t%s\t%v\t%d\t%.1f\t%.2f\t%.2f\t%.2f\t%.2f\t%s\t\n", q.API, q.Case, q.WithTotal, q.Latency.N, q.Rows, q.Latency.P50, q.Latency.P90, q.Latency.P99, q.Latency.Max, gs)
		}
		tw.Flush()
	}
	if r := res.Serve; r != nil {
		fmt.Fprintf(w, "\nroster serve: idle RSS %.1f MB (peak %.1f MB)", r.IdleRSSMB, r.IdleHWMMB)
		if r.LoadRequests > 0 {
			fmt.Fprintf(w, "; under load (%d clients): max RSS %.1f MB, peak %.1f MB, %d requests (%.0f/s, %d errors), p50 %.1f ms, p99 %.1f ms",
				r.Concurrency, r.LoadMaxRSSMB, r.LoadHWMMB, r.LoadRequests, r.LoadRPS, r.LoadErrors, r.LoadLatency.P50, r.LoadLatency.P99)
		}
		if r.Note != "" {
			fmt.Fprintf(w, "; %s", r.Note)
		}
		fmt.Fprintln(w)
	}
	for _, n := range res.Notes {
		fmt.Fprintln(w, "note:", n)
	}
}
