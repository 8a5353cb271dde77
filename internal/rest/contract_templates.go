package rest

import (
	"net/http"
	"strconv"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/contracts"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/httpserver"
)

// registerContracts mounts the contract resources: /rest/contractTemplates
// and /rest/contracts, with GraphQL's operations and names. The paths are
// more specific than /rest/{object}, so they take precedence.
func (h *handler) registerContracts(mux Mux) {
	mux.Handle("GET /rest/contractTemplates", h.json(h.contractTemplateList))
	mux.Handle("POST /rest/contractTemplates", h.json(h.contractTemplateCreate))
	mux.Handle("GET /rest/contractTemplates/{id}", h.json(h.contractTemplateGet))
	mux.Handle("PATCH /rest/contractTemplates/{id}", h.json(h.contractTemplateUpdate))
	mux.Handle("POST /rest/contractTemplates/{id}/preview", h.json(h.contractPreview))
	mux.Handle("GET /rest/contracts", h.json(h.contractList))
	mux.Handle("POST /rest/contracts", h.json(h.contractSend))
	mux.Handle("GET /rest/contracts/{id}", h.json(h.contractGet))
	mux.Handle("POST /rest/contracts/{id}/void", h.json(h.contractVoid))
	mux.Handle("POST /rest/contracts/{id}/remind", h.json(h.contractRemind))
	mux.Handle("POST /rest/contracts/verify", h.json(h.contractVerify))
	mux.Handle("GET /rest/attachments/{id}", h.json(h.attachmentDownload))
}

// contractsFor authenticates the request and returns the contracts service.
func (h *handler) contractsFor(r *http.Request) (*auth.Principal, *contracts.Service, error) {
	p := auth.PrincipalFrom(r.Context())
	if p == nil {
		return nil, nil, &crm.Error{Cause: crm.ErrUnauthenticated, Code: crm.CodeUnauthenticated, Message: "authentication required: send an API key as \"Authorization: Bearer KEY\""}
	}
	if h.contracts == nil {
		return nil, nil, crm.Invalid("", crm.CodeInvalidValue, "contracts are not enabled on this server (ROSTER_ENCRYPTION_KEY)")
	}
	return p, h.contracts, nil
}

// templateBody is createContractTemplate's and updateContractTemplate's
// data; absent keys stay nil.
type templateBody struct {
	Name        *string                 `json:"name"`
	Body        *string                 `json:"body"`
	SignerRoles *[]contracts.SignerRole `json:"signerRoles"`
	Fields      *[]contracts.Field      `json:"fields"`
}

func (b *templateBody) input() contracts.TemplateInput {
	in := contracts.TemplateInput{Name: b.Name, Body: b.Body}
	if b.SignerRoles != nil {
		in.SignerRoles = append([]contracts.SignerRole{}, *b.SignerRoles...)
	}
	if b.Fields != nil {
		in.Fields = append([]contracts.Field{}, *b.Fields...)
	}
	return in
}

func templateJSON(t *contracts.Template) map[string]any {
	return map[string]any{"id": t.ID, "name": t.Name, "body": t.Body, "signerRoles": t.SignerRoles, "fields": t.Fields,
		"version": t.Version, "createdAt": timeJSON(&t.CreatedAt), "updatedAt": timeJSON(&t.UpdatedAt)}
}

// contractTemplateList serves GET /rest/contractTemplates.
func (h *handler) contractTemplateList(w http.ResponseWriter, r *http.Request) error {
	p, svc, err := h.contractsFor(r)
	if err != nil {
		return err
	}
	list, err := svc.Templates(r.Context(), p.WorkspaceID)
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(list))
	for _, t := range list {
		out = append(out, templateJSON(t))
	}
	return data(w, http.StatusOK, "contractTemplates", out)
}

// contractTemplateCreate serves POST /rest/contractTemplates.
func (h *handler) contractTemplateCreate(w http.ResponseWriter, r *http.Request) error {
	p, svc, err := h.contractsFor(r)
	if err != nil {
		return err
	}
	var b templateBody
	if err := httpserver.DecodeJSON(r, &b); err != nil {
		return err
	}
	t, err := svc.CreateTemplate(r.Context(), p.WorkspaceID, b.input())
	if err != nil {
		return err
	}
	return data(w, http.StatusCreated, "createContractTemplate", templateJSON(t))
}

// contractTemplateGet serves GET /rest/contractTemplates/{id}?version=N.
func (h *handler) contractTemplateGet(w http.ResponseWriter, r *http.Request) error {
	p, svc, err := h.contractsFor(r)
	if err != nil {
		return err
	}
	version := 0
	if v := r.URL.Query().Get("version"); v != "" {
		if version, err = strconv.Atoi(v); err != nil || version < 1 {
			return crm.Invalid("version", crm.CodeInvalidValue, "version must be a positive integer")
		}
	}
	t, err := svc.Template(r.Context(), p.WorkspaceID, r.PathValue("id"), version)
	if err != nil {
		return err
	}
	return data(w, http.StatusOK, "contractTemplate", templateJSON(t))
}

// contractTemplateUpdate serves PATCH /rest/contractTemplates/{id}.
func (h *handler) contractTemplateUpdate(w http.ResponseWriter, r *http.Request) error {
	p, svc, err := h.contractsFor(r)
	if err != nil {
		return err
	}
	var b templateBody
	if err := httpserver.DecodeJSON(r, &b); err != nil {
		return err
	}
	t, err := svc.UpdateTemplate(r.Context(), p.WorkspaceID, r.PathValue("id"), b.input())
	if err != nil {
		return err
	}
	return data(w, http.StatusOK, "updateContractTemplate", templateJSON(t))
}

// contractPreview serves POST /rest/contractTemplates/{id}/preview with
// {"recordIds": [...]}: previewContract.
func (h *handler) contractPreview(w http.ResponseWriter, r *http.Request) error {
	p, svc, err := h.contractsFor(r)
	if err != nil {
		return err
	}
	var b struct {
		RecordIDs []string `json:"recordIds"`
	}
	if err := httpserver.DecodeJSON(r, &b); err != nil {
		return err
	}
	pv, err := svc.PreviewContract(r.Context(), p.WorkspaceID, r.PathValue("id"), b.RecordIDs)
	if err != nil {
		return err
	}
	return data(w, http.StatusOK, "previewContract", map[string]any{"name": pv.Name, "document": pv.Document})
}
