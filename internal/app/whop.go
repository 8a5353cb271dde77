package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/config"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/whop/whopsim"
	"github.com/roster-crm/roster/internal/whopsync"
)

// cmdWhop groups the Whop commands: sync (run a sync in this process, with
// progress) and sim (run the Whop simulator).
func cmdWhop(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: whop sync --workspace ID | whop sim [flags]", errUsage)
	}
	switch args[0] {
	case "sync":
		return cmdWhopSync(ctx, env, args[1:])
	case "sim":
		return cmdWhopSim(ctx, env, args[1:])
	}
	return fmt.Errorf("%w: unknown whop action %q (sync, sim)", errUsage, args[0])
}

// cmdWhopSync runs a full sync of one workspace to the end, printing
// progress. An interrupted sync (this command killed, or a server's sync job
// that died) is resumed from its last saved page.
func cmdWhopSync(ctx context.Context, env *cliEnv, args []string) error {
	fs := env.flags("whop sync")
	workspace := fs.String("workspace", "", "workspace ID")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *workspace == "" {
		return fmt.Errorf("%w: --workspace is required", errUsage)
	}
	cfg, err := config.Load(env.getenv, config.Options{KeyOptional: true})
	if err != nil {
		return err
	}
	if len(cfg.EncryptionKey) == 0 {
		key, err := os.ReadFile(filepath.Join(cfg.DataDir, "demo-encryption.key"))
		if err != nil || len(key) != 32 {
			return errors.New("config: ROSTER_ENCRYPTION_KEY is not set: the Whop credentials cannot be opened without it")
		}
		cfg.EncryptionKey = key
	}
	logger := slog.New(slog.NewJSONHandler(env.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := open(ctx, cfg, logger, openParams{Migrate: true})
	if err != nil {
		return err
	}
	defer a.Close()
	run, err := a.Whop.StartRun(ctx, *workspace, whopsync.RunFull)
	if err != nil {
		return err
	}
	if run.Status == store.SyncRunning {
		fmt.Fprintf(env.stdout, "resuming sync %s at %s\n", run.ID, run.Phase)
	}
	bar := newProgress(env.stdout)
	run, err = a.Whop.RunSync(ctx, *workspace, run.ID, bar.update)
	bar.done()
	if err != nil {
		return fmt.Errorf("sync %s stopped: %w (run it again to resume)", run.ID, err)
	}
	fmt.Fprintf(env.stdout, "sync %s %s: %d products, %d users, %d memberships, %d payments; %d rows written, %d requests\n",
		run.ID, run.Status, run.ProductsCount, run.UsersCount, run.MembershipsCount, run.PaymentsCount, run.WritesCount, run.RequestsCount)
	if run.Status != store.SyncSucceeded {
		return fmt.Errorf("sync failed: %s", strings.Join(run.Errors, "; "))
	}
	return nil
}

// progress draws a one-line progress display: redrawn in place on a
// terminal, one line per phase otherwise (logs, CI).
type progress struct {
	w     io.Writer
	tty   bool
	phase string
	last  time.Time
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

var phaseOrder = []string{"products", "plans", "members", "memberships", "payments", "done"}

func (p *progress) update(r *store.WhopSyncRun) {
	step := 0
	for i, ph := range phaseOrder {
		if ph == r.Phase {
			step = i
		}
	}
	const width = 20
	filled := width * step / (len(phaseOrder) - 1)
	bar := strings.Repeat("█", filled) + strings.Repeat("░", width-filled)
	line := fmt.Sprintf("%s %-11s products %d  users %d  memberships %d  payments %d  (%d requests)",
		bar, r.Phase, r.ProductsCount, r.UsersCount, r.MembershipsCount, r.PaymentsCount, r.RequestsCount)
	switch {
	case p.tty:
		if time.Since(p.last) > 100*time.Millisecond || r.Phase != p.phase {
			fmt.Fprintf(p.w, "\r\033[K%s", line)
			p.last = time.Now()
		}
	case r.Phase != p.phase:
		fmt.Fprintln(p.w, line)
	}
	p.phase = r.Phase
}

func (p *progress) done() {
	if p.tty {
		fmt.Fprintln(p.w)
	}
}

// simCredentials are the fixed credentials of a simulator started by Roster,
// so a demo's stored connection keeps working across restarts.
const (
	simCompanyID     = "biz_demo0000000001"
	simAPIKey        = "whop_sim_demo_company_key"
	simClientID      = "app_roster_demo"
	simClientSecret  = "roster-demo-client-secret"
	simWebhookSecret = "ws_d3m0d3m0d3m0d3m0d3m0d3m0d3m0d3m0d3m0d3m0d3m0d3m0d3m0d3m0d3m0d3m0"
)

// startSim starts a simulator with a generated company of users members and
// a year of history. callbackURL is allowed for OAuth; webhookURL, when set,
// receives signed webhooks.
func startSim(addr string, seed uint64, users int, callbackURL, webhookURL string, logf func(string, ...any)) (*whopsim.Sim, string, error) {
	sim := whopsim.New(whopsim.Config{Seed: seed, Logf: logf,
		APIKeys:      []whopsim.APIKey{{Key: simAPIKey, CompanyID: simCompanyID}},
		OAuthClients: []whopsim.OAuthClient{{ID: simClientID, Secret: simClientSecret, RedirectURIs: []string{callbackURL}}},
	})
	sim.Generate(whopsim.GenerateParams{CompanyID: simCompanyID, CompanyTitle: "Pickaxe Labs", Users: users, Products: 3})
	if webhookURL != "" {
		sim.SetWebhookTargets([]whopsim.WebhookTarget{{URL: webhookURL, Secret: simWebhookSecret}})
	}
	base, err := sim.Start(addr)
	if err != nil {
		return nil, "", err
	}
	return sim, base, nil
}

// cmdWhopSim runs the Whop simulator until interrupted.
func cmdWhopSim(ctx context.Context, env *cliEnv, args []string) error {
	fs := env.flags("whop sim")
	addr := fs.String("addr", "127.0.0.1:9797", "listen address")
	users := fs.Int("users", 300, "customers to generate, each with at least one membership")
	seed := fs.Uint64("seed", 1, "generator seed (same seed, same data)")
	webhook := fs.String("webhook-url", "", "deliver signed webhooks here (e.g. http://127.0.0.1:8080/webhooks/whop/WORKSPACE_ID)")
	callback := fs.String("redirect-uri", "http://127.0.0.1:8080/auth/whop/callback", "OAuth redirect URI to allow")
	every := fs.Duration("tick", 5*time.Second, "how often the business moves (sign-ups, renewals, cancellations...); 0 to stay still")
	if err := parse(fs, args); err != nil {
		return err
	}
	sim, base, err := startSim(*addr, *seed, *users, *callback, *webhook, func(f string, a ...any) { fmt.Fprintf(env.stderr, f+"\n", a...) })
	if err != nil {
		return err
	}
	defer sim.Close()
	// The counts are what the company's member, membership and payment
	// lists return; the owner is a user but not a member.
	c := sim.Counts()
	fmt.Fprintf(env.stdout, `Whop simulator on %s (%d members, %d memberships, %d payments)
  WHOP_API_BASE_URL=%s/api/v1
  WHOP_OAUTH_BASE_URL=%s
  company ID:      %s
  company API key: %s
  OAuth client:    %s / %s (redirect %s)
  webhook secret:  %s
`, base, c.Members, c.Memberships, c.Payments, base, base, simCompanyID, simAPIKey, simClientID, simClientSecret, *callback, simWebhookSecret)
	if *every > 0 {
		err = sim.Run(ctx, *every)
	} else {
		<-ctx.Done()
		err = ctx.Err()
	}
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}
