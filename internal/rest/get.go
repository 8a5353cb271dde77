package rest

import (
	"net/http"

	"github.com/roster-crm/roster/internal/crm"
)

// get serves GET /rest/{object}/{id}: {"data": {"person": {...}}}.
func (h *handler) get(w http.ResponseWriter, r *http.Request) error {
	t, err := resolve(r)
	if err != nil {
		return err
	}
	rec, err := h.records.Get(r.Context(), t.ws(), t.object, r.PathValue("id"))
	if err != nil {
		return err
	}
	schema, err := h.records.Schema(r.Context(), t.ws(), t.object)
	if err != nil {
		return err
	}
	return data(w, http.StatusOK, singular(t.object), crm.RecordJSON(schema, rec))
}
