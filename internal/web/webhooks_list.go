package web

import (
	"net/http"
	"strings"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/webhooks"
)

// webhookForm is what the create and edit forms hold.
type webhookForm struct {
	TargetURL   string
	Operations  string
	Description string
	Enabled     bool
}

type webhooksData struct {
	Webhooks []*webhooks.Webhook
	Form     webhookForm
	Errors   map[string]string
	// Off is set when the server runs without webhooks (no encryption key).
	Off bool
}

// webhookFields maps the service's field names to the form's inputs.
var webhookFields = map[string]string{"targetUrl": "targetUrl", "operations": "operations", "description": "description"}

// webhooksService returns the webhooks service, or an error page's error
// when the server runs without it.
func (u *UI) webhooksService() (*webhooks.Service, error) {
	if u.cfg.Webhooks == nil {
		return nil, crm.Invalid("", crm.CodeInvalidValue, "Outgoing webhooks are not enabled on this server (no ROSTER_ENCRYPTION_KEY).")
	}
	return u.cfg.Webhooks, nil
}

// webhooksPage lists the workspace's webhooks with a form to add one.
func (u *UI) webhooksPage(w http.ResponseWriter, r *http.Request) error {
	d, err := u.webhooksData(r)
	if err != nil {
		return err
	}
	d.Form.Operations = "*.created, *.updated, *.deleted"
	return u.render(w, r, "webhooks", "Webhooks · Settings", d)
}

func (u *UI) webhooksData(r *http.Request) (*webhooksData, error) {
	svc, err := u.webhooksService()
	if err != nil {
		return nil, err
	}
	pg, err := svc.List(r.Context(), auth.PrincipalFrom(r.Context()), webhooks.ListParams{})
	if err != nil {
		return nil, err
	}
	return &webhooksData{Webhooks: pg.Webhooks, Errors: map[string]string{}}, nil
}

// splitOperations reads the operations input: separated by commas, spaces
// or new lines.
func splitOperations(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
}
