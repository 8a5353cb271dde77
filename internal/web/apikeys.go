package web

import (
	"net/http"
	"strings"

	"github.com/roster-crm/roster/internal/auth"
)

type apiKeysData struct {
	Keys   []*auth.APIKey
	Name   string
	Errors map[string]string
}

// apiKeysPage lists the workspace's API keys (admins): prefix and dates,
// never a key.
func (u *UI) apiKeysPage(w http.ResponseWriter, r *http.Request) error {
	d, err := u.apiKeysData(r)
	if err != nil {
		return err
	}
	return u.render(w, r, "apikeys", "API keys · Settings", d)
}

func (u *UI) apiKeysData(r *http.Request) (*apiKeysData, error) {
	keys, err := u.cfg.Auth.ListAPIKeys(r.Context(), auth.PrincipalFrom(r.Context()).WorkspaceID)
	if err != nil {
		return nil, err
	}
	return &apiKeysData{Keys: keys, Errors: map[string]string{}}, nil
}

type apiKeyCreatedData struct {
	Key       *auth.APIKey
	Plaintext string
}

// apiKeyCreate issues a key and shows it on this response only: the page is
// not reachable again (no redirect to it), and only the key's hash is kept.
func (u *UI) apiKeyCreate(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	name := strings.TrimSpace(r.PostFormValue("name"))
	k, plaintext, err := u.cfg.Auth.CreateAPIKey(r.Context(), auth.CreateAPIKeyParams{WorkspaceID: p.WorkspaceID, Name: name, CreatedBy: p.UserID, By: p.AuditActor()})
	if err != nil {
		errs, ok := settingsFormErrors(err, map[string]string{"name": "name"}, "name")
		if !ok {
			return err
		}
		d, derr := u.apiKeysData(r)
		if derr != nil {
			return derr
		}
		d.Name, d.Errors = name, errs
		w.WriteHeader(http.StatusBadRequest)
		return u.render(w, r, "apikeys", "API keys · Settings", d)
	}
	return u.render(w, r, "apikey_created", "API key created · Settings", apiKeyCreatedData{Key: k, Plaintext: plaintext})
}

// apiKeyRevokeConfirm asks before revoking a key.
func (u *UI) apiKeyRevokeConfirm(w http.ResponseWriter, r *http.Request) error {
	k, err := u.findAPIKey(r)
	if err != nil {
		return err
	}
	return u.render(w, r, "apikey_revoke", "Revoke API key · Settings", k)
}

func (u *UI) findAPIKey(r *http.Request) (*auth.APIKey, error) {
	d, err := u.apiKeysData(r)
	if err != nil {
		return nil, err
	}
	for _, k := range d.Keys {
		if k.ID == r.PathValue("id") {
			return k, nil
		}
	}
	return nil, settingsNotFound("API key")
}

// apiKeyRevoke revokes a key at once (admins).
func (u *UI) apiKeyRevoke(w http.ResponseWriter, r *http.Request) error {
	k, err := u.cfg.Auth.RevokeAPIKey(r.Context(), auth.PrincipalFrom(r.Context()).WorkspaceID, r.PathValue("id"), auth.PrincipalFrom(r.Context()).AuditActor())
	if err != nil {
		return err
	}
	return u.redirect(w, r, "/settings/api-keys", "API key "+k.Name+" revoked: requests with it now fail.")
}
