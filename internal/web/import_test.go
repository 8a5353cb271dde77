package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

// upload posts a CSV to /import as the browser's form does.
func (b *browser) upload(object, filename string, content []byte) (int, string, http.Header) {
	b.t.Helper()
	token := b.csrf("/import")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf_token", token)
	_ = mw.WriteField("object", object)
	fw, _ := mw.CreateFormFile("file", filename)
	_, _ = fw.Write(content)
	_ = mw.Close()
	req, _ := http.NewRequest("POST", b.site.srv.URL+"/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", b.site.srv.URL)
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out), resp.Header
}

var importIDRE = regexp.MustCompile(`^/import/([0-9a-f]{32})/map$`)

// importTo uploads, maps (as guessed unless overridden), and returns the
// job's base path and the mapping page.
func importTo(t *testing.T, b *browser, object, csvText string, override map[string]string) (string, string) {
	t.Helper()
	code, body, h := b.upload(object, "list.csv", []byte(csvText))
	m := importIDRE.FindStringSubmatch(h.Get("Location"))
	if code != http.StatusSeeOther || m == nil {
		t.Fatalf("upload = %d %s: %s", code, h.Get("Location"), body)
	}
	base := "/import/" + m[1]
	_, page, _ := b.get(base + "/map")
	form := url.Values{"csrf_token": {b.csrf(base + "/map")}}
	for _, sel := range regexp.MustCompile(`<select id="(map_\d+)" name="map_\d+">([\s\S]*?)</select>`).FindAllStringSubmatch(page, -1) {
		chosen := regexp.MustCompile(`<option value="([^"]*)" selected>`).FindStringSubmatch(sel[2])
		form.Set(sel[1], chosen[1])
	}
	for k, v := range override {
		form.Set(k, v)
	}
	if code, _, h := b.post(base+"/map", form); code != http.StatusSeeOther || h.Get("Location") != base+"/preview" {
		t.Fatalf("map = %d %s", code, h.Get("Location"))
	}
	return base, page
}

func TestImportPeopleWithABadRow(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		site := newSite(t, s)
		b := site.browser()
		ws := site.signIn(b)
		ada := homeCreate(t, site.records, ws, crm.PersonObject, crm.Input{"name": map[string]any{"firstName": "Old", "lastName": "Name"}, "emails": map[string]any{"primaryEmail": "ada@x.test"}})
		engines := homeCreate(t, site.records, ws, crm.CompanyObject, crm.Input{"name": "Engines Ltd"})

		if _, page, _ := b.get("/import"); !strings.Contains(page, `<label for="csv_file">CSV file</label>`) || !strings.Contains(page, `id="import_object"`) {
			t.Fatal("upload form lacks its labelled controls")
		}
		csvText := "First name,Last name,Email,Company,Notes\n" +
			"Ada,Lovelace,ADA@x.test,engines ltd,hi\n" +
			"Bob,Builder,bob@x.test,,\n" +
			"Cy,Bad,not-an-email,,=cmd()\n" +
			"Dee,Dup,bob@x.test,,\n"
		base, mapPage := importTo(t, b, "person", csvText, nil)
		for _, want := range []string{
			`<label for="map_0">First name</label>`, `<option value="name.firstName" selected>`,
			`<option value="emails.primaryEmail" selected>`, `<option value="companyName" selected>`,
		} {
			if !strings.Contains(mapPage, want) {
				t.Errorf("mapping page lacks %q", want)
			}
		}
		if !strings.Contains(mapPage, `<label for="map_4">Notes</label>`) || strings.Count(mapPage, `<option value="" selected>Skip</option>`) != 1 {
			t.Error("Notes column is not left on Skip")
		}

		_, preview, _ := b.get(base + "/preview")
		for _, want := range []string{`data-testid="import-valid">2<`, `data-testid="import-invalid">2<`, `data-testid="import-errors"`,
			`<td class="num">4</td><td>Email</td>`, `<td class="num">5</td><td>Email</td><td>Same email as row 3</td>`, ">Import</button>"} {
			if !strings.Contains(preview, want) {
				t.Errorf("preview lacks %q", want)
			}
		}
		if p, _ := site.records.Get(ctx, ws, crm.PersonObject, ada); p.(*crm.Person).Name.LastName != "Name" {
			t.Fatal("preview wrote a record")
		}

		code, _, h := b.post(base+"/run", url.Values{"csrf_token": {b.csrf(base + "/preview")}})
		if code != http.StatusSeeOther || h.Get("Location") != base+"/done" {
			t.Fatalf("run = %d %s", code, h.Get("Location"))
		}
		_, done, _ := b.get(base + "/done")
		for _, want := range []string{`data-testid="import-created">1<`, `data-testid="import-updated">1<`, `data-testid="import-skipped">2<`, `href="` + base + `/errors.csv"`, "Download error report"} {
			if !strings.Contains(done, want) {
				t.Errorf("result page lacks %q", want)
			}
		}
		// The upsert updated Ada by email and linked her company.
		p, err := site.records.Get(ctx, ws, crm.PersonObject, ada)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.(*crm.Person); got.Name.FirstName != "Ada" || got.Name.LastName != "Lovelace" || got.CompanyID == nil || *got.CompanyID != engines {
			t.Errorf("Ada after import = %+v; want Ada Lovelace at Engines Ltd", got.Name)
		}
		schema, _ := site.records.Schema(ctx, ws, crm.PersonObject)
		page, _ := site.records.List(ctx, ws, schema, crm.ListParams{First: 50, WithTotal: true})
		if page.TotalCount != 2 {
			t.Errorf("people after import = %d; want 2 (Ada updated, Bob created)", page.TotalCount)
		}

		code, report, hdr := b.get(base + "/errors.csv")
		if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") {
			t.Fatalf("error report = %d %s", code, hdr.Get("Content-Type"))
		}
		recs, err := csv.NewReader(strings.NewReader(report)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		want := [][]string{
			{"row", "column", "error", "First name", "Last name", "Email", "Company", "Notes"},
			{"4", "Email", recs[1][2], "Cy", "Bad", "not-an-email", "", "'=cmd()"},
			{"5", "Email", "Same email as row 3", "Dee", "Dup", "bob@x.test", "", ""},
		}
		if len(recs) != len(want) {
			t.Fatalf("error report = %q; want %d lines", recs, len(want))
		}
		for i := range want {
			if strings.Join(recs[i], "|") != strings.Join(want[i], "|") {
				t.Errorf("error report line %d = %q; want %q", i, recs[i], want[i])
			}
		}
		if recs[1][2] == "" {
			t.Error("error report has no message for the bad email")
		}

		// Running twice does not import twice; other people cannot see it.
		if code, _, h := b.post(base+"/run", url.Values{"csrf_token": {b.csrf("/import")}}); code != http.StatusSeeOther || h.Get("Location") != base+"/done" {
			t.Errorf("second run = %d %s", code, h.Get("Location"))
		}
		member := site.browser()
		homeSignInMember(t, site, member, ws)
		for _, path := range []string{base + "/map", base + "/preview", base + "/done", base + "/errors.csv", "/import/0123456789abcdef0123456789abcdeg/map"} {
			if code, _, _ := member.get(path); code != http.StatusNotFound {
				t.Errorf("GET %s by someone else = %d; want 404", path, code)
			}
		}
	})
}

func TestImportCompaniesByDomainAsMember(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		site := newSite(t, s)
		admin := site.browser()
		ws := site.signIn(admin)
		old := homeCreate(t, site.records, ws, crm.CompanyObject, crm.Input{"name": "Old Engines", "domainName": map[string]any{"primaryLinkUrl": "engine.test"}})
		b := site.browser()
		homeSignInMember(t, site, b, ws)
		base, _ := importTo(t, b, "company", "Name,Website,Employees\nNew Engines,https://www.engine.test/,50\nAcme,acme.test,many\nZed,zed.test,3\n", nil)
		_, preview, _ := b.get(base + "/preview")
		if !strings.Contains(preview, `data-testid="import-valid">2<`) || !strings.Contains(preview, `<td class="num">3</td><td>Employees</td>`) {
			t.Fatalf("preview = %s", preview)
		}
		if code, _, _ := b.post(base+"/run", url.Values{"csrf_token": {b.csrf(base + "/preview")}}); code != http.StatusSeeOther {
			t.Fatalf("run = %d", code)
		}
		_, done, _ := b.get(base + "/done")
		if !strings.Contains(done, `data-testid="import-created">1<`) || !strings.Contains(done, `data-testid="import-updated">1<`) {
			t.Errorf("result = %s", done)
		}
		c, err := site.records.Get(ctx, ws, crm.CompanyObject, old)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.(*crm.Company); got.Name != "New Engines" || got.Employees == nil || *got.Employees != 50 {
			t.Errorf("company after import = %q %v; want New Engines with 50 employees", got.Name, got.Employees)
		}
	})
}

func TestImportRejectsBadUploads(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSite(t, s)
		b := site.browser()
		site.signIn(b)
		big := bytes.Repeat([]byte("a,b,c\n"), (5<<20)/6+10)
		code, body, _ := b.upload("person", "big.csv", big)
		if code != http.StatusRequestEntityTooLarge || !strings.Contains(body, "larger than 5 MiB") || !strings.Contains(body, `aria-describedby="csv_file-error"`) {
			t.Errorf("over-size upload = %d; want 413 with the message on the file field", code)
		}
		if code, body, _ := b.upload("person", "empty.csv", nil); code != http.StatusBadRequest || !strings.Contains(body, "empty") {
			t.Errorf("empty upload = %d; want 400", code)
		}
		if code, _, _ := site.browser().get("/import"); code != http.StatusSeeOther {
			t.Errorf("signed-out import = %d; want a redirect to sign in", code)
		}
	})
}
