package web

import (
	"net/http"
	"strings"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/webhooks"
)

// webhookLogSize is how many attempts the delivery log shows.
const webhookLogSize = 50

type webhookShowData struct {
	Webhook *webhooks.Webhook
	Form    webhookForm
	Errors  map[string]string
	Log     []*webhooks.Attempt
	// Schedule is the retry schedule, as the page explains it.
	Schedule string
}

// webhookShow is one webhook: its state, the edit form and the delivery
// log with a Redeliver button per attempt.
func (u *UI) webhookShow(w http.ResponseWriter, r *http.Request) error {
	d, err := u.webhookShowData(r)
	if err != nil {
		return err
	}
	return u.render(w, r, "webhook_show", "Webhook · Settings", d)
}

func (u *UI) webhookShowData(r *http.Request) (*webhookShowData, error) {
	svc, err := u.webhooksService()
	if err != nil {
		return nil, err
	}
	p := auth.PrincipalFrom(r.Context())
	hook, err := svc.Get(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	log, err := svc.Log(r.Context(), p, hook.ID, webhookLogSize)
	if err != nil {
		return nil, err
	}
	return &webhookShowData{
		Webhook: hook, Log: log, Errors: map[string]string{}, Schedule: webhooks.ScheduleText(),
		Form: webhookForm{TargetURL: hook.TargetURL, Operations: strings.Join(hook.Operations, ", "), Description: hook.Description, Enabled: hook.Enabled},
	}, nil
}
