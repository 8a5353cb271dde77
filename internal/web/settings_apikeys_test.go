package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

func TestAPIKeysShownOnceAndRevoked(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSettingsSite(t, s, false)
		admin := site.browser()
		ws := site.signIn(admin)
		if code, body, _ := admin.settingsPost("/settings/api-keys", "/settings/api-keys", url.Values{"name": {"  "}}); code != http.StatusBadRequest || !strings.Contains(body, `id="name-error"`) {
			t.Fatalf("create a nameless key = %d; want 400 with name-error", code)
		}
		code, body, _ := admin.settingsPost("/settings/api-keys", "/settings/api-keys", url.Values{"name": {"Zapier"}})
		if code != http.StatusOK {
			t.Fatalf("create = %d", code)
		}
		key := regexp.MustCompile(`rk_[a-z2-7]{52}`).FindString(body)
		if key == "" || !strings.Contains(body, "only time") {
			t.Fatal("the created key is not on the result page with the copy warning")
		}
		_, list, _ := admin.get("/settings/api-keys")
		if strings.Contains(list, key) || strings.Contains(list, key[11:]) {
			t.Fatal("the list page contains the key")
		}
		if !strings.Contains(list, key[:11]) || !strings.Contains(list, "Zapier") || !strings.Contains(list, "Never") {
			t.Error("the list page lacks the key's name, prefix or last use")
		}
		if _, err := site.auth.AuthenticateAPIKey(context.Background(), key); err != nil {
			t.Fatalf("the new key does not work: %v", err)
		}
		keys, _ := site.auth.ListAPIKeys(context.Background(), ws)
		id := keys[0].ID
		if code, body, _ := admin.get("/settings/api-keys/" + id + "/revoke"); code != http.StatusOK || !strings.Contains(body, "Revoke key") {
			t.Fatalf("revoke confirmation = %d", code)
		}
		if code, _, _ := admin.settingsPost("/settings/api-keys", "/settings/api-keys/"+id+"/revoke", nil); code != http.StatusSeeOther {
			t.Fatalf("revoke = %d", code)
		}
		if _, list, _ = admin.get("/settings/api-keys"); !strings.Contains(list, "Revoked") {
			t.Error("the list does not show the key revoked")
		}
		if _, err := site.auth.AuthenticateAPIKey(context.Background(), key); err == nil {
			t.Error("the revoked key still works")
		}
		if code, _, _ := admin.get("/settings/api-keys/not-a-key/revoke"); code != http.StatusNotFound {
			t.Errorf("revoke an unknown key = %d; want 404", code)
		}
	})
}
