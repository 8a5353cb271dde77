package web

import (
	"encoding/csv"
	"net/http"
	"strings"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/httpserver"
)

// exportPageSize is how many records each step of an export reads. The
// store caps a page at crm.MaxPageSize (200), so exports read 200 at a time.
const exportPageSize = crm.MaxPageSize

// tableExport streams the current view as CSV (GET /people/export.csv ...):
// the same query parameters as the table page, so it exports exactly the
// rows and columns on screen, all pages of them. It walks the keyset
// cursors and writes each page as it arrives, so memory stays flat however
// many rows there are.
func (u *UI) tableExport(spec *tableSpec) handlerFunc {
	return u.requireUser(func(w http.ResponseWriter, r *http.Request) error {
		r = httpserver.Stream(w, r) // a big workspace's export may outlast any request deadline
		ctx := r.Context()
		p := auth.PrincipalFrom(ctx)
		st := parseTableState(spec, r.URL.Query())
		schema, err := u.cfg.Records.Schema(ctx, p.WorkspaceID, spec.obj)
		if err != nil {
			return err
		}
		c, err := u.compile(ctx, p.WorkspaceID, spec, schema, &st)
		if err != nil {
			return err
		}
		if c.invalid {
			msg := c.whopError
			for _, f := range st.Filters {
				if f.Error != "" {
					msg = f.Error
				}
			}
			return crm.Invalid("filter", crm.CodeInvalidValue, "%s", msg)
		}
		cols := st.columns(spec)
		var products map[string]string
		if spec.whop != whopNone {
			list, err := u.productChoices(ctx, p.WorkspaceID)
			if err != nil {
				return err
			}
			products = make(map[string]string, len(list))
			for _, x := range list {
				products[x.WhopID] = x.Title
			}
		}

		// Read the first page and audit the export before sending headers,
		// so an error (a failed audit write included) is still a proper
		// error page and no unaudited byte leaves.
		lp := crm.ListParams{Filter: c.filter, OrderBy: c.orders, First: exportPageSize, WithTotal: true}
		page, err := u.cfg.Records.List(ctx, p.WorkspaceID, schema, lp)
		if err != nil {
			return err
		}
		lp.WithTotal = false
		if err := u.cfg.Audit.Record(ctx, p.WorkspaceID, exportEntry(p, spec, r.URL.RawQuery, page.TotalCount, len(cols))); err != nil {
			return err
		}
		h := w.Header()
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="`+spec.many+"-"+u.cfg.Now().UTC().Format("2006-01-02")+`.csv"`)
		h.Set("X-Content-Type-Options", "nosniff")
		cw := csv.NewWriter(w)
		header := make([]string, len(cols))
		for i, col := range cols {
			header[i] = col.label
		}
		if err := cw.Write(header); err != nil {
			return nil // the client went away; nothing more to say to it
		}
		flusher, _ := w.(http.Flusher)
		for {
			l, err := u.lookups(ctx, p.WorkspaceID, page.Records, cols, nil)
			if err != nil {
				if ctx.Err() == nil { // else the client went away
					u.log.ErrorContext(ctx, "web: export", "error", err)
				}
				return nil // headers are sent: the truncated file is the signal
			}
			l.products = products
			row := make([]string, len(cols))
			for _, rec := range page.Records {
				for i, col := range cols {
					row[i] = safeCSV(col.value(rec, l).csv())
				}
				if err := cw.Write(row); err != nil {
					return nil
				}
			}
			cw.Flush()
			if cw.Error() != nil {
				return nil
			}
			if flusher != nil {
				flusher.Flush()
			}
			if !page.HasNextPage || len(page.Cursors) == 0 {
				return nil
			}
			lp.After = page.Cursors[len(page.Cursors)-1]
			if page, err = u.cfg.Records.List(ctx, p.WorkspaceID, schema, lp); err != nil {
				if ctx.Err() == nil {
					u.log.ErrorContext(ctx, "web: export", "error", err)
				}
				return nil
			}
		}
	})
}

// safeCSV defuses spreadsheet formulas: a cell starting with = + - @ (or a
// tab or carriage return, which some spreadsheets skip before reading one)
// is prefixed with a single quote, so opening the export in Excel or
// Sheets shows the text instead of running it (OWASP "CSV injection").
// Quoting and escaping of commas, quotes and newlines is encoding/csv's.
func safeCSV(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// maxAuditedQuery bounds the view recorded with an export.
const maxAuditedQuery = 500

// exportEntry is the audit entry of a CSV export: who exported which
// object, how many rows and columns, and the view (filters, search, sort)
// that chose them.
func exportEntry(p *auth.Principal, spec *tableSpec, query string, rows, columns int) audit.Entry {
	if len(query) > maxAuditedQuery {
		query = strings.ToValidUTF8(query[:maxAuditedQuery], "")
	}
	return audit.Entry{Action: audit.ExportCSV, Actor: p.AuditActor(),
		Target:  audit.Target{Type: audit.TargetObject, Label: spec.many},
		Details: map[string]any{"rows": rows, "columns": columns, "view": query}}
}
