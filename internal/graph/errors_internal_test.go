package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/httpserver"
)

func TestPresentError(t *testing.T) {
	tests := []struct {
		Name       string
		Err        error
		WantMsg    string
		WantCode   string
		WantStatus any
		WantLogged bool
	}{
		{"crm error keeps code, field and status", crm.Conflict("emails.primaryEmail", "already used"), "emails.primaryEmail: already used", crm.CodeDuplicate, 409, false},
		{"wrapped crm error", errors.Join(errors.New("ctx"), crm.NotFound(crm.ObjectPerson, "x")), `person "x" not found`, crm.CodeNotFound, 404, false},
		{"a cancelled request is the client leaving, not logged", fmt.Errorf("records: list: %w", context.Canceled), "the request was cancelled", httpserver.CodeCanceled, 499, false},
		{"anything else is internal and logged", errors.New(`pq: relation "people" does not exist password=hunter2`), "internal error", CodeInternal, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			var logged bytes.Buffer
			got := presentError(slog.New(slog.NewTextHandler(&logged, nil)))(context.Background(), tt.Err)
			if got.Message != tt.WantMsg || got.Extensions["code"] != tt.WantCode || got.Extensions["statusCode"] != tt.WantStatus {
				t.Errorf("presentError() = %q %v; want %q code %s status %v", got.Message, got.Extensions, tt.WantMsg, tt.WantCode, tt.WantStatus)
			}
			if (logged.Len() > 0) != tt.WantLogged {
				t.Errorf("logged %q; want logged = %v", logged.String(), tt.WantLogged)
			}
			if tt.WantLogged && strings.Count(logged.String(), "\n") != 1 {
				t.Errorf("logged %d lines; want 1", strings.Count(logged.String(), "\n"))
			}
		})
	}
}

func TestRecoverPanic(t *testing.T) {
	var logged bytes.Buffer
	err := recoverPanic(slog.New(slog.NewTextHandler(&logged, nil)))(context.Background(), "boom")
	got := presentError(slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil)))(context.Background(), err)
	if got.Message != "internal error" || got.Extensions["code"] != CodeInternal || !strings.Contains(logged.String(), "boom") {
		t.Errorf("recovered panic = %q %v, logged %q; want internal error, logged once", got.Message, got.Extensions, logged.String())
	}
}
