package rest

import (
	"net/http"
	"strconv"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
)

// create serves POST /rest/{object} with one object: 201 {"data":
// {"createPerson": {...}}}. ?upsert=true updates the record the input
// matches (by id, Whop ID, primary email or domain) instead of failing on a
// duplicate.
func (h *handler) create(w http.ResponseWriter, r *http.Request) error {
	t, err := resolve(r)
	if err != nil {
		return err
	}
	upsert, err := boolParam(r, "upsert", false)
	if err != nil {
		return err
	}
	in, err := decodeObject(r, t.object)
	if err != nil {
		return err
	}
	recs, err := h.records.Create(r.Context(), records.CreateParams{
		WorkspaceID: t.ws(), Object: t.object, Actor: t.principal.Actor(), Inputs: []crm.Input{in}, Upsert: upsert,
	})
	if err != nil {
		return err
	}
	schema, err := h.records.Schema(r.Context(), t.ws(), t.object)
	if err != nil {
		return err
	}
	return data(w, http.StatusCreated, opKey("create", t.object), crm.RecordJSON(schema, recs[0]))
}

// createBatch serves POST /rest/batch/{object} with an array: every record is
// created (or upserted) in one transaction, or none is. 201 {"data":
// {"createPeople": [...]}}.
func (h *handler) createBatch(w http.ResponseWriter, r *http.Request) error {
	t, err := resolve(r)
	if err != nil {
		return err
	}
	upsert, err := boolParam(r, "upsert", false)
	if err != nil {
		return err
	}
	ins, err := decodeArray(r, t.object)
	if err != nil {
		return err
	}
	recs, err := h.records.Create(r.Context(), records.CreateParams{
		WorkspaceID: t.ws(), Object: t.object, Actor: t.principal.Actor(), Inputs: ins, Upsert: upsert,
	})
	if err != nil {
		return err
	}
	schema, err := h.records.Schema(r.Context(), t.ws(), t.object)
	if err != nil {
		return err
	}
	return data(w, http.StatusCreated, opManyKey("create", t.object), recordsJSON(schema, recs))
}

// boolParam reads an optional true/false query parameter.
func boolParam(r *http.Request, name string, def bool) (bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, crm.Invalid(name, crm.CodeInvalidType, "%s must be true or false, got %q", name, v)
	}
	return b, nil
}
