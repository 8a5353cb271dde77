package web

import (
	"encoding/csv"
	"net/http"
	"os"
	"strconv"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
)

// importRun is step 4: upsert the valid rows (by email for people, by domain
// for companies) in batches (records.UpsertMany: a batch is atomic, so a
// failed one leaves none of its rows behind and is reported on each), skip
// and report the others, and keep the error report for download.
func (u *UI) importRun(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	job, err := importLoad(p, r.PathValue("id"), u.cfg.Now())
	if err != nil {
		return err
	}
	if job.Result != nil {
		return u.redirect(w, r, "/import/"+job.ID+"/done", "This file was already imported.")
	}
	headers, rows, err := importRead(job)
	if err != nil {
		return err
	}
	ok, bad, err := u.importValidate(r.Context(), job, headers, rows)
	if err != nil {
		return err
	}
	actor := p.Actor()
	actor.Source = crm.SourceImport
	inputs := make([]crm.Input, len(ok))
	for i, row := range ok {
		inputs[i] = row.Input
	}
	counts, err := u.cfg.Records.UpsertMany(r.Context(), records.UpsertManyParams{
		WorkspaceID: job.WorkspaceID, Object: importObject(job.Object), Actor: actor, Inputs: inputs,
	})
	if err != nil {
		return err
	}
	for _, f := range counts.Failures {
		for _, row := range ok[f.Start:f.End] {
			bad = append(bad, importRowError{Row: row.Row, Error: "Not imported with its batch: " + f.Err.Error(), Values: rows[row.Row-2]})
		}
	}
	res := &importResult{Created: counts.Created, Updated: counts.Updated, Unchanged: counts.Unchanged}
	for _, row := range rows {
		if row != nil {
			res.Rows++
		}
	}
	res.Skipped = importBadRows(bad)
	if err := importWriteReport(job, headers, bad); err != nil {
		return err
	}
	job.Result = res
	if err := importWrite(job); err != nil {
		return err
	}
	return u.redirect(w, r, "/import/"+job.ID+"/done", "Import finished.")
}

// importWriteReport writes the error report: row, column, error, then the
// row's original values under the file's own headers.
func importWriteReport(job *importJob, headers []string, bad []importRowError) error {
	f, err := os.OpenFile(importPath(job.ID, ".errors.csv"), os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(f)
	_ = cw.Write(append([]string{"row", "column", "error"}, headers...))
	for _, e := range bad {
		_ = cw.Write(append([]string{strconv.Itoa(e.Row), e.Column, e.Error}, importSafeCells(e.Values)...))
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// importSafeCells defuses spreadsheet formulas in cells we send back
// (CSV injection): a leading = + - @ gets a quote in front.
func importSafeCells(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		if c != "" && (c[0] == '=' || c[0] == '+' || c[0] == '-' || c[0] == '@') {
			c = "'" + c
		}
		out[i] = c
	}
	return out
}

// importDone shows what the import did.
func (u *UI) importDone(w http.ResponseWriter, r *http.Request) error {
	job, err := importLoad(auth.PrincipalFrom(r.Context()), r.PathValue("id"), u.cfg.Now())
	if err != nil {
		return err
	}
	if job.Result == nil {
		return u.redirect(w, r, "/import/"+job.ID+"/preview", "")
	}
	return u.render(w, r, "import_done", "Import finished", map[string]any{"Job": job, "Result": job.Result})
}

// importErrors downloads the error report.
func (u *UI) importErrors(w http.ResponseWriter, r *http.Request) error {
	job, err := importLoad(auth.PrincipalFrom(r.Context()), r.PathValue("id"), u.cfg.Now())
	if err != nil {
		return err
	}
	if job.Result == nil {
		return crm.NotFound("import", job.ID)
	}
	b, err := os.ReadFile(importPath(job.ID, ".errors.csv"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="import-errors.csv"`)
	_, err = w.Write(b)
	return err
}
