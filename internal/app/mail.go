package app

import (
	"fmt"

	"github.com/roster-crm/roster/internal/mail"
	"github.com/roster-crm/roster/internal/secret"
)

// newMailer builds the one mailer from the EMAIL_* settings. Without an
// encryption key (management commands) unsent links are kept masked only.
func (a *App) newMailer() (*mail.Service, error) {
	cfg := a.Config
	var sealer *secret.Sealer
	if len(cfg.EncryptionKey) > 0 {
		var err error
		if sealer, err = a.sealer(); err != nil {
			return nil, err
		}
	}
	e := cfg.Email
	return mail.New(mail.Config{
		Store: a.Store, Driver: mail.Driver(e.Driver), FromAddress: e.FromAddress, FromName: e.FromName, Sealer: sealer, Logger: a.Logger,
		SMTP: mail.SMTP{Host: e.SMTPHost, Port: e.SMTPPort, User: e.SMTPUser, Password: e.SMTPPassword, NoTLS: e.SMTPNoTLS},
	}), nil
}

// sealer opens and seals secrets under the configured keys, the current
// one first.
func (a *App) sealer() (*secret.Sealer, error) {
	keys := []secret.Key{{Bytes: a.Config.EncryptionKey}}
	for _, k := range a.Config.OldEncryptionKeys {
		keys = append(keys, secret.Key{Bytes: k})
	}
	s, err := secret.NewSealer(keys...)
	if err != nil {
		return nil, fmt.Errorf("app: encryption keys: %w", err)
	}
	return s, nil
}
