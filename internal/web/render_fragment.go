package web

import (
	"bytes"
	"fmt"
	"net/http"
)

// renderFragment writes one named template of a page without the layout,
// for a script that replaces part of the page (the template editor's live
// preview). It renders into a buffer first, like render.
func (r *renderer) renderFragment(w http.ResponseWriter, page, name string, data any) error {
	t, ok := r.pages[page]
	if !ok {
		return fmt.Errorf("web: no page template %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		return fmt.Errorf("web: render %s/%s: %w", page, name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, err := buf.WriteTo(w)
	return err
}
