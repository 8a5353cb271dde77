package config

import (
	"fmt"
	"log/slog"
	"net/mail"
	"strconv"
	"strings"
)

// Email configures the mailer, with Twenty's variable names.
type Email struct {
	// Driver is "smtp" or "log" (EMAIL_DRIVER). It defaults to smtp when
	// EMAIL_SMTP_HOST is set and to log (keep messages in the outbox, send
	// nothing) otherwise.
	Driver string
	// SMTP server (EMAIL_SMTP_HOST, EMAIL_SMTP_PORT default 587,
	// EMAIL_SMTP_USER, EMAIL_SMTP_PASSWORD). SMTPNoTLS (EMAIL_SMTP_NO_TLS)
	// speaks plain SMTP, for a local sink.
	SMTPHost     string
	SMTPPort     int
	SMTPUser     string
	SMTPPassword string
	SMTPNoTLS    bool
	// Sender (EMAIL_FROM_ADDRESS, required with smtp; EMAIL_FROM_NAME).
	FromAddress string
	FromName    string
}

// LogValue leaves the password out of any log line that prints the
// settings.
func (e Email) LogValue() slog.Value {
	return slog.GroupValue(slog.String("driver", e.Driver), slog.String("host", e.SMTPHost), slog.Int("port", e.SMTPPort),
		slog.String("user", e.SMTPUser), slog.Bool("no_tls", e.SMTPNoTLS), slog.String("from", e.FromAddress))
}

// loadEmail reads and checks the EMAIL_* variables.
func loadEmail(getenv Getenv) (Email, error) {
	e := Email{
		Driver:       strings.ToLower(strings.TrimSpace(getenv("EMAIL_DRIVER"))),
		SMTPHost:     strings.TrimSpace(getenv("EMAIL_SMTP_HOST")),
		SMTPPort:     587,
		SMTPUser:     getenv("EMAIL_SMTP_USER"),
		SMTPPassword: getenv("EMAIL_SMTP_PASSWORD"),
		FromAddress:  strings.TrimSpace(getenv("EMAIL_FROM_ADDRESS")),
		FromName:     strings.TrimSpace(getenv("EMAIL_FROM_NAME")),
	}
	switch e.Driver {
	case "":
		e.Driver = "log"
		if e.SMTPHost != "" {
			e.Driver = "smtp"
		}
	case "smtp", "log":
	default:
		return Email{}, fmt.Errorf("config: EMAIL_DRIVER must be smtp or log, got %q", e.Driver)
	}
	if v := strings.TrimSpace(getenv("EMAIL_SMTP_PORT")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 65535 {
			return Email{}, fmt.Errorf("config: EMAIL_SMTP_PORT must be a port number from 1 to 65535, got %q", v)
		}
		e.SMTPPort = n
	}
	if v := strings.TrimSpace(getenv("EMAIL_SMTP_NO_TLS")); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return Email{}, fmt.Errorf("config: EMAIL_SMTP_NO_TLS must be true or false, got %q", v)
		}
		e.SMTPNoTLS = b
	}
	if e.SMTPPassword != "" && e.SMTPUser == "" {
		return Email{}, fmt.Errorf("config: EMAIL_SMTP_USER must be set when EMAIL_SMTP_PASSWORD is")
	}
	if e.FromAddress != "" {
		a, err := mail.ParseAddress(e.FromAddress)
		if err != nil || a.Name != "" {
			return Email{}, fmt.Errorf("config: EMAIL_FROM_ADDRESS must be a bare email address like crm@example.com, got %q", e.FromAddress)
		}
	}
	if strings.ContainsAny(e.FromName, "\r\n") {
		return Email{}, fmt.Errorf("config: EMAIL_FROM_NAME must be one line")
	}
	if e.Driver == "smtp" {
		if e.SMTPHost == "" {
			return Email{}, fmt.Errorf("config: EMAIL_SMTP_HOST must be set when EMAIL_DRIVER=smtp")
		}
		if e.FromAddress == "" {
			return Email{}, fmt.Errorf("config: EMAIL_FROM_ADDRESS must be set when EMAIL_DRIVER=smtp (the address mail is sent from)")
		}
	}
	return e, nil
}
