package config

import (
	"encoding/base64"
	"log/slog"
	"strings"
	"testing"
)

func TestLoadEmail(t *testing.T) {
	key := base64.StdEncoding.EncodeToString(make([]byte, 32))
	for _, tc := range []struct {
		name    string
		env     map[string]string
		want    Email
		wantErr string
	}{
		{"log by default", map[string]string{}, Email{Driver: "log", SMTPPort: 587}, ""},
		{"smtp when a host is set", map[string]string{"EMAIL_SMTP_HOST": "smtp.example.com", "EMAIL_FROM_ADDRESS": "crm@example.com"},
			Email{Driver: "smtp", SMTPHost: "smtp.example.com", SMTPPort: 587, FromAddress: "crm@example.com"}, ""},
		{"log even with a host", map[string]string{"EMAIL_DRIVER": "log", "EMAIL_SMTP_HOST": "smtp.example.com"},
			Email{Driver: "log", SMTPHost: "smtp.example.com", SMTPPort: 587}, ""},
		{"everything", map[string]string{"EMAIL_DRIVER": "SMTP", "EMAIL_SMTP_HOST": "127.0.0.1", "EMAIL_SMTP_PORT": "1025", "EMAIL_SMTP_USER": "u",
			"EMAIL_SMTP_PASSWORD": "p", "EMAIL_SMTP_NO_TLS": "true", "EMAIL_FROM_ADDRESS": "crm@example.com", "EMAIL_FROM_NAME": "Acme CRM"},
			Email{Driver: "smtp", SMTPHost: "127.0.0.1", SMTPPort: 1025, SMTPUser: "u", SMTPPassword: "p", SMTPNoTLS: true, FromAddress: "crm@example.com", FromName: "Acme CRM"}, ""},
		{"unknown driver", map[string]string{"EMAIL_DRIVER": "foo"}, Email{}, `EMAIL_DRIVER must be smtp or log, got "foo"`},
		{"port not a number", map[string]string{"EMAIL_SMTP_PORT": "abc"}, Email{}, `EMAIL_SMTP_PORT must be a port number`},
		{"port out of range", map[string]string{"EMAIL_SMTP_PORT": "70000"}, Email{}, `EMAIL_SMTP_PORT must be a port number`},
		{"no tls not a bool", map[string]string{"EMAIL_SMTP_NO_TLS": "maybe"}, Email{}, "EMAIL_SMTP_NO_TLS must be true or false"},
		{"smtp without host", map[string]string{"EMAIL_DRIVER": "smtp", "EMAIL_FROM_ADDRESS": "crm@example.com"}, Email{}, "EMAIL_SMTP_HOST must be set"},
		{"smtp without from", map[string]string{"EMAIL_SMTP_HOST": "smtp.example.com"}, Email{}, "EMAIL_FROM_ADDRESS must be set"},
		{"bad from", map[string]string{"EMAIL_FROM_ADDRESS": "not-an-address"}, Email{}, "EMAIL_FROM_ADDRESS must be a bare email address"},
		{"password without user", map[string]string{"EMAIL_SMTP_PASSWORD": "p"}, Email{}, "EMAIL_SMTP_USER must be set"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.env["ROSTER_ENCRYPTION_KEY"] = key
			c, err := Load(env(tc.env), Options{})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(err.Error(), "\n") {
					t.Fatalf("Load() error = %v; want one line containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || c.Email != tc.want {
				t.Fatalf("Load().Email = %+v, %v; want %+v", c.Email, err, tc.want)
			}
		})
	}
}

func TestEmailLogValueHidesThePassword(t *testing.T) {
	var b strings.Builder
	slog.New(slog.NewTextHandler(&b, nil)).Info("config", "email", Email{Driver: "smtp", SMTPUser: "u", SMTPPassword: "hunter2-secret"})
	if strings.Contains(b.String(), "hunter2-secret") || !strings.Contains(b.String(), "driver=smtp") {
		t.Errorf("log line = %q; want the settings without the password", b.String())
	}
}
