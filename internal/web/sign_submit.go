package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/roster-crm/roster/internal/contracts"
	"github.com/roster-crm/roster/internal/crm"
)

// signSubmit is the explicit "Sign" action: the fields' values (v.<id>)
// and the signature, drawn (a PNG data URL from the pad) or typed.
func (u *UI) signSubmit(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	if err := r.ParseForm(); err != nil {
		return crm.Invalid("form", crm.CodeInvalidValue, "the form could not be read")
	}
	values := map[string]string{}
	for k, vs := range r.PostForm {
		if id, ok := strings.CutPrefix(k, "v."); ok && len(vs) > 0 {
			values[id] = vs[len(vs)-1]
		}
	}
	c, err := u.cfg.Contracts.Sign(r.Context(), token, contracts.SignInput{Values: values, Intent: r.PostFormValue("intent") == "yes"}, visitOf(r))
	if err != nil {
		if isInvalid(err) {
			return u.renderSign(w, r, token, err, values)
		}
		return u.signClosed(w, r, err)
	}
	return u.render(w, r, "sign_done", "Signed", map[string]any{"Contract": c, "Completed": c.Status == contracts.StatusSigned})
}

func isInvalid(err error) bool { return errors.Is(err, crm.ErrInvalid) }

// errorMessage is what a person reads of a refused input.
func errorMessage(err error) string {
	if e, ok := crm.AsError(err); ok {
		return e.Message
	}
	return err.Error()
}

// fieldMessage is errorMessage with the field it is about, for forms whose
// fields the API names ("signers[1].email: ...").
func fieldMessage(err error) string {
	if e, ok := crm.AsError(err); ok && e.Field != "" {
		return e.Field + ": " + e.Message
	}
	return errorMessage(err)
}
