package main

import (
	"bufio"
	"context"
	crand "crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// rssResult is the memory of a running `roster serve`.
type rssResult struct {
	IdleRSSMB    float64 `json:"idleRssMB"`
	IdleHWMMB    float64 `json:"idleHwmMB"`
	LoadMaxRSSMB float64 `json:"loadMaxRssMB,omitempty"`
	LoadHWMMB    float64 `json:"loadHwmMB,omitempty"`
	LoadRequests int     `json:"loadRequests,omitempty"`
	LoadErrors   int     `json:"loadErrors,omitempty"`
	LoadRPS      float64 `json:"loadRps,omitempty"`
	LoadLatency  latency `json:"loadLatency"`
	Concurrency  int     `json:"concurrency,omitempty"`
	Note         string  `json:"note,omitempty"`
}

// serveParams configure the RSS phase.
type serveParams struct {
	Binary      string // built when empty
	Target      target
	WorkspaceID string
	Settle      time.Duration
	Duration    time.Duration
	Concurrency int
	Cases       []queryCase
}

// buildRoster compiles ./cmd/roster (the driver runs from the module root).
func buildRoster(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "roster")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/roster")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/roster: %w", err)
	}
	return bin, nil
}

func rosterEnv(t target, key string) []string {
	env := append(os.Environ(), "ROSTER_DATA_DIR="+t.DataDir, "ROSTER_ENCRYPTION_KEY="+key)
	if u := t.DatabaseURL(); u != "" {
		env = append(env, "DATABASE_URL="+u)
	}
	return env
}

// createAPIKey runs `roster apikey create` and returns the key (the last
// line of its output).
func createAPIKey(ctx context.Context, bin string, t target, ws, key string) (string, error) {
	cmd := exec.CommandContext(ctx, bin, "apikey", "create", "--workspace", ws, "--name", "rosterbench")
	cmd.Env = rosterEnv(t, key)
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("roster apikey create: %w", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return strings.TrimSpace(lines[len(lines)-1]), nil
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// vmRSS reads VmRSS and VmHWM (peak) of pid in MB.
func vmRSS(pid int) (rss, hwm float64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
		if k == "VmRSS" {
			rss = kb / 1024
		} else {
			hwm = kb / 1024
		}
	}
	return rss, hwm, sc.Err()
}

// measureServe starts `roster serve` on the seeded data, reads its idle RSS,
// then drives concurrent GraphQL load and samples RSS. It stops only the
// process it started, by PID: SIGTERM, then SIGKILL after 30 s.
func measureServe(ctx context.Context, p serveParams) (*rssResult, error) {
	res := &rssResult{Concurrency: p.Concurrency}
	kb := make([]byte, 32)
	_, _ = crand.Read(kb)
	encKey := base64.StdEncoding.EncodeToString(kb)
	bin := p.Binary
	if bin == "" {
		var err error
		if bin, err = buildRoster(ctx, p.Target.DataDir); err != nil {
			return nil, err
		}
	}
	apiKey, err := createAPIKey(ctx, bin, p.Target, p.WorkspaceID, encKey)
	if err != nil {
		return nil, err
	}
	addr, err := freePort()
	if err != nil {
		return nil, err
	}
	logf, err := os.Create(filepath.Join(p.Target.DataDir, "serve.log"))
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd := exec.Command(bin, "serve", "--addr", addr)
	cmd.Env = rosterEnv(p.Target, encKey)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	pid := cmd.Process.Pid
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		_ = syscall.Kill(pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = syscall.Kill(pid, syscall.SIGKILL)
			<-exited
		}
	}()
	base := "http://" + addr
	if err := waitReady(ctx, base+"/readyz", exited); err != nil {
		return nil, err
	}
	select {
	case <-time.After(p.Settle):
	case err := <-exited:
		return nil, fmt.Errorf("roster serve exited: %v (see %s)", err, logf.Name())
	}
	if res.IdleRSSMB, res.IdleHWMMB, err = vmRSS(pid); err != nil {
		return nil, err
	}
	l := graphqlLister{url: base + "/graphql", apiKey: apiKey, client: &http.Client{Timeout: 60 * time.Second}}
	if _, err := l.people(ctx, nil, nil, false); err != nil {
		res.Note = "no load: " + err.Error()
		return res, nil
	}
	if err := drive(ctx, l, p, pid, res); err != nil {
		return nil, err
	}
	return res, nil
}

func waitReady(ctx context.Context, url string, exited <-chan error) error {
	deadline := time.Now().Add(5 * time.Minute) // first start on PostgreSQL may migrate
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("roster serve exited before ready: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return errors.New("roster serve not ready after 5 minutes")
}

// drive runs Concurrency clients, each cycling through the cases, for
// Duration, sampling the server's RSS every 250 ms.
func drive(ctx context.Context, l graphqlLister, p serveParams, pid int, res *rssResult) error {
	ctx, cancel := context.WithTimeout(ctx, p.Duration)
	defer cancel()
	var (
		mu   sync.Mutex
		ds   []time.Duration
		errs int
		wg   sync.WaitGroup
	)
	for w := range p.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 99))
			for i := w; ctx.Err() == nil; i++ {
				c := p.Cases[i%len(p.Cases)]
				t0 := time.Now()
				_, err := l.people(ctx, c.Filter(r), c.OrderBy, false)
				d := time.Since(t0)
				mu.Lock()
				if err != nil {
					if ctx.Err() == nil {
						errs++
					}
				} else {
					ds = append(ds, d)
				}
				mu.Unlock()
			}
		}()
	}
	start := time.Now()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for ctx.Err() == nil {
		select {
		case <-tick.C:
			if rss, _, err := vmRSS(pid); err == nil && rss > res.LoadMaxRSSMB {
				res.LoadMaxRSSMB = rss
			}
		case <-ctx.Done():
		}
	}
	wg.Wait()
	_, res.LoadHWMMB, _ = vmRSS(pid)
	res.LoadRequests, res.LoadErrors = len(ds), errs
	res.LoadRPS = float64(len(ds)) / time.Since(start).Seconds()
	res.LoadLatency = summarise(ds)
	return nil
}
