package auth_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// TestMiddleware walks the credential cases of the request middleware.
func TestMiddleware(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := auth.New(auth.Config{Store: s})
		ws, _, err := svc.CreateWorkspace(ctx, auth.CreateWorkspaceParams{Name: "A", AdminEmail: "a@a.io", AdminPassword: "password-1"})
		if err != nil {
			t.Fatal(err)
		}
		_, key, err := svc.CreateAPIKey(ctx, auth.CreateAPIKeyParams{WorkspaceID: ws.ID, Name: "k", By: audit.System("test")})
		if err != nil {
			t.Fatal(err)
		}
		sess, err := svc.Login(ctx, "a@a.io", "password-1", ws.ID)
		if err != nil {
			t.Fatal(err)
		}
		onError := func(w http.ResponseWriter, r *http.Request, err error) {
			e, _ := crm.AsError(err)
			code := "?"
			if e != nil {
				code = e.Code
			}
			w.WriteHeader(401)
			json.NewEncoder(w).Encode(map[string]string{"code": code})
		}
		h := svc.Middleware(onError)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if p := auth.PrincipalFrom(r.Context()); p != nil {
				w.Write([]byte(p.WorkspaceID))
				return
			}
			w.Write([]byte("anonymous"))
		}))
		for _, tc := range []struct {
			name, method, authz, cookie, csrf string
			wantStatus                        int
			wantBody                          string
		}{
			{"api key", "POST", "Bearer " + key, "", "", 200, ws.ID},
			{"bad api key", "GET", "Bearer rk_nope", "", "", 401, `{"code":"UNAUTHENTICATED"}` + "\n"},
			{"not bearer", "GET", "Basic abc", "", "", 401, `{"code":"UNAUTHENTICATED"}` + "\n"},
			{"no credentials", "GET", "", "", "", 200, "anonymous"},
			{"session GET", "GET", "", sess.Token, "", 200, ws.ID},
			{"session POST without csrf", "POST", "", sess.Token, "", 401, `{"code":"FORBIDDEN"}` + "\n"},
			{"session POST with csrf", "POST", "", sess.Token, auth.CSRFToken(sess.Token), 200, ws.ID},
			{"unknown session", "GET", "", "bogus", "", 200, "anonymous"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				req := httptest.NewRequest(tc.method, "/x", nil)
				if tc.authz != "" {
					req.Header.Set("Authorization", tc.authz)
				}
				if tc.cookie != "" {
					req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: tc.cookie})
				}
				if tc.csrf != "" {
					req.Header.Set(auth.CSRFHeader, tc.csrf)
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != tc.wantStatus || rec.Body.String() != tc.wantBody {
					t.Errorf("status, body = %d, %q; want %d, %q", rec.Code, rec.Body.String(), tc.wantStatus, tc.wantBody)
				}
			})
		}
	})
}
