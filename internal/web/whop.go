package web

import (
	"errors"
	"net/http"
	"sort"
	"strings"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/whopsync"
)

// whopSyncSteps are a sync run's phases in order; a run's progress is the
// index of its phase.
var whopSyncSteps = []string{"products", "plans", "members", "memberships", "payments"}

// whopRunStep returns how many of the run's phases are done.
func whopRunStep(run *whopsync.SyncRun) int {
	if run.Status == whopsync.SyncSucceeded {
		return len(whopSyncSteps)
	}
	for i, p := range whopSyncSteps {
		if p == run.Phase {
			return i
		}
	}
	if run.Phase == "done" {
		return len(whopSyncSteps)
	}
	return 0
}

type whopMappingRow struct {
	Status, Stage string
}

type whopData struct {
	Enabled      bool
	Status       *whopsync.Status
	IsAdmin      bool
	SecretSource string
	Run          *whopsync.SyncRun
	RunActive    bool
	Step, Steps  int
	Mapping      []whopMappingRow
	Stages       []string
	CompanyID    string // the API key form's company, kept on errors
	Confirm      string
	Errors       map[string]string
}

// whopPage is Settings -> Integrations -> Whop: connection status, connect
// forms (admins), the webhook set-up, Sync now with live progress, the last
// run, the stage mapping and disconnect. Members see it and may sync.
func (u *UI) whopPage(w http.ResponseWriter, r *http.Request) error {
	d, err := u.whopData(r)
	if err != nil {
		return err
	}
	u.whopAllowOAuthForm(w)
	return u.render(w, r, "whop", "Whop · Integrations · Settings", d)
}

// whopAllowOAuthForm widens this page's CSP form-action to Whop's OAuth
// origin: the "Connect with Whop" form goes to /auth/whop, which redirects
// to Whop's consent page, and browsers check form-action on every redirect
// of a form's navigation. Nothing else in the policy changes.
func (u *UI) whopAllowOAuthForm(w http.ResponseWriter) {
	if u.cfg.Whop == nil {
		return
	}
	origin := u.cfg.Whop.OAuthOrigin()
	csp := w.Header().Get("Content-Security-Policy")
	if origin == "" || !strings.Contains(csp, "form-action 'self'") {
		return
	}
	w.Header().Set("Content-Security-Policy", strings.Replace(csp, "form-action 'self'", "form-action 'self' "+origin, 1))
}

// whopRender re-renders the page with form errors and a 400.
func (u *UI) whopRender(w http.ResponseWriter, r *http.Request, status int, fill func(*whopData)) error {
	d, err := u.whopData(r)
	if err != nil {
		return err
	}
	fill(d)
	u.whopAllowOAuthForm(w)
	w.WriteHeader(status)
	return u.render(w, r, "whop", "Whop · Integrations · Settings", d)
}

func (u *UI) whopData(r *http.Request) (*whopData, error) {
	d := &whopData{Enabled: u.cfg.Whop != nil, IsAdmin: settingsIsAdmin(r), Steps: len(whopSyncSteps), Stages: crm.DefaultStages, Errors: map[string]string{}}
	if !d.Enabled {
		return d, nil
	}
	ctx := r.Context()
	ws := auth.PrincipalFrom(ctx).WorkspaceID
	var err error
	if d.Status, err = u.cfg.Whop.Status(ctx, ws); err != nil {
		return nil, err
	}
	if d.SecretSource, err = u.cfg.Whop.WebhookSecretSource(ctx, ws); err != nil {
		return nil, err
	}
	if id := r.URL.Query().Get("run"); id != "" {
		run, err := u.cfg.Whop.SyncRun(ctx, ws, id)
		if err != nil && !errors.Is(err, crm.ErrNotFound) {
			return nil, err
		}
		d.Run = run
	}
	if d.Run == nil {
		if d.Run, err = u.cfg.Whop.LatestSyncRun(ctx, ws); err != nil {
			return nil, err
		}
	}
	if d.Run != nil {
		d.RunActive = whopsync.Active(d.Run)
		d.Step = whopRunStep(d.Run)
	}
	statuses := make([]string, 0, len(d.Status.StageMapping))
	for s := range d.Status.StageMapping {
		statuses = append(statuses, s)
	}
	sort.Strings(statuses)
	for _, s := range statuses {
		d.Mapping = append(d.Mapping, whopMappingRow{Status: s, Stage: d.Status.StageMapping[s]})
	}
	return d, nil
}

// whopIntegrations is the Integrations tab; Whop is its only integration.
func (u *UI) whopIntegrations(w http.ResponseWriter, r *http.Request) error {
	return u.redirect(w, r, "/settings/integrations/whop", "")
}

// whopOff answers actions when the integration is not configured.
func (u *UI) whopOff() error {
	return &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: "The Whop integration is not enabled on this server."}
}
