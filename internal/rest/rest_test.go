package rest_test

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// scenario is one request and what its response must hold. Each scenario
// is its own subtest (runnable with -run) on its own data: new workspaces A
// and B with the fixtures of newEnv. A scenario that needs an earlier write
// says so in Given, which runs first and must succeed.
type scenario struct {
	Name           string
	Given          []step
	As             string // principal: "" (A), "B" or "-" (none)
	Method         string
	URL            string // {fixture} expands to its ID
	Body           string
	ExpectedStatus int
	// ExpectedContent are substrings of the raw body; NotExpectedContent
	// must not appear.
	ExpectedContent    []string
	NotExpectedContent []string
	// JSON maps dotted paths to expected values (compared after JSON
	// decoding, so numbers are float64); Names is the list of
	// data.<key>[*] names in order, as "key=a,b".
	JSON  map[string]any
	Names string
}

// step is a request a scenario needs done first, and the status it must get.
type step struct {
	As, Method, URL, Body string
	Status                int
}

func q(filter string) string { return url.QueryEscape(filter) }

// run runs each scenario as a parallel subtest with fresh fixtures in the
// store e was built on (e's own fixtures are left alone).
func run(t *testing.T, e *env, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, e.store)
			for _, g := range sc.Given {
				if res := e.do(cmpOr(g.As, "A"), g.Method, g.URL, g.Body); res.status != g.Status {
					t.Fatalf("given %s %s: status = %d; want %d\n%s", g.Method, g.URL, res.status, g.Status, res.body)
				}
			}
			sc.check(t, e, e.do(cmpOr(sc.As, "A"), sc.Method, sc.URL, sc.Body))
		})
	}
}

// check compares a response with what the scenario expects.
func (sc scenario) check(t *testing.T, e *env, res response) {
	t.Helper()
	if res.status != sc.ExpectedStatus {
		t.Fatalf("%s %s status = %d; want %d\n%s", sc.Method, sc.URL, res.status, sc.ExpectedStatus, res.body)
	}
	for _, c := range sc.ExpectedContent {
		if !strings.Contains(res.body, e.expand(c)) {
			t.Errorf("body lacks %q\n%s", e.expand(c), res.body)
		}
	}
	for _, c := range sc.NotExpectedContent {
		if strings.Contains(res.body, e.expand(c)) {
			t.Errorf("body contains %q\n%s", e.expand(c), res.body)
		}
	}
	for path, want := range sc.JSON {
		got, ok := get(res.json, path)
		if s, isString := want.(string); isString {
			want = e.expand(s)
		}
		if !ok || !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v (present %v); want %#v\n%s", path, got, ok, want, res.body)
		}
	}
	if sc.Names != "" {
		key, want, _ := strings.Cut(sc.Names, "=")
		if got := strings.Join(names(res.json, key), ","); got != want {
			t.Errorf("%s = %s; want %s", key, got, want)
		}
	}
	if res.status >= 400 {
		checkErrorShape(t, sc.Name, res)
	}
}

// checkErrorShape asserts the shared error body.
func checkErrorShape(t *testing.T, name string, res response) {
	t.Helper()
	code, _ := get(res.json, "error.code")
	msg, _ := get(res.json, "error.message")
	status, _ := get(res.json, "statusCode")
	msgs, _ := get(res.json, "messages.0")
	if code == "" || code == nil || msg == "" || msg == nil || status != float64(res.status) || msgs != msg {
		t.Errorf("%s: error body = %s; want {error:{code,message,field},statusCode:%d,messages:[message]}", name, res.body, res.status)
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func TestListAndFilters(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		const byFirst = "&order_by=name.firstName"
		run(t, e, []scenario{
			{Name: "all people", Method: "GET", URL: "/rest/people?depth=1" + byFirst, ExpectedStatus: 200,
				Names: "people=Ada,Alan,Grace,Linus",
				JSON: map[string]any{"totalCount": 4.0, "pageInfo.hasNextPage": false, "pageInfo.hasPreviousPage": false,
					"data.people.0.emails.primaryEmail": "ada@example.com", "data.people.0.tier": "GOLD",
					"data.people.0.companyId": "{acme}", "data.people.0.createdBy.source": "API", "data.people.3.tier": nil},
				NotExpectedContent: []string{"customFields", "domainKey", "bob@b.example"}},
			{Name: "eq on composite sub-field", Method: "GET", URL: "/rest/people?filter=" + q("emails.primaryEmail[eq]:ada@example.com"), ExpectedStatus: 200,
				Names: "people=Ada", JSON: map[string]any{"totalCount": 1.0}},
			{Name: "email compared lower-cased", Method: "GET", URL: "/rest/people?filter=" + q("emails.primaryEmail[eq]:ADA@Example.com"), ExpectedStatus: 200, Names: "people=Ada"},
			{Name: "quoted value with comma", Method: "GET", URL: "/rest/people?filter=" + q(`city[eq]:"New York, NY"`), ExpectedStatus: 200, Names: "people=Grace"},
			{Name: "quoted value with parentheses", Method: "GET", URL: "/rest/people?filter=" + q(`city[eq]:"Paris (FR)"`), ExpectedStatus: 200, Names: "people=Alan"},
			{Name: "in list", Method: "GET", URL: "/rest/people?filter=" + q("name.firstName[in]:[Ada,Grace]") + byFirst, ExpectedStatus: 200, Names: "people=Ada,Grace"},
			{Name: "in list with quoted comma", Method: "GET", URL: "/rest/people?filter=" + q(`city[in]:["New York, NY",London]`) + byFirst, ExpectedStatus: 200, Names: "people=Ada,Grace"},
			{Name: "is NULL", Method: "GET", URL: "/rest/people?filter=" + q("companyId[is]:NULL") + byFirst, ExpectedStatus: 200, Names: "people=Alan,Grace,Linus"},
			{Name: "is NOT_NULL", Method: "GET", URL: "/rest/people?filter=" + q("companyId[is]:NOT_NULL"), ExpectedStatus: 200, Names: "people=Ada"},
			{Name: "custom is NULL", Method: "GET", URL: "/rest/people?filter=" + q("tier[is]:NULL") + byFirst, ExpectedStatus: 200, Names: "people=Alan,Linus"},
			{Name: "nested groups", Method: "GET", URL: "/rest/people?filter=" + q("or(name.firstName[eq]:Ada,and(city[startsWith]:New,score[gte]:5))") + byFirst, ExpectedStatus: 200, Names: "people=Ada,Grace"},
			{Name: "not", Method: "GET", URL: "/rest/people?filter=" + q("not(name.firstName[eq]:Ada)") + byFirst, ExpectedStatus: 200, Names: "people=Alan,Grace,Linus"},
			{Name: "not inside or", Method: "GET", URL: "/rest/people?filter=" + q("or(not(tier[is]:NULL),city[endsWith]:\"(FR)\")") + byFirst, ExpectedStatus: 200, Names: "people=Ada,Alan,Grace"},
			{Name: "top-level AND", Method: "GET", URL: "/rest/people?filter=" + q("tier[in]:[GOLD,SILVER],vip[eq]:true"), ExpectedStatus: 200, Names: "people=Ada"},
			{Name: "custom number", Method: "GET", URL: "/rest/people?filter=" + q("score[gt]:6"), ExpectedStatus: 200, Names: "people=Ada"},
			{Name: "custom boolean false", Method: "GET", URL: "/rest/people?filter=" + q("vip[eq]:false"), ExpectedStatus: 200, Names: "people=Grace"},
			{Name: "custom date", Method: "GET", URL: "/rest/people?filter=" + q("joined[gte]:2024-01-01"), ExpectedStatus: 200, Names: "people=Ada"},
			{Name: "custom date excludes", Method: "GET", URL: "/rest/people?filter=" + q("joined[gte]:2024-02-01"), ExpectedStatus: 200, JSON: map[string]any{"totalCount": 0.0}},
			{Name: "custom currency sub-field", Method: "GET", URL: "/rest/people?filter=" + q("price.amountMicros[gte]:1000000"), ExpectedStatus: 200, Names: "people=Ada",
				JSON: map[string]any{"data.people.0.price.amountMicros": 5000000.0, "data.people.0.price.currencyCode": "USD", "data.people.0.joined": "2024-01-15T09:30:00.000Z"}},
			{Name: "ilike", Method: "GET", URL: "/rest/people?filter=" + q("name.lastName[ilike]:%OV%"), ExpectedStatus: 200, Names: "people=Ada"},
			{Name: "like is case-sensitive", Method: "GET", URL: "/rest/people?filter=" + q("name.lastName[like]:%OV%"), ExpectedStatus: 200, JSON: map[string]any{"totalCount": 0.0}},
			{Name: "containsAny", Method: "GET", URL: "/rest/people?filter=" + q("emails.additionalEmails[containsAny]:[ada2@example.com,nobody@x.io]"), ExpectedStatus: 200, Names: "people=Ada"},
			{Name: "standard date", Method: "GET", URL: "/rest/people?filter=" + q("createdAt[gte]:2000-01-01T00:00:00Z"), ExpectedStatus: 200, JSON: map[string]any{"totalCount": 4.0}},
			{Name: "standard date before", Method: "GET", URL: "/rest/people?filter=" + q("createdAt[lt]:2000-01-01"), ExpectedStatus: 200, JSON: map[string]any{"totalCount": 0.0}},
			{Name: "companies number", Method: "GET", URL: "/rest/companies?filter=" + q("employees[gt]:10"), ExpectedStatus: 200, Names: "companies=Acme",
				JSON: map[string]any{"data.companies.0.employees": 50.0, "data.companies.0.domainName.primaryLinkUrl": "acme.com", "data.companies.0.address.addressLat": nil}},
			{Name: "companies boolean", Method: "GET", URL: "/rest/companies?filter=" + q("idealCustomerProfile[eq]:false"), ExpectedStatus: 200, Names: "companies=Globex"},
			{Name: "opportunities enum, amount and date", Method: "GET",
				URL: "/rest/opportunities?filter=" + q("stage[eq]:MEETING,amount.amountMicros[gte]:1000000,closeDate[lt]:2025-01-01"), ExpectedStatus: 200,
				Names: "opportunities=Big deal", JSON: map[string]any{"data.opportunities.0.amount.amountMicros": 5e9, "data.opportunities.0.pointOfContactId": "{ada}",
					"data.opportunities.0.closeDate": "2024-06-01T00:00:00Z"}},
			{Name: "notes", Method: "GET", URL: "/rest/notes", ExpectedStatus: 200, Names: "notes=Call notes", JSON: map[string]any{"data.notes.0.bodyV2.markdown": "# Hi"}},
			{Name: "tasks", Method: "GET", URL: "/rest/tasks?filter=" + q("status[eq]:IN_PROGRESS,dueAt[gt]:2024-01-01"), ExpectedStatus: 200, Names: "tasks=Follow up"},
			{Name: "empty in list matches nothing", Method: "GET", URL: "/rest/people?filter=" + q("city[in]:[]"), ExpectedStatus: 200, JSON: map[string]any{"totalCount": 0.0}},
			{Name: "spaces around tokens", Method: "GET", URL: "/rest/people?filter=" + q(" name.firstName [eq] : Ada , city[eq]:London "), ExpectedStatus: 200, Names: "people=Ada"},
			{Name: "empty filter", Method: "GET", URL: "/rest/people?filter=", ExpectedStatus: 200, JSON: map[string]any{"totalCount": 4.0}},

			// Errors.
			{Name: "unknown operator", Method: "GET", URL: "/rest/people?filter=" + q("name.firstName[foo]:x"), ExpectedStatus: 400,
				JSON: map[string]any{"error.code": "UNKNOWN_OPERATOR", "error.field": "name.firstName", "statusCode": 400.0}, ExpectedContent: []string{`unknown filter operator \"foo\"`}},
			{Name: "unknown filter field", Method: "GET", URL: "/rest/people?filter=" + q("nope[eq]:x"), ExpectedStatus: 400,
				JSON: map[string]any{"error.code": "UNKNOWN_FIELD", "error.field": "nope"}},
			{Name: "malformed filter", Method: "GET", URL: "/rest/people?filter=" + q("or(name.firstName[eq]:Ada"), ExpectedStatus: 400,
				JSON: map[string]any{"error.code": "INVALID_VALUE", "error.field": "filter"}, ExpectedContent: []string{"malformed filter at position 25: missing ) to close or("}},
			{Name: "filter wrong type", Method: "GET", URL: "/rest/people?filter=" + q("score[gt]:lots"), ExpectedStatus: 400, JSON: map[string]any{"error.code": "INVALID_TYPE", "error.field": "score"}},
			{Name: "filter bad date", Method: "GET", URL: "/rest/tasks?filter=" + q("dueAt[gt]:tomorrow"), ExpectedStatus: 400, JSON: map[string]any{"error.code": "INVALID_TYPE", "error.field": "dueAt"}},
			{Name: "bad order direction", Method: "GET", URL: "/rest/people?order_by=" + q("name.firstName[Sideways]"), ExpectedStatus: 400, JSON: map[string]any{"error.code": "INVALID_ENUM", "error.field": "name.firstName"}},
			{Name: "unknown order field", Method: "GET", URL: "/rest/people?order_by=nope", ExpectedStatus: 400, JSON: map[string]any{"error.code": "UNKNOWN_FIELD"}},
			{Name: "limit over max", Method: "GET", URL: "/rest/people?limit=201", ExpectedStatus: 400, JSON: map[string]any{"error.field": "limit"}, ExpectedContent: []string{"limit 201 is over the maximum of 200"}},
			{Name: "limit not a number", Method: "GET", URL: "/rest/people?limit=ten", ExpectedStatus: 400, JSON: map[string]any{"error.field": "limit", "error.code": "INVALID_TYPE"}},
			{Name: "limit zero", Method: "GET", URL: "/rest/people?limit=0", ExpectedStatus: 400, JSON: map[string]any{"error.field": "limit"}},
			{Name: "malformed cursor after", Method: "GET", URL: "/rest/people?starting_after=garbage!", ExpectedStatus: 400, JSON: map[string]any{"error.code": "MALFORMED_CURSOR", "error.field": "starting_after"}},
			{Name: "malformed cursor before", Method: "GET", URL: "/rest/people?ending_before=bm9wZQ", ExpectedStatus: 400, JSON: map[string]any{"error.code": "MALFORMED_CURSOR", "error.field": "ending_before"}},
			{Name: "both cursors", Method: "GET", URL: "/rest/people?ending_before=a&starting_after=b", ExpectedStatus: 400, JSON: map[string]any{"error.field": "ending_before"}},
			{Name: "unknown object", Method: "GET", URL: "/rest/widgets", ExpectedStatus: 404, JSON: map[string]any{"error.code": "NOT_FOUND", "error.field": "object"}, ExpectedContent: []string{"people, companies"}},
			{Name: "singular name is not a collection", Method: "GET", URL: "/rest/person", ExpectedStatus: 404},
			{Name: "unauthenticated list", As: "-", Method: "GET", URL: "/rest/people", ExpectedStatus: 401, JSON: map[string]any{"error.code": "UNAUTHENTICATED", "statusCode": 401.0}},
			{Name: "unknown route", Method: "PUT", URL: "/rest/people/{ada}", ExpectedStatus: 404, JSON: map[string]any{"error.code": "NOT_FOUND"}},
		})
	})
}

func TestRecordEndpoints(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		const missing = "0190a6c8-0000-7000-8000-000000000000"
		deleteAlan := []step{{Method: "DELETE", URL: "/rest/people/{alan}", Status: 200}}
		run(t, e, []scenario{
			{Name: "get one", Method: "GET", URL: "/rest/people/{ada}", ExpectedStatus: 200,
				JSON: map[string]any{"data.person.id": "{ada}", "data.person.name.firstName": "Ada", "data.person.tier": "GOLD", "data.person.score": 10.0,
					"data.person.vip": true, "data.person.emails.additionalEmails": []any{"ada2@example.com"}, "data.person.deletedAt": nil,
					"data.person.createdBy.name": "fixture", "data.person.phones.primaryPhoneNumber": "", "data.person.linkedinLink.secondaryLinks": nil},
				NotExpectedContent: []string{"customFields", "workspaceId"}},
			{Name: "get company", Method: "GET", URL: "/rest/companies/{acme}", ExpectedStatus: 200, JSON: map[string]any{"data.company.name": "Acme", "data.company.idealCustomerProfile": true}, NotExpectedContent: []string{"domainKey"}},
			{Name: "get unknown record", Method: "GET", URL: "/rest/people/" + missing, ExpectedStatus: 404, JSON: map[string]any{"error.code": "NOT_FOUND"}},
			{Name: "get non-uuid", Method: "GET", URL: "/rest/people/not-a-uuid", ExpectedStatus: 404},
			{Name: "get through wrong object", Method: "GET", URL: "/rest/companies/{ada}", ExpectedStatus: 404},
			{Name: "get unauthenticated", As: "-", Method: "GET", URL: "/rest/people/{ada}", ExpectedStatus: 401},

			{Name: "create", Method: "POST", URL: "/rest/people",
				Body: `{"name":{"firstName":"Katherine","lastName":"Johnson"},"emails":{"primaryEmail":"KJ@nasa.gov"},"companyId":"{globex}",
					"tier":"SILVER","score":7.5,"price":{"amountMicros":12345678901,"currencyCode":"eur"},"whopCreatedAt":"2023-03-04T05:06:07Z"}`,
				ExpectedStatus: 201,
				JSON: map[string]any{"data.createPerson.emails.primaryEmail": "kj@nasa.gov", "data.createPerson.tier": "SILVER", "data.createPerson.score": 7.5,
					"data.createPerson.price.currencyCode": "EUR", "data.createPerson.companyId": "{globex}", "data.createPerson.createdBy.source": "API",
					"data.createPerson.createdBy.name": "key A", "data.createPerson.whopCreatedAt": "2023-03-04T05:06:07Z"},
				ExpectedContent: []string{`"amountMicros":12345678901`}},
			{Name: "create with custom fields under customFields", Method: "POST", URL: "/rest/people",
				Body: `{"name":{"firstName":"Mary"},"customFields":{"tier":"GOLD"}}`, ExpectedStatus: 201, JSON: map[string]any{"data.createPerson.tier": "GOLD"}},
			{Name: "upsert by email", Method: "POST", URL: "/rest/people?upsert=true",
				Body: `{"emails":{"primaryEmail":"ada@example.com"},"city":"Cambridge"}`, ExpectedStatus: 201,
				JSON: map[string]any{"data.createPerson.id": "{ada}", "data.createPerson.city": "Cambridge", "data.createPerson.name.firstName": "Ada"}},
			{Name: "duplicate email", Method: "POST", URL: "/rest/people", Body: `{"emails":{"primaryEmail":"ada@example.com"}}`, ExpectedStatus: 409,
				JSON: map[string]any{"error.code": "DUPLICATE", "error.field": "emails.primaryEmail", "statusCode": 409.0}},
			{Name: "unknown field", Method: "POST", URL: "/rest/people", Body: `{"nope":1}`, ExpectedStatus: 400, JSON: map[string]any{"error.code": "UNKNOWN_FIELD", "error.field": "nope"}},
			{Name: "unknown sub-field", Method: "POST", URL: "/rest/people", Body: `{"name":{"middleName":"x"}}`, ExpectedStatus: 400, JSON: map[string]any{"error.code": "UNKNOWN_FIELD", "error.field": "name.middleName"}},
			{Name: "wrong type", Method: "POST", URL: "/rest/people", Body: `{"jobTitle":5}`, ExpectedStatus: 400, JSON: map[string]any{"error.code": "INVALID_TYPE", "error.field": "jobTitle"}},
			{Name: "wrong custom type", Method: "POST", URL: "/rest/people", Body: `{"score":"high"}`, ExpectedStatus: 400, JSON: map[string]any{"error.code": "INVALID_TYPE", "error.field": "score"}},
			{Name: "invalid enum", Method: "POST", URL: "/rest/opportunities", Body: `{"name":"x","stage":"WON"}`, ExpectedStatus: 400, JSON: map[string]any{"error.code": "INVALID_ENUM", "error.field": "stage"}},
			{Name: "invalid custom enum", Method: "POST", URL: "/rest/people", Body: `{"tier":"PLATINUM"}`, ExpectedStatus: 400, JSON: map[string]any{"error.code": "INVALID_ENUM", "error.field": "tier"}},
			{Name: "fractional micros", Method: "POST", URL: "/rest/opportunities", Body: `{"amount":{"amountMicros":1.5}}`, ExpectedStatus: 400, JSON: map[string]any{"error.code": "INVALID_TYPE", "error.field": "amount.amountMicros"}},
			{Name: "array where object expected", Method: "POST", URL: "/rest/people", Body: `[{"city":"x"}]`, ExpectedStatus: 400,
				JSON: map[string]any{"error.code": "INVALID_TYPE"}, ExpectedContent: []string{"got an array", "/rest/batch/people"}},
			{Name: "string body", Method: "POST", URL: "/rest/people", Body: `"hello"`, ExpectedStatus: 400, JSON: map[string]any{"error.code": "INVALID_TYPE"}},
			{Name: "malformed JSON", Method: "POST", URL: "/rest/people", Body: `{"city":`, ExpectedStatus: 400, ExpectedContent: []string{"malformed JSON"}},
			{Name: "empty body", Method: "POST", URL: "/rest/people", ExpectedStatus: 400, ExpectedContent: []string{"empty"}},
			{Name: "two JSON values", Method: "POST", URL: "/rest/people", Body: `{} {}`, ExpectedStatus: 400, ExpectedContent: []string{"single JSON value"}},
			{Name: "bad upsert flag", Method: "POST", URL: "/rest/people?upsert=maybe", Body: `{}`, ExpectedStatus: 400, JSON: map[string]any{"error.field": "upsert"}},
			{Name: "read-only field", Method: "POST", URL: "/rest/people", Body: `{"createdAt":"2020-01-01T00:00:00Z"}`, ExpectedStatus: 400, JSON: map[string]any{"error.field": "createdAt"}},
			{Name: "create unauthenticated", As: "-", Method: "POST", URL: "/rest/people", Body: `{}`, ExpectedStatus: 401},
			{Name: "create unknown object", Method: "POST", URL: "/rest/widgets", Body: `{}`, ExpectedStatus: 404},

			{Name: "batch create", Method: "POST", URL: "/rest/batch/companies", Body: `[{"name":"Umbrella"},{"name":"Hooli","employees":9}]`, ExpectedStatus: 201,
				Names: "createCompanies=Umbrella,Hooli", JSON: map[string]any{"data.createCompanies.1.employees": 9.0}},
			{Name: "batch is atomic", Method: "POST", URL: "/rest/batch/companies", Body: `[{"name":"Soylent","domainName":{"primaryLinkUrl":"soylent.com"}},{"name":"Acme again","domainName":{"primaryLinkUrl":"https://www.acme.com"}}]`,
				ExpectedStatus: 409, JSON: map[string]any{"error.code": "DUPLICATE"}},
			{Name: "nothing of the failed batch was created", Given: []step{{Method: "POST", URL: "/rest/batch/companies", Status: 409,
				Body: `[{"name":"Soylent","domainName":{"primaryLinkUrl":"soylent.com"}},{"name":"Acme again","domainName":{"primaryLinkUrl":"https://www.acme.com"}}]`}},
				Method: "GET", URL: "/rest/companies?filter=" + q("name[eq]:Soylent"), ExpectedStatus: 200, JSON: map[string]any{"totalCount": 0.0}},
			{Name: "batch upsert", Method: "POST", URL: "/rest/batch/people?upsert=true", Body: `[{"emails":{"primaryEmail":"grace@example.com"},"jobTitle":"Admiral"},{"emails":{"primaryEmail":"new@x.io"}}]`,
				ExpectedStatus: 201, JSON: map[string]any{"data.createPeople.0.id": "{grace}", "data.createPeople.0.jobTitle": "Admiral", "data.createPeople.1.emails.primaryEmail": "new@x.io"}},
			{Name: "batch names the bad record", Method: "POST", URL: "/rest/batch/people", Body: `[{"city":"ok"},{"city":5}]`, ExpectedStatus: 400,
				JSON: map[string]any{"error.field": "city"}, ExpectedContent: []string{"record 1:"}},
			{Name: "batch wants an array", Method: "POST", URL: "/rest/batch/people", Body: `{"city":"x"}`, ExpectedStatus: 400, ExpectedContent: []string{"must be a JSON array"}},
			{Name: "batch element not an object", Method: "POST", URL: "/rest/batch/people", Body: `[{"city":"x"}, 3]`, ExpectedStatus: 400, ExpectedContent: []string{"element 1"}},
			{Name: "batch empty", Method: "POST", URL: "/rest/batch/people", Body: `[]`, ExpectedStatus: 400, JSON: map[string]any{"error.code": "REQUIRED"}},
			{Name: "batch too many", Method: "POST", URL: "/rest/batch/notes", Body: "[" + strings.TrimSuffix(strings.Repeat(`{"title":"n"},`, 201), ",") + "]", ExpectedStatus: 400, ExpectedContent: []string{"at most 200"}},

			{Name: "update", Method: "PATCH", URL: "/rest/people/{grace}", Body: `{"city":"Arlington","tier":null,"score":6}`, ExpectedStatus: 200,
				JSON: map[string]any{"data.updatePerson.city": "Arlington", "data.updatePerson.tier": nil, "data.updatePerson.score": 6.0, "data.updatePerson.emails.primaryEmail": "grace@example.com"}},
			{Name: "update to duplicate", Method: "PATCH", URL: "/rest/people/{grace}", Body: `{"emails":{"primaryEmail":"ada@example.com"}}`, ExpectedStatus: 409, JSON: map[string]any{"error.code": "DUPLICATE"}},
			{Name: "update enum", Method: "PATCH", URL: "/rest/tasks/{task}", Body: `{"status":"LATER"}`, ExpectedStatus: 400, JSON: map[string]any{"error.code": "INVALID_ENUM", "error.field": "status"}},
			{Name: "update relation to unknown record", Method: "PATCH", URL: "/rest/people/{grace}", Body: `{"companyId":"` + missing + `"}`, ExpectedStatus: 400, JSON: map[string]any{"error.field": "companyId"}},
			{Name: "update unknown record", Method: "PATCH", URL: "/rest/people/" + missing, Body: `{"city":"x"}`, ExpectedStatus: 404},
			{Name: "update with array body", Method: "PATCH", URL: "/rest/people/{grace}", Body: `[]`, ExpectedStatus: 400, JSON: map[string]any{"error.code": "INVALID_TYPE"}},
			{Name: "update unauthenticated", As: "-", Method: "PATCH", URL: "/rest/people/{grace}", Body: `{}`, ExpectedStatus: 401},

			{Name: "soft delete", Method: "DELETE", URL: "/rest/people/{alan}", ExpectedStatus: 200, JSON: map[string]any{"data.deletePerson.id": "{alan}"}},
			{Name: "deleted record leaves lists", Given: deleteAlan, Method: "GET", URL: "/rest/people?filter=" + q("name.firstName[eq]:Alan"), ExpectedStatus: 200, JSON: map[string]any{"totalCount": 0.0}},
			{Name: "deleted record listed when asked", Given: deleteAlan, Method: "GET", URL: "/rest/people?filter=" + q("deletedAt[is]:NOT_NULL"), ExpectedStatus: 200, Names: "people=Alan"},
			{Name: "delete twice", Given: deleteAlan, Method: "DELETE", URL: "/rest/people/{alan}", ExpectedStatus: 404},
			{Name: "restore", Given: deleteAlan, Method: "POST", URL: "/rest/restore/people/{alan}", ExpectedStatus: 200, JSON: map[string]any{"data.restorePerson.id": "{alan}", "data.restorePerson.deletedAt": nil}},
			{Name: "restored record is listed", Given: append(deleteAlan, step{Method: "POST", URL: "/rest/restore/people/{alan}", Status: 200}), Method: "GET", URL: "/rest/people?filter=" + q("name.firstName[eq]:Alan"), ExpectedStatus: 200, JSON: map[string]any{"totalCount": 1.0}},
			{Name: "restore a live record", Method: "POST", URL: "/rest/restore/people/{alan}", ExpectedStatus: 400, JSON: map[string]any{"error.field": "id"}},
			{Name: "restore unknown", Method: "POST", URL: "/rest/restore/people/" + missing, ExpectedStatus: 404},
			{Name: "bad soft_delete flag", Method: "DELETE", URL: "/rest/people/{alan}?soft_delete=perhaps", ExpectedStatus: 400, JSON: map[string]any{"error.field": "soft_delete"}},
			{Name: "destroy", Method: "DELETE", URL: "/rest/notes/{note}?soft_delete=false", ExpectedStatus: 200, JSON: map[string]any{"data.destroyNote.id": "{note}"}},
			{Name: "destroyed is gone", Given: []step{{Method: "DELETE", URL: "/rest/notes/{note}?soft_delete=false", Status: 200}}, Method: "GET", URL: "/rest/notes/{note}", ExpectedStatus: 404},
			{Name: "destroy unknown", Method: "DELETE", URL: "/rest/notes/" + missing + "?soft_delete=false", ExpectedStatus: 404},
			{Name: "delete unauthenticated", As: "-", Method: "DELETE", URL: "/rest/people/{alan}", ExpectedStatus: 401},
			{Name: "restore unauthenticated", As: "-", Method: "POST", URL: "/rest/restore/people/{alan}", ExpectedStatus: 401},
		})
	})
}

func TestBodyTooLarge(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		big := `{"jobTitle":"` + strings.Repeat("x", maxBody) + `"}`
		for _, url := range []string{"/rest/people", "/rest/batch/people"} {
			res := e.do("A", http.MethodPost, url, big)
			code, _ := get(res.json, "error.code")
			if res.status != http.StatusRequestEntityTooLarge || code != "BODY_TOO_LARGE" {
				t.Errorf("POST %s with %d bytes = %d %v; want 413 BODY_TOO_LARGE", url, len(big), res.status, code)
			}
		}
		res := e.do("A", http.MethodPatch, "/rest/people/{ada}", big)
		if res.status != http.StatusRequestEntityTooLarge {
			t.Errorf("PATCH with %d bytes = %d; want 413", len(big), res.status)
		}
	})
}

// TestCrossWorkspace walks workspace A's records as workspace B's caller:
// every read and write must act as if they did not exist.
func TestCrossWorkspace(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		var sc []scenario
		for _, x := range []struct{ object, fixture string }{{"people", "ada"}, {"companies", "acme"}, {"opportunities", "deal"}, {"notes", "note"}, {"tasks", "task"}} {
			u := fmt.Sprintf("/rest/%s/{%s}", x.object, x.fixture)
			aDeleted := []step{{Method: "DELETE", URL: u, Status: 200}}
			sc = append(sc,
				scenario{Name: "B gets A's " + x.object, As: "B", Method: "GET", URL: u, ExpectedStatus: 404},
				scenario{Name: "B patches A's " + x.object, As: "B", Method: "PATCH", URL: u, Body: `{}`, ExpectedStatus: 404},
				scenario{Name: "B deletes A's " + x.object, As: "B", Method: "DELETE", URL: u, ExpectedStatus: 404},
				scenario{Name: "B destroys A's " + x.object, As: "B", Method: "DELETE", URL: u + "?soft_delete=false", ExpectedStatus: 404},
				scenario{Name: "B lists " + x.object, As: "B", Method: "GET", URL: "/rest/" + x.object + "?limit=200", ExpectedStatus: 200, NotExpectedContent: []string{"{" + x.fixture + "}"}},
				scenario{Name: "B filters for A's " + x.object + " by id", As: "B", Method: "GET", URL: "/rest/" + x.object + "?filter=" + q("id[eq]:{"+x.fixture+"}"), ExpectedStatus: 200, JSON: map[string]any{"totalCount": 0.0}},
				scenario{Name: "A deletes its " + x.object, Method: "DELETE", URL: u, ExpectedStatus: 200},
				scenario{Name: "B restores A's " + x.object, Given: aDeleted, As: "B", Method: "POST", URL: "/rest/restore/" + x.object + "/{" + x.fixture + "}", ExpectedStatus: 404},
				scenario{Name: "B lists deleted " + x.object, Given: aDeleted, As: "B", Method: "GET", URL: "/rest/" + x.object + "?filter=" + q("deletedAt[is]:NOT_NULL"), ExpectedStatus: 200, JSON: map[string]any{"totalCount": 0.0}},
				scenario{Name: "A restores its " + x.object, Given: aDeleted, Method: "POST", URL: "/rest/restore/" + x.object + "/{" + x.fixture + "}", ExpectedStatus: 200},
			)
		}
		sc = append(sc,
			scenario{Name: "B sees only its own people", As: "B", Method: "GET", URL: "/rest/people", ExpectedStatus: 200, Names: "people=Bob", JSON: map[string]any{"totalCount": 1.0},
				NotExpectedContent: []string{"tier"}},
			scenario{Name: "B cannot link to A's company", As: "B", Method: "POST", URL: "/rest/people", Body: `{"companyId":"{acme}"}`, ExpectedStatus: 400, JSON: map[string]any{"error.field": "companyId"}},
			scenario{Name: "B cannot use A's custom field", As: "B", Method: "POST", URL: "/rest/people", Body: `{"tier":"GOLD"}`, ExpectedStatus: 400, JSON: map[string]any{"error.code": "UNKNOWN_FIELD"}},
			scenario{Name: "B cannot filter on A's custom field", As: "B", Method: "GET", URL: "/rest/people?filter=" + q("tier[eq]:GOLD"), ExpectedStatus: 400, JSON: map[string]any{"error.code": "UNKNOWN_FIELD"}},
			scenario{Name: "B's upsert by A's email creates in B", As: "B", Method: "POST", URL: "/rest/people?upsert=true", Body: `{"emails":{"primaryEmail":"ada@example.com"}}`, ExpectedStatus: 201,
				NotExpectedContent: []string{"{ada}", "Lovelace"}},
			scenario{Name: "A's Ada is untouched", Given: []step{{As: "B", Method: "POST", URL: "/rest/people?upsert=true", Body: `{"emails":{"primaryEmail":"ada@example.com"}}`, Status: 201}}, Method: "GET", URL: "/rest/people/{ada}", ExpectedStatus: 200, JSON: map[string]any{"data.person.name.lastName": "Lovelace", "data.person.deletedAt": nil}},
			scenario{Name: "A cannot get B's person", Method: "GET", URL: "/rest/people/{bob}", ExpectedStatus: 404},
		)
		run(t, e, sc)
	})
}
