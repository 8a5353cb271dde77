package rest

import "net/http"

func (h *handler) openAPI(w http.ResponseWriter, r *http.Request) error { return nil }
