package web

import (
	"errors"
	"net/http"

	"github.com/roster-crm/roster/internal/contracts"
	"github.com/roster-crm/roster/internal/crm"
)

// signView is the public signing page.
type signView struct {
	Token          string
	Contract       *contracts.Contract
	Signer         *contracts.Signer
	Consented      bool
	ConsentBlocks  []docBlock
	ConsentVersion string
	Blocks         []docBlock
	Fields         []contracts.Field
	// Values are what the signer typed, kept when the form comes back
	// with an error.
	Values map[string]string
	Error  string
	// ErrorField is the field the error is about (for aria-describedby).
	ErrorField string
}

// docBlock is a block of the document as the page draws it: consecutive
// bullet items grouped into one list.
type docBlock struct {
	Kind  string // heading, paragraph, list
	Level int    // heading level on the page (h3-h5)
	Text  string
	Items []string
}

func pageBlocks(text string) []docBlock {
	var out []docBlock
	for _, b := range contracts.Blocks(text) {
		if b.Kind == "item" {
			if n := len(out); n > 0 && out[n-1].Kind == "list" {
				out[n-1].Items = append(out[n-1].Items, b.Text)
				continue
			}
			out = append(out, docBlock{Kind: "list", Items: []string{b.Text}})
			continue
		}
		out = append(out, docBlock{Kind: b.Kind, Level: b.Level + 2, Text: b.Text})
	}
	return out
}

func visitOf(r *http.Request) contracts.Visit {
	return contracts.Visit{IP: clientIP(r), UserAgent: r.UserAgent()}
}

// signPage shows the document, the consent step and then the signing form.
func (u *UI) signPage(w http.ResponseWriter, r *http.Request) error {
	return u.renderSign(w, r, r.PathValue("token"), nil, nil)
}

// renderSign draws the signing page; formErr, when set, is shown with the
// values the signer entered.
func (u *UI) renderSign(w http.ResponseWriter, r *http.Request, token string, formErr error, values map[string]string) error {
	sess, err := u.cfg.Contracts.Open(r.Context(), token, visitOf(r))
	if err != nil {
		return u.signClosed(w, r, err)
	}
	v := signView{Token: token, Contract: sess.Contract, Signer: sess.Signer, Consented: sess.Consented,
		ConsentBlocks: pageBlocks(sess.ConsentText), ConsentVersion: sess.ConsentVersion,
		Blocks: pageBlocks(sess.Contract.Document), Fields: sess.Fields, Values: values}
	if formErr != nil {
		e, ok := crm.AsError(formErr)
		if !ok || !errors.Is(formErr, crm.ErrInvalid) {
			return formErr
		}
		v.Error, v.ErrorField = e.Message, e.Field
		w.WriteHeader(http.StatusUnprocessableEntity)
	}
	return u.render(w, r, "sign", "Sign "+sess.Contract.Name, v)
}

// signClosed explains why a link cannot be used (used, early, expired,
// voided, declined, unknown) instead of a bare error page.
func (u *UI) signClosed(w http.ResponseWriter, r *http.Request, err error) error {
	e, ok := crm.AsError(err)
	if !ok || (!errors.Is(err, crm.ErrForbidden) && !errors.Is(err, crm.ErrNotFound)) {
		return err
	}
	status := http.StatusGone
	if errors.Is(err, crm.ErrNotFound) {
		status = http.StatusNotFound
	}
	if e.Code == contracts.CodeLinkEarly {
		status = http.StatusForbidden
	}
	w.WriteHeader(status)
	return u.render(w, r, "sign_closed", "Signing link", map[string]string{"Message": e.Message, "Code": e.Code})
}
