package rest

import (
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/contracts"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/httpserver"
)

// contractJSON renders a contract as GraphQL's Contract (contracts'
// JSON), with a signer's signingUrl for admins while usable, and the audit
// trail when events is not nil.
func contractJSON(svc *contracts.Service, p *auth.Principal, c *contracts.Contract, events []*contracts.Event) (map[string]any, error) {
	out := svc.JSON(c)
	admin := auth.RequireAdmin(p) == nil
	for i, g := range c.Signers {
		var link *string
		if admin {
			u, err := svc.SignerURL(c, g)
			if err != nil {
				return nil, err
			}
			link = u
		}
		out["signers"].([]any)[i].(map[string]any)["signingUrl"] = link
	}
	if events != nil {
		list := make([]map[string]any, 0, len(events))
		for _, e := range events {
			list = append(list, map[string]any{"id": e.ID, "type": e.Type, "at": timeJSON(&e.At), "signerId": e.SignerID,
				"actor": e.Actor, "ip": e.IP, "userAgent": e.UserAgent, "detail": e.Detail})
		}
		out["events"] = list
	}
	return out, nil
}

// contractList serves GET /rest/contracts: ?status=SENT,SIGNED (or
// status[in]=...), personId, companyId, opportunityId, limit (at most 200)
// and starting_after (the last contract's id; newest first).
func (h *handler) contractList(w http.ResponseWriter, r *http.Request) error {
	p, svc, err := h.contractsFor(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	var f contracts.Filter
	for _, key := range []string{"status", "status[in]", "status[eq]"} {
		for _, v := range q[key] {
			for _, s := range strings.Split(v, ",") {
				if s = strings.TrimSpace(s); s != "" {
					f.Status = append(f.Status, s)
				}
			}
		}
	}
	f.PersonID, f.CompanyID, f.OpportunityID = q.Get("personId"), q.Get("companyId"), q.Get("opportunityId")
	limit := 0
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 {
			return crm.Invalid("limit", crm.CodeInvalidValue, "limit must be a positive integer")
		}
	}
	list, err := svc.List(r.Context(), p.WorkspaceID, f, q.Get("starting_after"), limit)
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(list))
	for _, c := range list {
		m, err := contractJSON(svc, p, c, nil)
		if err != nil {
			return err
		}
		out = append(out, m)
	}
	return data(w, http.StatusOK, "contracts", out)
}

// contractGet serves GET /rest/contracts/{id} with its audit trail.
func (h *handler) contractGet(w http.ResponseWriter, r *http.Request) error {
	p, svc, err := h.contractsFor(r)
	if err != nil {
		return err
	}
	return h.contractAnswer(w, r, p, svc, http.StatusOK, "contract", r.PathValue("id"))
}

func (h *handler) contractAnswer(w http.ResponseWriter, r *http.Request, p *auth.Principal, svc *contracts.Service, status int, key, id string) error {
	c, err := svc.Get(r.Context(), p.WorkspaceID, id)
	if err != nil {
		return err
	}
	events, err := svc.Events(r.Context(), p.WorkspaceID, id)
	if err != nil {
		return err
	}
	m, err := contractJSON(svc, p, c, events)
	if err != nil {
		return err
	}
	return data(w, status, key, m)
}

// sendBody is sendContract's input.
type sendBody struct {
	TemplateID    string                  `json:"templateId"`
	PersonID      *string                 `json:"personId"`
	OpportunityID *string                 `json:"opportunityId"`
	CompanyID     *string                 `json:"companyId"`
	Signers       []contracts.SignerInput `json:"signers"`
	Provider      string                  `json:"provider"`
	ExpiresInDays *int                    `json:"expiresInDays"`
	Message       string                  `json:"message"`
}

// contractSend serves POST /rest/contracts: sendContract, 201.
func (h *handler) contractSend(w http.ResponseWriter, r *http.Request) error {
	p, svc, err := h.contractsFor(r)
	if err != nil {
		return err
	}
	var b sendBody
	if err := httpserver.DecodeJSON(r, &b); err != nil {
		return err
	}
	c, err := svc.Send(r.Context(), p.WorkspaceID, contracts.SendInput{TemplateID: b.TemplateID, PersonID: b.PersonID,
		OpportunityID: b.OpportunityID, CompanyID: b.CompanyID, Signers: b.Signers, Provider: b.Provider,
		ExpiresInDays: b.ExpiresInDays, Message: b.Message, Actor: p.Actor()})
	if err != nil {
		return err
	}
	return h.contractAnswer(w, r, p, svc, http.StatusCreated, "sendContract", c.ID)
}

// contractVoid serves POST /rest/contracts/{id}/void with {"reason": ...}.
func (h *handler) contractVoid(w http.ResponseWriter, r *http.Request) error {
	p, svc, err := h.contractsFor(r)
	if err != nil {
		return err
	}
	var b struct {
		Reason string `json:"reason"`
	}
	if err := httpserver.DecodeJSON(r, &b); err != nil {
		return err
	}
	if _, err := svc.Void(r.Context(), p.WorkspaceID, r.PathValue("id"), b.Reason, p.Actor()); err != nil {
		return err
	}
	return h.contractAnswer(w, r, p, svc, http.StatusOK, "voidContract", r.PathValue("id"))
}

// contractRemind serves POST /rest/contracts/{id}/remind.
func (h *handler) contractRemind(w http.ResponseWriter, r *http.Request) error {
	p, svc, err := h.contractsFor(r)
	if err != nil {
		return err
	}
	if _, err := svc.Remind(r.Context(), p.WorkspaceID, r.PathValue("id"), p.Actor()); err != nil {
		return err
	}
	return h.contractAnswer(w, r, p, svc, http.StatusOK, "remindContractSigners", r.PathValue("id"))
}

// maxVerifyPDF bounds a PDF sent to /rest/contracts/verify.
const maxVerifyPDF = 20 << 20

// contractVerify serves POST /rest/contracts/verify with the PDF as the
// body (application/pdf): is its seal intact, and did this workspace seal
// exactly this file?
func (h *handler) contractVerify(w http.ResponseWriter, r *http.Request) error {
	p, svc, err := h.contractsFor(r)
	if err != nil {
		return err
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxVerifyPDF+1))
	if err != nil {
		return err
	}
	if len(b) == 0 || len(b) > maxVerifyPDF {
		return crm.Invalid("body", crm.CodeInvalidValue, "send the PDF (at most 20 MB) as the request body")
	}
	v, err := svc.VerifyPDF(r.Context(), p.WorkspaceID, b)
	if err != nil {
		return err
	}
	return data(w, http.StatusOK, "verifyContractPdf", map[string]any{"valid": v.Valid, "known": v.Known, "sha256": v.SHA256,
		"contractId": nullableString(v.ContractID), "name": nullableString(v.Name), "completedAt": timeJSON(v.CompletedAt),
		"problem": nullableString(v.Problem)})
}
