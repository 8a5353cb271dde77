package whopsim

import (
	"html/template"
	"net/http"
	"sort"
)

// consentPage is the simulator's stand-in for Whop's sign-in and consent
// screen: a person (or a browser test) picks who signs in and clicks
// Approve or Deny. The form posts back to /oauth/authorize with the
// request's one-time form token.
var consentPage = template.Must(template.New("consent").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Authorize {{.ClientID}} - Whop simulator</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}
button{font-size:1rem;padding:.5rem 1.25rem;margin-right:.5rem}</style></head>
<body>
<h1>Whop simulator</h1>
<p><strong>{{.ClientID}}</strong> wants to access your Whop account{{if .CompanyID}} for company <code>{{.CompanyID}}</code>{{end}}.</p>
{{if .Scope}}<p>Requested scopes: <code>{{.Scope}}</code></p>{{end}}
<form method="post" action="/oauth/authorize">
<input type="hidden" name="request_id" value="{{.RequestID}}">
<input type="hidden" name="csrf" value="{{.CSRF}}">
<p><label for="user_id">Sign in as</label>
<select id="user_id" name="user_id">{{range .Users}}<option value="{{.ID}}"{{if .Selected}} selected{{end}}>{{.Label}}</option>{{end}}</select></p>
<button type="submit" name="decision" value="approve" id="approve">Approve</button>
<button type="submit" name="decision" value="deny" id="deny">Deny</button>
</form>
</body></html>`))

var authErrorPage = template.Must(template.New("autherr").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Authorization error - Whop simulator</title></head>
<body><h1>Authorization error</h1><p>{{.}}</p></body></html>`))

type consentUser struct {
	ID, Label string
	Selected  bool
}

func (s *Sim) renderConsent(w http.ResponseWriter, req *authRequest, client OAuthClient) {
	s.mu.RLock()
	def := s.defaultOAuthUser(req.companyID)
	var users []consentUser
	for _, co := range s.st.companies {
		u, ok := s.st.users.get(co.OwnerUserID)
		if !ok {
			continue
		}
		users = append(users, consentUser{ID: u.ID, Label: u.Username + " (owner of " + co.Title + ")", Selected: u.ID == def})
	}
	s.mu.RUnlock()
	sort.Slice(users, func(i, j int) bool { return users[i].ID < users[j].ID })
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	_ = consentPage.Execute(w, map[string]any{
		"ClientID": client.ID, "CompanyID": req.companyID, "Scope": req.scope,
		"RequestID": req.id, "CSRF": req.csrf, "Users": users,
	})
}

func renderAuthError(w http.ResponseWriter, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusBadRequest)
	_ = authErrorPage.Execute(w, msg)
}
