package graph

import (
	"context"
	"encoding/base64"
	"strings"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/contracts"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/graph/model"
)

// contractsFor returns the caller and the contracts service, or an error
// when the deployment runs without it (no encryption key to seal links).
func (r *Resolver) contractsFor(ctx context.Context) (*auth.Principal, *contracts.Service, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, nil, err
	}
	if r.contracts == nil {
		return nil, nil, crm.Invalid("", crm.CodeInvalidValue, "contracts are not enabled on this server (ROSTER_ENCRYPTION_KEY)")
	}
	return p, r.contracts, nil
}

func contractTemplateOut(t *contracts.Template) *model.ContractTemplate {
	out := &model.ContractTemplate{ID: t.ID, Name: t.Name, Body: t.Body, Version: t.Version, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt,
		SignerRoles: []*model.ContractSignerRole{}, Fields: []*model.ContractField{}}
	for _, r := range t.SignerRoles {
		out.SignerRoles = append(out.SignerRoles, &model.ContractSignerRole{Role: r.Role, Order: r.Order})
	}
	for _, f := range t.Fields {
		out.Fields = append(out.Fields, &model.ContractField{ID: f.ID, Role: f.Role, Type: model.ContractFieldType(f.Type), Label: f.Label, Required: f.Required})
	}
	return out
}

func contractTemplateIn(d model.ContractTemplateInput) contracts.TemplateInput {
	in := contracts.TemplateInput{Name: d.Name, Body: d.Body}
	if d.SignerRoles != nil {
		in.SignerRoles = []contracts.SignerRole{}
		for _, r := range d.SignerRoles {
			in.SignerRoles = append(in.SignerRoles, contracts.SignerRole{Role: r.Role, Order: r.Order})
		}
	}
	if d.Fields != nil {
		in.Fields = []contracts.Field{}
		for _, f := range d.Fields {
			in.Fields = append(in.Fields, contracts.Field{ID: valueOf(f.ID), Role: f.Role, Type: string(f.Type), Label: valueOf(f.Label), Required: f.Required != nil && *f.Required})
		}
	}
	return in
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// contractOut renders a contract; signing links are filled in for admins
// only, and only while usable (contracts.Service.SignerURL decides).
func (r *Resolver) contractOut(p *auth.Principal, c *contracts.Contract) (*model.Contract, error) {
	out := &model.Contract{ID: c.ID, Name: c.Name, TemplateID: c.TemplateID, TemplateVersion: c.TemplateVersion,
		Status: model.ContractStatus(c.Status), Provider: c.Provider, ProviderRequestID: c.ProviderRequestID,
		PersonID: c.PersonID, CompanyID: c.CompanyID, OpportunityID: c.OpportunityID, Message: c.Message, Document: c.Document,
		OriginalSha256: c.OriginalSHA256, FinalSha256: nonEmpty(c.FinalSHA256), VoidReason: nonEmpty(c.VoidReason),
		SentAt: c.SentAt, CompletedAt: c.CompletedAt, ExpiresAt: c.ExpiresAt, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
		Signers: []*model.ContractSigner{}}
	if c.OriginalAttachmentID != nil {
		u := r.contracts.AttachmentURL(*c.OriginalAttachmentID)
		out.OriginalPDFURL = &u
	}
	if c.SignedAttachmentID != nil {
		u := r.contracts.AttachmentURL(*c.SignedAttachmentID)
		out.SignedPDFURL = &u
	}
	admin := auth.RequireAdmin(p) == nil
	for _, g := range c.Signers {
		s := &model.ContractSigner{ID: g.ID, Name: g.Name, Email: g.Email, Role: g.Role, Order: g.Order,
			Status: model.ContractSignerStatus(g.Status), SentAt: g.SentAt, ViewedAt: g.ViewedAt, SignedAt: g.SignedAt,
			DeclineReason: nonEmpty(g.DeclineReason), IP: nonEmpty(g.IP), UserAgent: nonEmpty(g.UserAgent)}
		if admin {
			u, err := r.contracts.SignerURL(c, g)
			if err != nil {
				return nil, err
			}
			s.SigningURL = u
		}
		out.Signers = append(out.Signers, s)
	}
	return out, nil
}

func contractSettingsOut(s *contracts.Settings) *model.ContractSettings {
	return &model.ContractSettings{Provider: s.Provider, SignedStage: s.SignedStage, ConsentText: s.ConsentText,
		ConsentVersion: s.ConsentVersion, SealCertificate: s.SealCertificate, ConfiguredCertificate: s.ConfiguredCertificate}
}

func sendContractIn(p *auth.Principal, in model.SendContractInput) contracts.SendInput {
	out := contracts.SendInput{TemplateID: in.TemplateID, PersonID: in.PersonID, OpportunityID: in.OpportunityID, CompanyID: in.CompanyID,
		Provider: valueOf(in.Provider), ExpiresInDays: in.ExpiresInDays, Message: valueOf(in.Message), Actor: p.Actor()}
	for _, g := range in.Signers {
		out.Signers = append(out.Signers, contracts.SignerInput{Name: g.Name, Email: g.Email, Role: g.Role, Order: valueOf(g.Order)})
	}
	return out
}

func contractFilterIn(f *model.ContractFilter) contracts.Filter {
	var out contracts.Filter
	if f == nil {
		return out
	}
	for _, s := range f.Status {
		out.Status = append(out.Status, string(s))
	}
	out.PersonID, out.CompanyID, out.OpportunityID = valueOf(f.PersonID), valueOf(f.CompanyID), valueOf(f.OpportunityID)
	return out
}

func contractVerificationOut(v *contracts.Verification) *model.ContractVerification {
	return &model.ContractVerification{Valid: v.Valid, Known: v.Known, Sha256: v.SHA256, ContractID: nonEmpty(v.ContractID),
		Name: nonEmpty(v.Name), CompletedAt: v.CompletedAt, Problem: nonEmpty(v.Problem)}
}

// decodePDF reads verifyContractPdf's argument.
func decodePDF(s string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return nil, crm.Invalid("pdfBase64", crm.CodeInvalidValue, "must be the PDF in standard base64")
	}
	return b, nil
}
