package rest

import (
	"net/http"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
)

// delete serves DELETE /rest/{object}/{id}: a soft delete ({"data":
// {"deletePerson": {"id": ...}}}) that restore undoes, or with
// ?soft_delete=false, as in Twenty, a permanent one ({"data":
// {"destroyPerson": {"id": ...}}}).
func (h *handler) delete(w http.ResponseWriter, r *http.Request) error {
	t, err := resolve(r)
	if err != nil {
		return err
	}
	soft, err := boolParam(r, "soft_delete", true)
	if err != nil {
		return err
	}
	ref := records.Ref{WorkspaceID: t.ws(), Object: t.object, Actor: t.principal.Actor(), ID: r.PathValue("id")}
	op, do := "delete", h.records.Delete
	if !soft {
		op, do = "destroy", h.records.Destroy
	}
	rec, err := do(r.Context(), ref)
	if err != nil {
		return err
	}
	return data(w, http.StatusOK, opKey(op, t.object), map[string]any{"id": rec.Meta().ID})
}

// restore serves POST /rest/restore/{object}/{id}: it brings a soft-deleted
// record back. {"data": {"restorePerson": {...}}}.
func (h *handler) restore(w http.ResponseWriter, r *http.Request) error {
	t, err := resolve(r)
	if err != nil {
		return err
	}
	rec, err := h.records.Restore(r.Context(), records.Ref{WorkspaceID: t.ws(), Object: t.object, Actor: t.principal.Actor(), ID: r.PathValue("id")})
	if err != nil {
		return err
	}
	schema, err := h.records.Schema(r.Context(), t.ws(), t.object)
	if err != nil {
		return err
	}
	return data(w, http.StatusOK, opKey("restore", t.object), crm.RecordJSON(schema, rec))
}
