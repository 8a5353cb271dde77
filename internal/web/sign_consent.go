package web

import "net/http"

// signConsent records the signer's consent to sign electronically; the
// signing form is shown only after it.
func (u *UI) signConsent(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	err := u.cfg.Contracts.Consent(r.Context(), token, r.PostFormValue("consent") == "yes", visitOf(r))
	if err != nil {
		if isInvalid(err) {
			return u.renderSign(w, r, token, err, nil)
		}
		return u.signClosed(w, r, err)
	}
	return u.redirect(w, r, "/sign/"+token+"#sign-title", "")
}
