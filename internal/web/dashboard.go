package web

import (
	"net/http"
)

// dashboard is the home page. (Its membership-business figures are built in
// dashboard_data.go.)
func (u *UI) dashboard(w http.ResponseWriter, r *http.Request) error {
	return u.render(w, r, "dashboard", "Home", nil)
}
