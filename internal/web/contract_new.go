package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/contracts"
	"github.com/roster-crm/roster/internal/crm"
)

// contractForm is the "Send contract" form: the template, the record it
// is sent from, the signers (prefilled from the record), expiry, message.
type contractForm struct {
	Templates     []*contracts.Template
	TemplateID    string
	PersonID      string
	OpportunityID string
	Record        string
	Signers       []contracts.SignerInput
	ExpiresInDays int
	Message       string
	Error         string
}

// maxSignerRows is how many signer rows the form offers.
const maxSignerRows = 4

// contractNew shows the form, the signers prefilled from the person (or
// the opportunity's point of contact) as the template's first role.
func (u *UI) contractNew(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	q := r.URL.Query()
	f := contractForm{PersonID: q.Get("personId"), OpportunityID: q.Get("opportunityId"), TemplateID: q.Get("templateId"), ExpiresInDays: contracts.DefaultExpiresInDays}
	if err := u.fillContractForm(r, p, &f); err != nil {
		return err
	}
	if len(f.Templates) > 0 && f.TemplateID == "" {
		f.TemplateID = f.Templates[0].ID
	}
	var recordIDs []string
	for _, id := range []string{f.OpportunityID, f.PersonID} {
		if id != "" {
			recordIDs = append(recordIDs, id)
		}
	}
	if f.TemplateID != "" && len(recordIDs) > 0 {
		// The preview merges the records: it names the signer.
		if person := u.contactOf(r, p, f); person != nil {
			role := ""
			for _, t := range f.Templates {
				if t.ID == f.TemplateID && len(t.SignerRoles) > 0 {
					role = t.SignerRoles[0].Role
				}
			}
			f.Signers = append(f.Signers, contracts.SignerInput{Name: recordName(person), Email: person.(*crm.Person).Emails.PrimaryEmail, Role: role})
		}
	}
	for len(f.Signers) < maxSignerRows {
		f.Signers = append(f.Signers, contracts.SignerInput{})
	}
	return u.render(w, r, "contract_new", "Send a contract", f)
}

// contactOf is the person who signs by default: the person, or the
// opportunity's point of contact.
func (u *UI) contactOf(r *http.Request, p *auth.Principal, f contractForm) crm.Record {
	id := f.PersonID
	if id == "" && f.OpportunityID != "" {
		if o, err := u.cfg.Records.Get(r.Context(), p.WorkspaceID, crm.OpportunityObject, f.OpportunityID); err == nil && o.(*crm.Opportunity).PointOfContactID != nil {
			id = *o.(*crm.Opportunity).PointOfContactID
		}
	}
	if id == "" {
		return nil
	}
	rec, err := u.cfg.Records.Get(r.Context(), p.WorkspaceID, crm.PersonObject, id)
	if err != nil {
		return nil
	}
	return rec
}

// fillContractForm loads the templates and names the record.
func (u *UI) fillContractForm(r *http.Request, p *auth.Principal, f *contractForm) error {
	var err error
	if f.Templates, err = u.cfg.Contracts.Templates(r.Context(), p.WorkspaceID); err != nil {
		return err
	}
	for _, ref := range []struct {
		id string
		o  *crm.Object
	}{{f.OpportunityID, crm.OpportunityObject}, {f.PersonID, crm.PersonObject}} {
		if ref.id == "" {
			continue
		}
		rec, err := u.cfg.Records.Get(r.Context(), p.WorkspaceID, ref.o, ref.id)
		if err != nil {
			return err
		}
		f.Record = ref.o.Label + ": " + recordName(rec)
		break
	}
	return nil
}

// contractSend sends the contract; a refusal re-renders the form with what
// was entered and the problem named.
func (u *UI) contractSend(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	f := contractForm{TemplateID: r.PostFormValue("templateId"), PersonID: r.PostFormValue("personId"),
		OpportunityID: r.PostFormValue("opportunityId"), Message: r.PostFormValue("message")}
	f.ExpiresInDays, _ = strconv.Atoi(r.PostFormValue("expiresInDays"))
	in := contracts.SendInput{TemplateID: f.TemplateID, Message: f.Message, ExpiresInDays: &f.ExpiresInDays, Actor: p.Actor()}
	if f.PersonID != "" {
		in.PersonID = &f.PersonID
	}
	if f.OpportunityID != "" {
		in.OpportunityID = &f.OpportunityID
	}
	for i := 0; i < maxSignerRows; i++ {
		n := strconv.Itoa(i)
		g := contracts.SignerInput{Name: strings.TrimSpace(r.PostFormValue("signer" + n + "Name")), Email: strings.TrimSpace(r.PostFormValue("signer" + n + "Email")),
			Role: strings.TrimSpace(r.PostFormValue("signer" + n + "Role"))}
		g.Order, _ = strconv.Atoi(r.PostFormValue("signer" + n + "Order"))
		f.Signers = append(f.Signers, g)
		if g.Name != "" || g.Email != "" {
			in.Signers = append(in.Signers, g)
		}
	}
	c, err := u.cfg.Contracts.Send(r.Context(), p.WorkspaceID, in)
	if err != nil {
		if !isInvalid(err) {
			return err
		}
		f.Error = fieldMessage(err)
		if ferr := u.fillContractForm(r, p, &f); ferr != nil {
			return ferr
		}
		w.WriteHeader(http.StatusUnprocessableEntity)
		return u.render(w, r, "contract_new", "Send a contract", f)
	}
	return u.redirect(w, r, "/contracts/"+url.PathEscape(c.ID), "Contract sent. The first signers have their links by email.")
}
