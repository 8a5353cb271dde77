package graph_test

import (
	"reflect"
	"sort"
	"testing"

	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

func TestRelations(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		co := str(e.ok(t, `mutation { createCompany(data: {name: "Acme"}) { id } }`, nil), "createCompany.id")
		people := e.ok(t, `mutation($co: UUID) { createPeople(data: [
			{name: {firstName: "Ada"}, companyId: $co},
			{name: {firstName: "Alan"}, companyId: $co},
			{name: {firstName: "Linus"}}
		]) { id } }`, map[string]any{"co": co})
		ada := str(people, "createPeople.0.id")
		opp := str(e.ok(t, `mutation($p: UUID, $co: UUID) { createOpportunity(data: {name: "Deal", pointOfContactId: $p, companyId: $co}) { id } }`,
			map[string]any{"p": ada, "co": co}), "createOpportunity.id")

		tests := []struct {
			Name      string
			Query     string
			Variables map[string]any
			Want      map[string]any
		}{
			{"person.company", `query($id: UUID!) { person(id: $id) { companyId company { id name } } }`, map[string]any{"id": ada},
				map[string]any{"person.companyId": co, "person.company.name": "Acme"}},
			{"person.opportunities (point of contact)", `query($id: UUID!) { person(id: $id) { opportunities { totalCount edges { node { id name } } } } }`, map[string]any{"id": ada},
				map[string]any{"person.opportunities.totalCount": 1, "person.opportunities.edges.0.node.id": opp}},
			{"company.people and company.opportunities", `query($id: UUID!) { company(id: $id) { people(first: 1) { totalCount pageInfo { hasNextPage } } opportunities { edges { node { name } } } } }`, map[string]any{"id": co},
				map[string]any{"company.people.totalCount": 2, "company.people.pageInfo.hasNextPage": true, "company.opportunities.edges.0.node.name": "Deal"}},
			{"opportunity.pointOfContact and company", `query($id: UUID!) { opportunity(id: $id) { pointOfContact { name { firstName } } company { name } } }`, map[string]any{"id": opp},
				map[string]any{"opportunity.pointOfContact.name.firstName": "Ada", "opportunity.company.name": "Acme"}},
			{"no company is null", `{ people(filter: {name: {firstName: {eq: "Linus"}}}) { edges { node { company { id } } } } }`, nil,
				map[string]any{"people.edges.0.node.company": nil}},
			{"nested walk", `query($id: UUID!) { opportunity(id: $id) { company { people { edges { node { company { name } } } } } } }`, map[string]any{"id": opp},
				map[string]any{"opportunity.company.people.edges.1.node.company.name": "Acme"}},
		}
		for _, tt := range tests {
			t.Run(tt.Name, func(t *testing.T) {
				checkPaths(t, e.ok(t, tt.Query, tt.Variables), tt.Want)
			})
		}

		t.Run("list loads companies of the page", func(t *testing.T) {
			data := e.ok(t, `{ people(orderBy: [{name: {firstName: AscNullsFirst}}]) { edges { node { name { firstName } company { name } } } } }`, nil)
			var got []string
			for _, n := range []string{"0", "1", "2"} {
				got = append(got, str(data, "people.edges."+n+".node.company.name"))
			}
			if want := []string{"Acme", "Acme", ""}; !reflect.DeepEqual(got, want) {
				t.Errorf("companies = %v; want %v", got, want)
			}
		})

		t.Run("soft-deleted company disappears from relations", func(t *testing.T) {
			e.ok(t, `mutation($id: UUID!) { deleteCompany(id: $id) { id } }`, map[string]any{"id": co})
			data := e.ok(t, `query($id: UUID!) { person(id: $id) { companyId company { id } } }`, map[string]any{"id": ada})
			checkPaths(t, data, map[string]any{"person.companyId": co, "person.company": nil})
		})
	})
}

func TestTargets(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		data := e.ok(t, `mutation {
			p: createPerson(data: {name: {firstName: "Ada"}}) { id }
			c: createCompany(data: {name: "Acme"}) { id }
			n: createNote(data: {title: "Call notes"}) { id }
			k: createTask(data: {title: "Follow up"}) { id }
		}`, nil)
		p, c, n, k := str(data, "p.id"), str(data, "c.id"), str(data, "n.id"), str(data, "k.id")

		nt1 := e.ok(t, `mutation($n: UUID!, $p: UUID) { createNoteTarget(data: {noteId: $n, personId: $p}) { id noteId personId companyId person { name { firstName } } note { title } } }`, map[string]any{"n": n, "p": p})
		checkPaths(t, nt1, map[string]any{"createNoteTarget.noteId": n, "createNoteTarget.personId": p, "createNoteTarget.companyId": nil,
			"createNoteTarget.person.name.firstName": "Ada", "createNoteTarget.note.title": "Call notes"})
		e.ok(t, `mutation($n: UUID!, $c: UUID) { createNoteTarget(data: {noteId: $n, companyId: $c}) { id } }`, map[string]any{"n": n, "c": c})
		tt := e.ok(t, `mutation($k: UUID!, $c: UUID) { createTaskTarget(data: {taskId: $k, companyId: $c}) { id taskId company { name } task { title } } }`, map[string]any{"k": k, "c": c})
		checkPaths(t, tt, map[string]any{"createTaskTarget.taskId": k, "createTaskTarget.company.name": "Acme", "createTaskTarget.task.title": "Follow up"})

		data = e.ok(t, `query($n: UUID!, $k: UUID!, $p: UUID!, $c: UUID!) {
			note(id: $n) { noteTargets { personId companyId person { name { firstName } } company { name } } }
			task(id: $k) { taskTargets { companyId } }
			person(id: $p) { noteTargets { noteId } taskTargets { id } timelineActivities { name linkedRecordObject linkedRecordId } }
			company(id: $c) { noteTargets { noteId } taskTargets { taskId } }
		}`, map[string]any{"n": n, "k": k, "p": p, "c": c})
		if got, _ := at(data, "note.noteTargets").([]any); len(got) != 2 {
			t.Fatalf("note.noteTargets = %v; want 2", got)
		}
		var linked []string
		for _, x := range at(data, "note.noteTargets").([]any) {
			linked = append(linked, str(x, "person.name.firstName")+str(x, "company.name"))
		}
		sort.Strings(linked)
		if want := []string{"Acme", "Ada"}; !reflect.DeepEqual(linked, want) {
			t.Errorf("note targets = %v; want %v", linked, want)
		}
		checkPaths(t, data, map[string]any{
			"task.taskTargets.0.companyId": c, "person.noteTargets.0.noteId": n, "person.taskTargets": []any{},
			"company.noteTargets.0.noteId": n, "company.taskTargets.0.taskId": k,
			"person.timelineActivities.0.name": "note.linked", "person.timelineActivities.0.linkedRecordObject": "note", "person.timelineActivities.0.linkedRecordId": n,
		})

		del := e.ok(t, `mutation($id: UUID!) { deleteNoteTarget(id: $id) { id } }`, map[string]any{"id": str(nt1, "createNoteTarget.id")})
		checkPaths(t, del, map[string]any{"deleteNoteTarget.id": str(nt1, "createNoteTarget.id")})
		data = e.ok(t, `query($p: UUID!) { person(id: $p) { noteTargets { id } } }`, map[string]any{"p": p})
		checkPaths(t, data, map[string]any{"person.noteTargets": []any{}})

		r := e.do(t, apiKey(e.wsA), `mutation($n: UUID!, $p: UUID, $c: UUID) { createNoteTarget(data: {noteId: $n, personId: $p, companyId: $c}) { id } }`, map[string]any{"n": n, "p": p, "c": c})
		if r.code() != "INVALID_VALUE" {
			t.Errorf("two targets at once: code = %q; want INVALID_VALUE", r.code())
		}
	})
}

func TestTimeline(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		id := str(e.ok(t, `mutation { createPerson(data: {name: {firstName: "Ada"}, city: "London"}) { id } }`, nil), "createPerson.id")
		e.ok(t, `mutation($id: UUID!) { updatePerson(id: $id, data: {city: "Paris", jobTitle: "Countess"}) { id } }`, map[string]any{"id": id})
		data := e.ok(t, `query($id: UUID!) {
			person(id: $id) { timelineActivities(first: 10) { id name happensAt recordObject recordId properties actor { source name } } }
			timelineActivities(objectName: "person", recordId: $id, first: 1) { name }
		}`, map[string]any{"id": id})
		checkPaths(t, data, map[string]any{
			"person.timelineActivities.0.name":                           "person.updated",
			"person.timelineActivities.0.recordObject":                   "person",
			"person.timelineActivities.0.recordId":                       id,
			"person.timelineActivities.0.actor.source":                   "API",
			"person.timelineActivities.0.properties.diff.city.before":    "London",
			"person.timelineActivities.0.properties.diff.city.after":     "Paris",
			"person.timelineActivities.0.properties.diff.jobTitle.after": "Countess",
			"person.timelineActivities.1.name":                           "person.created",
			"timelineActivities.0.name":                                  "person.updated",
		})
		if got, _ := at(data, "timelineActivities").([]any); len(got) != 1 {
			t.Errorf("timelineActivities(first: 1) = %d entries; want 1", len(got))
		}
		diff, _ := at(data, "person.timelineActivities.0.properties.diff").(map[string]any)
		if len(diff) != 2 {
			t.Errorf("diff = %v; want exactly city and jobTitle", diff)
		}
		before := str(data, "person.timelineActivities.0.id")
		older := e.ok(t, `query($id: UUID!, $b: String) { timelineActivities(objectName: "people", recordId: $id, before: $b) { name } }`, map[string]any{"id": id, "b": before})
		checkPaths(t, older, map[string]any{"timelineActivities.0.name": "person.created"})
	})
}
