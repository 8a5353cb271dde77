package web

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/ai"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
)

// aiForm is what the settings form holds; the key input is never filled
// back in.
type aiForm struct {
	Provider, Model, Budget, Rate string
	Redact                        bool
}

// aiUsageTable is one grouping of the month's usage, shown as a table
// (with bars drawn from the same rows, so screen readers get the table).
type aiUsageTable struct {
	Title, Key string
	Rows       []aiUsageRow
}

type aiUsageRow struct {
	Key          string
	Calls        int64
	InputTokens  int64
	OutputTokens int64
	Cost         string
	// Percent is the row's share of the largest count of calls, for the bar.
	Percent int
}

type aiSettingsData struct {
	Settings *ai.Settings
	Form     aiForm
	Errors   map[string]string
	Month    string
	Tables   []aiUsageTable
	Recent   []*ai.Usage
}

// aiFields maps the service's field names to the form's inputs.
var aiFields = map[string]string{"provider": "provider", "model": "model", "apiKey": "apiKey", "monthlyBudgetUsd": "budget", "ratePerMinute": "rate"}

func (u *UI) aiService() (*ai.Service, error) {
	if u.cfg.AI == nil {
		return nil, crm.Invalid("", crm.CodeInvalidValue, "AI actions are not enabled on this server.")
	}
	return u.cfg.AI, nil
}

// aiSettingsPage shows the settings form and this month's usage.
func (u *UI) aiSettingsPage(w http.ResponseWriter, r *http.Request) error {
	d, err := u.aiSettingsData(r)
	if err != nil {
		return err
	}
	return u.render(w, r, "ai_settings", "AI · Settings", d)
}

func (u *UI) aiSettingsData(r *http.Request) (*aiSettingsData, error) {
	svc, err := u.aiService()
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	ws := auth.PrincipalFrom(ctx).WorkspaceID
	st, err := svc.Settings(ctx, ws)
	if err != nil {
		return nil, err
	}
	d := &aiSettingsData{Settings: st, Errors: map[string]string{}, Form: aiForm{Provider: st.Provider, Model: st.Model, Redact: st.RedactPII}}
	if st.MonthlyBudgetMicros != nil {
		d.Form.Budget = strconv.FormatFloat(float64(*st.MonthlyBudgetMicros)/1e6, 'f', -1, 64)
	}
	if st.RatePerMinute != ai.DefaultRatePerMinute {
		d.Form.Rate = strconv.Itoa(st.RatePerMinute)
	}
	from, to := monthBounds(u.cfg.Now())
	d.Month = from.Format("January 2006")
	for _, g := range []struct{ by, title, key string }{{"DAY", "Calls by day", "Day"}, {"ACTION", "Calls by action", "Action"}, {"MODEL", "Calls by model", "Provider / model"}, {"USER", "Calls by user", "User"}} {
		groups, err := svc.UsageSummary(ctx, ws, &from, &to, g.by)
		if err != nil {
			return nil, err
		}
		t := aiUsageTable{Title: g.title, Key: g.key}
		var most int64 = 1
		for _, x := range groups {
			most = max(most, x.Calls)
		}
		for _, x := range groups {
			row := aiUsageRow{Key: x.Key, Calls: x.Calls, InputTokens: x.InputTokens, OutputTokens: x.OutputTokens, Cost: "no price", Percent: int(x.Calls * 100 / most)}
			if x.CostMicros != nil {
				row.Cost = ai.FormatMicros(*x.CostMicros)
			}
			if g.by == "USER" && row.Key == "" {
				row.Key = "API keys and workflows"
			}
			t.Rows = append(t.Rows, row)
		}
		d.Tables = append(d.Tables, t)
	}
	if d.Recent, err = svc.UsageRecords(ctx, ws, ai.UsageFilter{}, false, 50); err != nil {
		return nil, err
	}
	return d, nil
}

// monthBounds is the current month in UTC: [first day, first of next).
func monthBounds(now time.Time) (time.Time, time.Time) {
	from := time.Date(now.UTC().Year(), now.UTC().Month(), 1, 0, 0, 0, 0, time.UTC)
	return from, from.AddDate(0, 1, 0)
}

// aiSettingsSave saves the form. An empty key input keeps the stored key;
// "remove key" deletes it.
func (u *UI) aiSettingsSave(w http.ResponseWriter, r *http.Request) error {
	svc, err := u.aiService()
	if err != nil {
		return err
	}
	form := aiForm{Provider: r.PostFormValue("provider"), Model: strings.TrimSpace(r.PostFormValue("model")),
		Budget: strings.TrimSpace(r.PostFormValue("budget")), Rate: strings.TrimSpace(r.PostFormValue("rate")), Redact: r.PostFormValue("redact") == "on"}
	in := ai.SettingsInput{Provider: &form.Provider, Model: &form.Model, RedactPII: &form.Redact}
	errs := map[string]string{}
	if key := strings.TrimSpace(r.PostFormValue("apiKey")); key != "" {
		in.APIKey = &key
	} else if r.PostFormValue("removeKey") == "on" {
		in.APIKey = &key
	}
	var budget int64
	if form.Budget != "" {
		usd, perr := strconv.ParseFloat(form.Budget, 64)
		if perr != nil || usd < 0 || usd > 1e6 {
			errs["budget"] = "Enter an amount in USD from 0 to 1000000, or leave it empty for no budget."
		}
		budget = int64(math.Round(usd * 1e6))
	}
	in.MonthlyBudgetMicros = &budget
	rate := 0
	if form.Rate != "" {
		n, perr := strconv.Atoi(form.Rate)
		if perr != nil {
			errs["rate"] = "Enter a whole number of calls per minute, or leave it empty for the default."
		}
		rate = n
	}
	in.RatePerMinute = &rate
	if len(errs) == 0 {
		if _, err = svc.UpdateSettings(r.Context(), auth.PrincipalFrom(r.Context()).WorkspaceID, in); err == nil {
			return u.redirect(w, r, "/settings/ai", "AI settings saved.")
		}
		var ok bool
		if errs, ok = settingsFormErrors(err, aiFields, "provider"); !ok {
			return err
		}
	}
	d, derr := u.aiSettingsData(r)
	if derr != nil {
		return derr
	}
	d.Form, d.Errors = form, errs
	w.WriteHeader(http.StatusBadRequest)
	return u.render(w, r, "ai_settings", "AI · Settings", d)
}
