package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/whopstatus"
)

// renderer holds one template set per page: the layout and partials plus
// the page's own file, parsed once at start-up.
type renderer struct {
	pages map[string]*template.Template
}

func newRenderer(fsys fs.FS) (*renderer, error) {
	base := template.New("layout").Funcs(funcs)
	shared, err := fs.Glob(fsys, "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	base, err = base.ParseFS(fsys, append([]string{"templates/layout.html"}, shared...)...)
	if err != nil {
		return nil, fmt.Errorf("web: parse layout: %w", err)
	}
	files, err := fs.Glob(fsys, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	r := &renderer{pages: map[string]*template.Template{}}
	for _, f := range files {
		t, err := template.Must(base.Clone()).ParseFS(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", f, err)
		}
		r.pages[strings.TrimSuffix(path.Base(f), ".html")] = t
	}
	return r, nil
}

// render writes a page through the layout. It renders into a buffer first,
// so a template error becomes a clean 500 instead of half a page.
func (r *renderer) render(w http.ResponseWriter, name string, p *Page) error {
	t, ok := r.pages[name]
	if !ok {
		return fmt.Errorf("web: no page template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, err := buf.WriteTo(w)
	return err
}

// Page is what every template gets: the layout's needs and the page's Data.
type Page struct {
	Title     string
	Principal *auth.Principal
	CSRF      string
	Path      string // for marking the current navigation item
	Flash     string
	Data      any
}

// page builds the Page for a request.
func (u *UI) page(r *http.Request, title string, data any) *Page {
	p := &Page{Title: title, Principal: auth.PrincipalFrom(r.Context()), Path: r.URL.Path, Data: data}
	if c, err := r.Cookie(auth.SessionCookie); err == nil && p.Principal != nil {
		p.CSRF = auth.CSRFToken(c.Value)
	}
	if c, err := r.Cookie(flashCookie); err == nil {
		if v, err := url.QueryUnescape(c.Value); err == nil {
			p.Flash = v
		}
	}
	return p
}

// render is the handlers' shorthand: build the page and write it.
func (u *UI) render(w http.ResponseWriter, r *http.Request, name, title string, data any) error {
	if _, err := r.Cookie(flashCookie); err == nil {
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1, HttpOnly: true, Secure: u.secure, SameSite: http.SameSiteLaxMode})
	}
	return u.pages.render(w, name, u.page(r, title, data))
}

const flashCookie = "roster_flash"

// redirect sends the browser on after an action, with a one-time message
// for the next page (shown in a live region).
func (u *UI) redirect(w http.ResponseWriter, r *http.Request, to, flash string) error {
	if flash != "" {
		// Escaped: cookie values cannot carry non-ASCII text ("Müller").
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: url.QueryEscape(flash), Path: "/", MaxAge: 60, HttpOnly: true, Secure: u.secure, SameSite: http.SameSiteLaxMode})
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// formatDateTime is how pages write a moment; scripts that update a page
// get the same text from the server rather than formatting their own.
func formatDateTime(t time.Time) string { return t.UTC().Format("2 Jan 2006 15:04 UTC") }

// formatISO is a moment for <time datetime>.
func formatISO(t time.Time) string { return t.UTC().Format(time.RFC3339) }

var funcs = template.FuncMap{
	"date": func(t any) string {
		switch v := t.(type) {
		case time.Time:
			if v.IsZero() {
				return ""
			}
			return v.Format("2 Jan 2006")
		case *time.Time:
			if v == nil {
				return ""
			}
			return v.Format("2 Jan 2006")
		}
		return ""
	},
	"datetime": formatDateTime,
	"iso":      formatISO,
	"money": func(micros *int64, currency string) string {
		if micros == nil {
			return ""
		}
		return formatMoney(*micros, currency)
	},
	"deref_int": func(n *int) int {
		if n == nil {
			return 0
		}
		return *n
	},
	"deref": func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	},
	"active": func(current, prefix string) bool {
		if prefix == "/" {
			return current == "/"
		}
		return strings.HasPrefix(current, prefix)
	},
	"lower":     strings.ToLower,
	"hasPrefix": strings.HasPrefix,
	// statusLabel is the word for a Whop membership status (package whopstatus).
	"statusLabel": whopstatus.Label,
	"title": func(s string) string {
		s = strings.ReplaceAll(strings.ToLower(s), "_", " ")
		if s == "" {
			return s
		}
		return strings.ToUpper(s[:1]) + s[1:]
	},
}

// formatMoney is crm.FormatMoney, kept short for the page code.
func formatMoney(micros int64, currency string) string { return crm.FormatMoney(micros, currency) }
