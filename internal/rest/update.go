package rest

import (
	"net/http"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
)

// update serves PATCH /rest/{object}/{id} with a partial object: only the
// keys present change. {"data": {"updatePerson": {...}}}.
func (h *handler) update(w http.ResponseWriter, r *http.Request) error {
	t, err := resolve(r)
	if err != nil {
		return err
	}
	in, err := decodeObject(r, t.object)
	if err != nil {
		return err
	}
	rec, err := h.records.Update(r.Context(), records.UpdateParams{
		WorkspaceID: t.ws(), Object: t.object, Actor: t.principal.Actor(), ID: r.PathValue("id"), Input: in,
	})
	if err != nil {
		return err
	}
	schema, err := h.records.Schema(r.Context(), t.ws(), t.object)
	if err != nil {
		return err
	}
	return data(w, http.StatusOK, opKey("update", t.object), crm.RecordJSON(schema, rec))
}
