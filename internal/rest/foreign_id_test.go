package rest_test

import (
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// TestForeignIDNotRevealed posts a person with the id of workspace A's Ada
// as workspace B: the answer must be byte for byte the one A gets for its
// own id, and must not say that the id is taken by a record.
func TestForeignIDNotRevealed(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		const body = `{"id": "{ada}", "city": "Oslo"}`
		own := e.do("A", "POST", "/rest/people", body)
		for _, url := range []string{"/rest/people", "/rest/people?upsert=true", "/rest/batch/people"} {
			b := body
			if strings.Contains(url, "batch") {
				b = "[" + body + "]"
			}
			foreign := e.do("B", "POST", url, b)
			if foreign.status != 400 || own.status != 400 {
				t.Errorf("POST %s with another workspace's id = %d (own id: %d); want 400 for both", url, foreign.status, own.status)
			}
			if got, _ := get(foreign.json, "error.field"); got != "id" {
				t.Errorf("POST %s: error.field = %v; want id", url, got)
			}
			if strings.Contains(foreign.body, "already") || strings.Contains(foreign.body, "another") {
				t.Errorf("POST %s: answer hints that the id is taken: %s", url, foreign.body)
			}
			if url == "/rest/people" && foreign.body != own.body {
				t.Errorf("answers differ:\nforeign id: %s\nown id:     %s", foreign.body, own.body)
			}
		}
		if res := e.do("B", "GET", "/rest/people?filter=city[eq]:Oslo", ""); !strings.Contains(res.body, `"totalCount":0`) {
			t.Errorf("workspace B holds Oslo people after refused creates: %s", res.body)
		}
	})
}
