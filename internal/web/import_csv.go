package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/roster-crm/roster/internal/crm"
)

// importField is a field a CSV column can fill.
type importField struct {
	Path  string // API path, "" to skip
	Label string
	// Guesses are lower-case header names that map to the field.
	Guesses []string
}

// companyNameField is the people import's link to a company by its name; the
// company must exist (import companies first).
const companyNameField = "companyName"

// importFields lists the importable fields of each object.
var importFields = map[string][]importField{
	"person": {
		{"name.firstName", "First name", []string{"first name", "firstname", "first", "given name"}},
		{"name.lastName", "Last name", []string{"last name", "lastname", "last", "surname", "family name"}},
		{"emails.primaryEmail", "Email", []string{"email", "e-mail", "email address", "primary email", "mail"}},
		{"phones.primaryPhoneNumber", "Phone", []string{"phone", "phone number", "mobile", "telephone"}},
		{"jobTitle", "Job title", []string{"job title", "title", "position", "role"}},
		{"city", "City", []string{"city", "town"}},
		{"linkedinLink.primaryLinkUrl", "LinkedIn", []string{"linkedin", "linkedin url"}},
		{companyNameField, "Company (by name)", []string{"company", "company name", "organisation", "organization"}},
	},
	"company": {
		{"name", "Name", []string{"name", "company", "company name"}},
		{"domainName.primaryLinkUrl", "Domain", []string{"domain", "website", "url", "domain name", "web"}},
		{"employees", "Employees", []string{"employees", "employee count", "size", "headcount"}},
		{"linkedinLink.primaryLinkUrl", "LinkedIn", []string{"linkedin", "linkedin url"}},
		{"address.addressStreet1", "Street", []string{"street", "address", "street1"}},
		{"address.addressCity", "City", []string{"city", "town"}},
		{"address.addressPostcode", "Postcode", []string{"postcode", "zip", "postal code", "zip code"}},
		{"address.addressState", "State", []string{"state", "region"}},
		{"address.addressCountry", "Country", []string{"country"}},
	},
}

func importObject(name string) *crm.Object {
	if name == "company" {
		return crm.CompanyObject
	}
	return crm.PersonObject
}

// importGuess maps each header to a field by its name, each field at most once.
func importGuess(object string, headers []string) []string {
	out := make([]string, len(headers))
	used := map[string]bool{}
	for i, h := range headers {
		h = strings.ToLower(strings.TrimSpace(h))
		for _, f := range importFields[object] {
			if used[f.Path] {
				continue
			}
			for _, g := range f.Guesses {
				if h == g {
					out[i], used[f.Path] = f.Path, true
					break
				}
			}
			if out[i] != "" {
				break
			}
		}
	}
	return out
}

// Caps on an uploaded CSV, checked on every record at upload so that the
// later steps never meet a bigger file: the mapping page draws one select
// per column (400,000 columns once made a 275 MB page), and every step
// parses the file again.
const (
	importMaxColumns   = 200
	importMaxCellBytes = 10 << 10
	importMaxRowBytes  = 64 << 10
)

// importRead parses the job's CSV: the header and the data rows (nil for a
// blank line, kept so row numbers match the file).
func importRead(job *importJob) ([]string, [][]string, error) {
	var rows [][]string
	header, err := importScan(job, func(_ int, rec []string) { rows = append(rows, rec) })
	return header, rows, err
}

// importScan streams the job's CSV, holding one record at a time: it calls
// row for each data row with its spreadsheet row number (the header is row
// 1; rec is nil for a blank line) and returns the header. A record over the
// caps stops the scan with an error naming the row and the limit.
func importScan(job *importJob, row func(num int, rec []string)) ([]string, error) {
	f, err := os.Open(importPath(job.ID, ".csv"))
	if err != nil {
		return nil, fmt.Errorf("web: read import: %w", err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3)
	}
	r := csv.NewReader(br)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var header []string
	for num := 1; ; num++ {
		start := r.InputOffset()
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			if num == 1 {
				return nil, crm.Invalid("file", crm.CodeInvalidValue, "The file is empty.")
			}
			return header, nil
		}
		if err != nil {
			return nil, crm.Invalid("file", crm.CodeInvalidValue, "This is not a readable CSV file: %v", err)
		}
		if err := importCheck(num, rec, r.InputOffset()-start); err != nil {
			return nil, err
		}
		switch {
		case num == 1:
			header = rec
		case len(strings.TrimSpace(strings.Join(rec, ""))) == 0:
			row(num, nil)
		default:
			row(num, rec)
		}
	}
}

// importCheck holds one record (of size bytes in the file) to the caps.
func importCheck(num int, rec []string, size int64) error {
	if len(rec) > importMaxColumns {
		return crm.Invalid("file", crm.CodeInvalidValue, "Row %d has %d columns; the limit is %d. Remove the columns you do not need and upload again.", num, len(rec), importMaxColumns)
	}
	if size > importMaxRowBytes {
		return crm.Invalid("file", crm.CodeInvalidValue, "Row %d is %d KiB long; the limit is %d KiB per row.", num, (size+1023)>>10, importMaxRowBytes>>10)
	}
	for i, cell := range rec {
		if len(cell) > importMaxCellBytes {
			return crm.Invalid("file", crm.CodeInvalidValue, "Row %d, column %d holds %d KiB; the limit is %d KiB per cell.", num, i+1, (len(cell)+1023)>>10, importMaxCellBytes>>10)
		}
	}
	return nil
}

// importRowError is one problem of one row.
type importRowError struct {
	Row    int // spreadsheet row: the header is row 1
	Column string
	Error  string
	Values []string
}

// importRow is a row ready to write.
type importRow struct {
	Row   int
	Input crm.Input
}

// importValidate checks every row without writing: it builds the input,
// applies it to a fresh record with the workspace's schema, resolves company
// names, and finds rows that repeat an email (people) or a domain
// (companies) of an earlier row.
func (u *UI) importValidate(ctx context.Context, job *importJob, headers []string, rows [][]string) ([]importRow, []importRowError, error) {
	o := importObject(job.Object)
	schema, err := u.cfg.Records.Schema(ctx, job.WorkspaceID, o)
	if err != nil {
		return nil, nil, err
	}
	column := map[string]string{} // field path -> header
	for i, path := range job.Mapping {
		if path != "" && i < len(headers) {
			column[path] = headers[i]
		}
	}
	companies := map[string]*string{} // lower-case name -> ID (nil: none)
	seen := map[string]int{}
	var ok []importRow
	var bad []importRowError
	for n, rec := range rows {
		rowNum := n + 2
		if rec == nil {
			continue
		}
		fail := func(col, msg string) {
			bad = append(bad, importRowError{Row: rowNum, Column: col, Error: msg, Values: rec})
		}
		in := crm.Input{}
		failed := false
		for i, path := range job.Mapping {
			if path == "" || i >= len(rec) {
				continue
			}
			v := strings.TrimSpace(rec[i])
			if v == "" {
				continue // an empty cell never blanks an existing value
			}
			if path == companyNameField {
				id, err := u.importCompany(ctx, job.WorkspaceID, v, companies)
				if err != nil {
					return nil, nil, err
				}
				if id == nil {
					fail(headers[i], fmt.Sprintf("No company named %q: import companies first", v))
					failed = true
					continue
				}
				in["companyId"] = *id
				continue
			}
			f, _ := o.Field(path)
			val := any(v)
			if f != nil && f.Kind != crm.KindText && f.Kind != crm.KindEmail && f.Kind != crm.KindNullText {
				pv, ok := crm.ParseText(f.Kind, v)
				if !ok {
					fail(headers[i], fmt.Sprintf("%q is not a valid value", v))
					failed = true
					continue
				}
				val = pv
			}
			group, sub, nested := strings.Cut(path, ".")
			if nested {
				m, _ := in[group].(map[string]any)
				if m == nil {
					m = map[string]any{}
					in[group] = m
				}
				m[sub] = val
			} else {
				in[path] = val
			}
		}
		if failed {
			continue
		}
		if len(in) == 0 {
			fail("", "The row has no mapped values")
			continue
		}
		r := o.New()
		if _, err := schema.Apply(r, in, true); err != nil {
			e, isCRM := crm.AsError(err)
			if !isCRM {
				return nil, nil, err
			}
			fail(column[e.Field], e.Message)
			continue
		}
		if key, col := importKey(r); key != "" {
			if first, dup := seen[key]; dup {
				fail(column[col], fmt.Sprintf("Same %s as row %d", importKeyName(job.Object), first))
				continue
			}
			seen[key] = rowNum
		}
		ok = append(ok, importRow{Row: rowNum, Input: in})
	}
	return ok, bad, nil
}

// importKey is the upsert key of a validated record and its field path.
func importKey(r crm.Record) (string, string) {
	switch v := r.(type) {
	case *crm.Person:
		return v.Emails.PrimaryEmail, "emails.primaryEmail"
	case *crm.Company:
		return v.DomainKey, "domainName.primaryLinkUrl"
	}
	return "", ""
}

func importKeyName(object string) string {
	if object == "company" {
		return "domain"
	}
	return "email"
}

// importCompany finds a company by name (case-insensitive), caching answers.
func (u *UI) importCompany(ctx context.Context, ws, name string, cache map[string]*string) (*string, error) {
	key := strings.ToLower(name)
	if id, done := cache[key]; done {
		return id, nil
	}
	schema, err := u.cfg.Records.Schema(ctx, ws, crm.CompanyObject)
	if err != nil {
		return nil, err
	}
	// ilike without wildcards: a case-insensitive equality (a "%" or "_"
	// in a name still acts as a wildcard; the first match wins).
	f, err := schema.ParseFilter(map[string]any{"name": map[string]any{"ilike": name}})
	if err != nil {
		return nil, err
	}
	page, err := u.cfg.Records.List(ctx, ws, schema, crm.ListParams{Filter: f, First: 1})
	if err != nil {
		return nil, err
	}
	var id *string
	if len(page.Records) > 0 {
		s := page.Records[0].Meta().ID
		id = &s
	}
	cache[key] = id
	return id, nil
}
