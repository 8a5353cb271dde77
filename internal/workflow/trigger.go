package workflow

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/roster-crm/roster/internal/crm"
)

// Trigger types.
const (
	TriggerDatabaseEvent = "DATABASE_EVENT"
	TriggerManual        = "MANUAL"
	TriggerWebhook       = "WEBHOOK"
	TriggerCron          = "CRON"
	TriggerWhopEvent     = "WHOP_EVENT"
	TriggerContractEvent = "CONTRACT_EVENT"
)

// triggerKind is one trigger type: how its settings are checked at
// activation and what {{trigger.*}} offers. Each lives in its own file.
type triggerKind interface {
	check(ctx context.Context, s *Service, workspaceID string, t *Trigger) error
	schema(ctx context.Context, s *Service, workspaceID string, t *Trigger) (*Schema, error)
}

var triggerKinds = map[string]triggerKind{
	TriggerDatabaseEvent: databaseEventTrigger{},
	TriggerManual:        manualTrigger{},
	TriggerWebhook:       webhookTrigger{},
	TriggerCron:          cronTrigger{},
	TriggerWhopEvent:     whopEventTrigger{},
	TriggerContractEvent: contractEventTrigger{},
}

func triggerTypes() string {
	out := make([]string, 0, len(triggerKinds))
	for k := range triggerKinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// triggerErr is a validation error about a trigger setting.
func triggerErr(field, code, format string, args ...any) *crm.Error {
	path := "trigger.settings"
	if field != "" {
		path += "." + field
	}
	return crm.Invalid(path, code, "trigger: %s", fmt.Sprintf(format, args...))
}

// settingString reads an optional string setting.
func settingString(t *Trigger, name string) (string, error) {
	v, ok := t.Settings[name]
	if !ok || v == nil {
		return "", nil
	}
	s, isStr := v.(string)
	if !isStr {
		return "", triggerErr(name, crm.CodeInvalidType, "%s must be a string", name)
	}
	return s, nil
}
