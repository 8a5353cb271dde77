package web

import (
	"encoding/csv"
	"net/http"
	"strconv"

	"github.com/roster-crm/roster/internal/ai"
	"github.com/roster-crm/roster/internal/auth"
)

// aiUsageCSV exports this month's usage rows (at most ai.MaxUsageRows,
// oldest first) as CSV.
func (u *UI) aiUsageCSV(w http.ResponseWriter, r *http.Request) error {
	svc, err := u.aiService()
	if err != nil {
		return err
	}
	from, to := monthBounds(u.cfg.Now())
	rows, err := svc.UsageRecords(r.Context(), auth.PrincipalFrom(r.Context()).WorkspaceID, ai.UsageFilter{From: &from, To: &to}, true, ai.MaxUsageRows)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="ai-usage-`+from.Format("2006-01")+`.csv"`)
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"createdAt", "userId", "workflowRunId", "action", "templateId", "templateVersion", "provider", "model",
		"inputTokens", "cachedInputTokens", "outputTokens", "costMicros", "latencyMs", "status", "errorCode"})
	for _, x := range rows {
		cost := ""
		if x.CostMicros != nil {
			cost = strconv.FormatInt(*x.CostMicros, 10)
		}
		_ = cw.Write([]string{formatISO(x.CreatedAt), deref(x.UserID), deref(x.WorkflowRunID), x.Action, x.TemplateID, strconv.Itoa(x.TemplateVersion),
			x.Provider, x.Model, strconv.FormatInt(x.InputTokens, 10), strconv.FormatInt(x.CachedInputTokens, 10), strconv.FormatInt(x.OutputTokens, 10),
			cost, strconv.FormatInt(x.LatencyMs, 10), x.Status, x.ErrorCode})
	}
	cw.Flush()
	return cw.Error()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
