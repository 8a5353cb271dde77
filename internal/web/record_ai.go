package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/roster-crm/roster/internal/ai"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
)

// recordAIData is the result page of a record's AI button: a summary, a
// lead score or an email draft (editable, with a link that opens it in the
// user's mail program; Roster sends nothing).
type recordAIData struct {
	Back, Name string
	Summary    *ai.NotesSummary
	Score      *ai.LeadScoreResult
	Draft      *ai.EmailDraft
	// MailTo opens the draft in the user's mail program.
	MailTo string
	Meta   ai.Meta
	Error  string
}

// recordAI runs Summarize notes, Score lead or Draft email on a record
// and shows the result; a provider failure is shown on the page with its
// code, the record is untouched.
func (u *UI) recordAI(k recordKind, action string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		svc, err := u.aiService()
		if err != nil {
			return err
		}
		ctx := r.Context()
		p := auth.PrincipalFrom(ctx)
		id := r.PathValue("id")
		rec, err := u.cfg.Records.Get(ctx, p.WorkspaceID, k.o, id)
		if err != nil {
			return err
		}
		call := ai.Call{WorkspaceID: p.WorkspaceID, UserID: p.UserID, SenderName: p.Name}
		d := &recordAIData{Back: k.href(id), Name: recordName(rec)}
		object := string(k.o.Name)
		switch action {
		case "summary":
			d.Summary, err = svc.SummarizeNotes(ctx, call, object, id)
			if d.Summary != nil {
				d.Meta = d.Summary.Meta
			}
		case "score":
			d.Score, err = svc.ScoreLead(ctx, call, object, id)
			if d.Score != nil {
				d.Meta = d.Score.Meta
			}
		case "draft":
			d.Draft, err = svc.DraftEmail(ctx, call, ai.DraftEmailInput{RecordID: id, ObjectName: object, Goal: strings.TrimSpace(r.PostFormValue("goal")), Tone: r.PostFormValue("tone")})
			if d.Draft != nil {
				d.Meta = d.Draft.Meta
				to := ""
				if person, ok := rec.(*crm.Person); ok {
					to = person.Emails.PrimaryEmail
				}
				d.MailTo = "mailto:" + to + "?" + strings.ReplaceAll(url.Values{"subject": {d.Draft.Subject}, "body": {d.Draft.Body}}.Encode(), "+", "%20")
			}
		default:
			return &crm.Error{Cause: crm.ErrNotFound, Code: crm.CodeNotFound, Message: "no such AI action"}
		}
		if err != nil {
			ce, ok := crm.AsError(err)
			if !ok {
				return err
			}
			d.Error = ce.Error()
			w.WriteHeader(http.StatusBadRequest)
		}
		return u.render(w, r, "record_ai", "AI · "+d.Name, d)
	}
}
