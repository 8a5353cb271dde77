package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// renderMarkdown prints the results files as the Markdown tables of
// bench/BENCHMARKS.md, so the recorded figures are copied, not retyped.
func renderMarkdown(w io.Writer, files []string) error {
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var res results
		if err := json.Unmarshal(b, &res); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		fmt.Fprintf(w, "#### %s (`%s`, %s)\n\n", res.Dialect, f, res.Date)
		fmt.Fprintf(w, "%s; %d people / %d companies / %d opportunities; migrations %v\n\n", res.DBVersion, res.Spec.People, res.Spec.Companies, res.Spec.Opportunities, res.Migrations)
		if res.Seed != nil {
			fmt.Fprintf(w, "Seed, batches of %d, whole load %.0f s:\n\n| object | writer | rows | calls | s in Create | rows/s | goal |\n|---|---|--:|--:|--:|--:|---|\n", res.Batch, res.Seed.Elapsed.Seconds())
			for _, t := range res.Seed.Timings {
				if t.Rows == 0 {
					continue // a writer that got no turn (fewer batches than a block)
				}
				g := ""
				if t.Object == "person" && res.Dialect == "sqlite" {
					g = ">= 50,000: " + verdict(t.PerSecond(), 50_000, true)
				}
				fmt.Fprintf(w, "| %s | %s | %d | %d | %.1f | %.0f | %s |\n", t.Object, t.Writer, t.Rows, t.Calls, t.Elapsed.Seconds(), t.PerSecond(), g)
			}
			fmt.Fprintln(w)
		}
		if len(res.Queries) > 0 {
			fmt.Fprintf(w, "people(first: 50), sequential, ms:\n\n| api | case | totalCount | n | p50 | p90 | p99 | max | goal p50/p99 |\n|---|---|---|--:|--:|--:|--:|--:|---|\n")
			for _, q := range res.Queries {
				g50, g99 := goal(q.Group)
				v := verdict(q.Latency.P50, g50, false)
				gs := fmt.Sprintf("%g/%g", g50, g99)
				if g99 > 0 && v == "PASS" {
					v = verdict(q.Latency.P99, g99, false)
				}
				if g99 == 0 {
					gs = fmt.Sprintf("%g/-", g50)
				}
				fmt.Fprintf(w, "| %s | %s | %v | %d | %.2f | %.2f | %.2f | %.2f | %s **%s** |\n", q.API, q.Case, q.WithTotal, q.Latency.N, q.Latency.P50, q.Latency.P90, q.Latency.P99, q.Latency.Max, gs, v)
			}
			fmt.Fprintln(w)
		}
		if r := res.Serve; r != nil {
			fmt.Fprintf(w, "roster serve: idle VmRSS %.1f MB; under load (%d clients, %d requests at %.0f/s, %d errors, p50 %.1f ms, p99 %.1f ms): max VmRSS %.1f MB, VmHWM %.1f MB. %s\n\n",
				r.IdleRSSMB, r.Concurrency, r.LoadRequests, r.LoadRPS, r.LoadErrors, r.LoadLatency.P50, r.LoadLatency.P99, r.LoadMaxRSSMB, r.LoadHWMMB, r.Note)
		}
		for _, n := range res.Notes {
			fmt.Fprintf(w, "Note: %s\n\n", n)
		}
	}
	return nil
}
