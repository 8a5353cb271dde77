package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

func TestPipelineMoveByFormAndJSON(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSite(t, s)
		b := site.browser()
		ws := site.signIn(b)
		john := site.create(ws, crm.PersonObject, crm.Input{"name": map[string]any{"firstName": "John", "lastName": "Doe"}})
		o := site.create(ws, crm.OpportunityObject, crm.Input{"name": "Pickaxe", "stage": "NEW", "pointOfContactId": john.Meta().ID,
			"amount": map[string]any{"amountMicros": 9_990_000, "currencyCode": "USD"}, "whopMembershipId": "mem_9", "whopMembershipStatus": "trialing"})
		id := o.Meta().ID

		code, body, _ := b.get("/pipeline")
		if code != http.StatusOK {
			t.Fatalf("GET /pipeline = %d", code)
		}
		for _, st := range crm.DefaultStages {
			mustContain(t, "pipeline", body, `data-stage="`+st+`" aria-label="`+st+` column"`)
		}
		newCol := body[strings.Index(body, `data-stage="NEW"`):strings.Index(body, `data-stage="SCREENING"`)]
		mustContain(t, "NEW column", newCol, `data-testid="card-`+id+`"`, `data-opportunity-id="`+id+`"`, "Pickaxe", "$9.99", "John Doe",
			">Whop<", "Trialing", `<label for="move-`+id+`" class="visually-hidden">Move to stage</label>`, `<option value="NEW" selected>`)
		mustContain(t, "pipeline", body, `src="/static/js/pipeline.js"`, `id="pipeline-csrf" name="csrf_token"`, `role="status"`)

		csrf := b.csrf("/pipeline")
		// The form: redirected back with a flash.
		code, _, h := b.post("/opportunities/"+id+"/stage", url.Values{"csrf_token": {csrf}, "stage": {"MEETING"}, "back": {"/pipeline"}})
		if code != http.StatusSeeOther || h.Get("Location") != "/pipeline" {
			t.Fatalf("move by form = %d %s; want 303 /pipeline", code, h.Get("Location"))
		}
		_, body, _ = b.get("/pipeline")
		meeting := body[strings.Index(body, `data-stage="MEETING"`):strings.Index(body, `data-stage="PROPOSAL"`)]
		mustContain(t, "MEETING column after the move", meeting, `data-testid="card-`+id+`"`)
		mustContain(t, "pipeline after the move", body, "Moved Pickaxe to MEETING.")
		// An off-site back is ignored.
		if _, _, h := b.post("/opportunities/"+id+"/stage", url.Values{"csrf_token": {csrf}, "stage": {"MEETING"}, "back": {"//evil.test/x"}}); h.Get("Location") != "/opportunities/"+id {
			t.Errorf("off-site back: Location = %s; want the record", h.Get("Location"))
		}
		if code, body, _ := b.post("/opportunities/"+id+"/stage", url.Values{"csrf_token": {csrf}, "stage": {"WON"}}); code != http.StatusBadRequest || !strings.Contains(body, "Choose one of the stages") {
			t.Errorf("move to an unknown stage = %d; want 400", code)
		}

		// JSON, as pipeline.js sends it.
		code, got := b.postJSON("/opportunities/"+id+"/stage", url.Values{"csrf_token": {csrf}, "stage": {"CUSTOMER"}})
		if code != http.StatusOK || got["ok"] != true || got["stage"] != "CUSTOMER" {
			t.Fatalf("move by JSON = %d %v; want ok CUSTOMER", code, got)
		}
		if st := site.get(ws, crm.OpportunityObject, id).(*crm.Opportunity).Stage; st != "CUSTOMER" {
			t.Errorf("stage = %s; want CUSTOMER", st)
		}
		code, got = b.postJSON("/opportunities/"+id+"/stage", url.Values{"csrf_token": {csrf}, "stage": {"nope"}})
		if code != http.StatusBadRequest || got["ok"] != false || !strings.Contains(got["error"].(string), "Choose one of the stages") {
			t.Errorf("bad stage by JSON = %d %v; want 400 with a message", code, got)
		}
		code, got = b.postJSON("/opportunities/"+john.Meta().ID+"/stage", url.Values{"csrf_token": {csrf}, "stage": {"NEW"}})
		if code != http.StatusNotFound || got["ok"] != false {
			t.Errorf("move a missing opportunity by JSON = %d %v; want 404", code, got)
		}
		// The stage change is on the record's timeline, in words.
		_, body, _ = b.get("/opportunities/" + id)
		mustContain(t, "opportunity page", body, "Changed Stage", "Stage: “MEETING” → “CUSTOMER”")
		// A membership with no history yet still shows when it was synced.
		mustContain(t, "opportunity page", body, `aria-label="Membership timeline"`, "Synced from Whop with status Trialing")
	})
}

func TestMembershipTimelineInOrder(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSite(t, s)
		b := site.browser()
		ws := site.signIn(b)
		p := site.create(ws, crm.PersonObject, crm.Input{"name": map[string]any{"firstName": "Mia"}, "whopUserId": "user_mia", "whopUsername": "mia"})
		o := site.create(ws, crm.OpportunityObject, crm.Input{"name": "Pro plan - Mia", "pointOfContactId": p.Meta().ID,
			"whopMembershipId": "mem_mia", "whopMembershipStatus": "active", "whopManageUrl": "https://whop.com/manage/mem_mia"})
		pid, oid := p.Meta().ID, o.Meta().ID
		now := time.Now().UTC()
		whop := crm.Actor{Source: crm.SourceSystem, Name: "Whop"}
		// As the sync records them: payments on the person, linked to the
		// opportunity; status changes as updates of the opportunity.
		site.activity(&crm.TimelineActivity{WorkspaceID: ws, HappensAt: now.Add(-60 * day), Name: "payment.succeeded",
			Properties: map[string]any{"text": "Payment of $20.00 succeeded"}, RecordObject: crm.ObjectPerson, RecordID: pid,
			LinkedRecordObject: crm.ObjectOpportunity, LinkedRecordID: &oid, Actor: whop})
		site.activity(&crm.TimelineActivity{WorkspaceID: ws, HappensAt: now.Add(-30 * day), Name: "payment.failed",
			Properties: map[string]any{"text": "Payment of $20.00 failed: card declined"}, RecordObject: crm.ObjectPerson, RecordID: pid,
			LinkedRecordObject: crm.ObjectOpportunity, LinkedRecordID: &oid, Actor: whop})
		if _, err := site.records.Update(t.Context(), recordsUpdate(ws, oid, crm.Input{"whopMembershipStatus": "past_due", "whopRenewalDate": now.Add(30 * day).Format(time.RFC3339)})); err != nil {
			t.Fatal(err)
		}
		site.activity(&crm.TimelineActivity{WorkspaceID: ws, HappensAt: now.Add(time.Hour), Name: "payment.refunded",
			Properties: map[string]any{"text": "Payment of $20.00 refunded"}, RecordObject: crm.ObjectPerson, RecordID: pid,
			LinkedRecordObject: crm.ObjectOpportunity, LinkedRecordID: &oid, Actor: whop})

		// Newest first, like the activity; the coming renewal is no line.
		want := []string{"Payment of $20.00 refunded", "Membership status changed from Active to Past due", "Payment of $20.00 failed: card declined", "Payment of $20.00 succeeded"}
		for _, path := range []string{"/opportunities/" + oid, "/people/" + pid} {
			code, body, _ := b.get(path)
			if code != http.StatusOK {
				t.Fatalf("GET %s = %d", path, code)
			}
			start := strings.Index(body, `aria-label="Membership timeline"`)
			if start < 0 {
				t.Fatalf("%s: no membership timeline", path)
			}
			tl := body[start : start+strings.Index(body[start:], "</ol>")]
			last := -1
			for _, w := range want {
				i := strings.Index(tl, w)
				if i < 0 {
					t.Errorf("%s: membership timeline lacks %q", path, w)
					continue
				}
				if i < last {
					t.Errorf("%s: %q is out of chronological order", path, w)
				}
				last = i
			}
			if n := strings.Count(tl, "Payment of $20.00 refunded"); n != 1 {
				t.Errorf("%s: refund shown %d times; want once", path, n)
			}
			mustContain(t, path, tl, "Renews on "+now.Add(30*day).Format("2 Jan 2006"))
			if strings.Contains(tl, "Next renewal on") {
				t.Errorf("%s: the coming renewal is a timeline line; want it only in the summary", path)
			}
		}
	})
}
