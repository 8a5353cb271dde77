package rest

import (
	"net/http"

	"github.com/roster-crm/roster/internal/httpserver"
)

// pageInfo is Twenty's pagination block; cursors are null on an empty page.
type pageInfo struct {
	HasNextPage     bool    `json:"hasNextPage"`
	HasPreviousPage bool    `json:"hasPreviousPage"`
	StartCursor     *string `json:"startCursor"`
	EndCursor       *string `json:"endCursor"`
}

// list serves GET /rest/{object}: {"data": {"people": [...]}, "pageInfo":
// {...}, "totalCount": N}.
func (h *handler) list(w http.ResponseWriter, r *http.Request) error {
	t, err := resolve(r)
	if err != nil {
		return err
	}
	schema, err := h.records.Schema(r.Context(), t.ws(), t.object)
	if err != nil {
		return err
	}
	params, err := listParams(schema, r.URL.Query())
	if err != nil {
		return err
	}
	page, err := h.records.List(r.Context(), t.ws(), schema, params)
	if err != nil {
		return cursorParam(err)
	}
	info := pageInfo{HasNextPage: page.HasNextPage, HasPreviousPage: page.HasPreviousPage}
	if n := len(page.Cursors); n > 0 {
		info.StartCursor, info.EndCursor = &page.Cursors[0], &page.Cursors[n-1]
	}
	httpserver.WriteJSON(w, http.StatusOK, map[string]any{
		"data":       map[string]any{pluralKey(t.object): recordsJSON(schema, page.Records)},
		"pageInfo":   info,
		"totalCount": page.TotalCount,
	})
	return nil
}
