package web

import "net/http"

// signDecline records the signer declining, with their reason.
func (u *UI) signDecline(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	if err := u.cfg.Contracts.Decline(r.Context(), token, r.PostFormValue("reason"), visitOf(r)); err != nil {
		if isInvalid(err) {
			return u.renderSign(w, r, token, err, nil)
		}
		return u.signClosed(w, r, err)
	}
	return u.render(w, r, "sign_done", "Declined", map[string]any{"Declined": true})
}
