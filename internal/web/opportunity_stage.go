package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/httpserver"
	"github.com/roster-crm/roster/internal/records"
)

// stageAnswer is the JSON answer to the pipeline script's move.
type stageAnswer struct {
	OK    bool   `json:"ok"`
	Stage string `json:"stage,omitempty"`
	Name  string `json:"name,omitempty"`
	Error string `json:"error,omitempty"`
}

// opportunityStage moves an opportunity to another stage. The form on each
// pipeline card posts here and is redirected back (to "back", a local path);
// pipeline.js posts with Accept: application/json and gets {ok, stage}.
func (u *UI) opportunityStage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	id := r.PathValue("id")
	stage := strings.TrimSpace(r.PostFormValue("stage"))
	wantJSON := strings.Contains(r.Header.Get("Accept"), "application/json")
	rec, err := u.cfg.Records.Update(ctx, records.UpdateParams{WorkspaceID: p.WorkspaceID, Object: crm.OpportunityObject, Actor: p.Actor(), ID: id,
		Input: crm.Input{"stage": stage}})
	if wantJSON {
		return u.stageJSON(w, r, rec, err)
	}
	if err != nil {
		if e, ok := crm.AsError(err); ok && e.Cause == crm.ErrInvalid {
			return crm.Invalid("stage", e.Code, "Choose one of the stages: %s.", strings.Join(crm.DefaultStages, ", "))
		}
		return err
	}
	back := r.PostFormValue("back")
	if !localPath(back) {
		back = "/opportunities/" + rec.Meta().ID
	}
	return u.redirect(w, r, back, "Moved "+flashText(recordName(rec))+" to "+stage+".")
}

func (u *UI) stageJSON(w http.ResponseWriter, r *http.Request, rec crm.Record, err error) error {
	w.Header().Set("Content-Type", "application/json")
	if err != nil {
		resp, known := httpserver.Classify(err, httpserver.RequestID(r.Context()))
		if !known {
			httpserver.Logger(r.Context()).ErrorContext(r.Context(), "web: move stage", "error", err)
		}
		msg := resp.Error.Message
		if errors.Is(err, crm.ErrInvalid) {
			msg = "Choose one of the stages: " + strings.Join(crm.DefaultStages, ", ") + "."
		}
		w.WriteHeader(resp.StatusCode)
		return json.NewEncoder(w).Encode(stageAnswer{Error: msg})
	}
	o := rec.(*crm.Opportunity)
	return json.NewEncoder(w).Encode(stageAnswer{OK: true, Stage: o.Stage, Name: recordName(o)})
}
