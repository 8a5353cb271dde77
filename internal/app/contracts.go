package app

import (
	"context"
	"fmt"

	"github.com/roster-crm/roster/internal/contracts"
)

// newContracts builds the contracts service. A configured seal
// certificate (ESIGN_SEAL_CERT_FILE, ESIGN_SEAL_KEY_FILE) is checked here,
// so a bad one stops start-up instead of the first completion.
func (a *App) newContracts() (*contracts.Service, error) {
	sealer, err := a.sealer()
	if err != nil {
		return nil, err
	}
	es := a.Config.ESign
	if len(es.SealCertificate) > 0 {
		if _, _, err := contracts.ParseSealPEM(es.SealCertificate, es.SealKey); err != nil {
			return nil, fmt.Errorf("app: ESIGN_SEAL_CERT_FILE / ESIGN_SEAL_KEY_FILE: %w", err)
		}
	}
	providers, err := contracts.ProvidersFromConfig(es)
	if err != nil {
		return nil, err
	}
	var svc *contracts.Service
	svc = contracts.New(contracts.Config{
		Store: a.Store, Records: a.Records, Mail: a.Mail, Sealer: sealer, BaseURL: a.Config.BaseURL,
		SealCertificatePEM: es.SealCertificate, SealKeyPEM: es.SealKey, TSAURL: es.TSAURL,
		DefaultProvider: es.Provider, Providers: providers, Logger: a.Logger,
		OnEvent: func(ctx context.Context, n contracts.Notice) { a.contractTriggers(ctx, svc, n) },
	})
	if err := a.Workflows.Registry().Register(contracts.SendAction(svc)); err != nil {
		return nil, err
	}
	return svc, nil
}

// contractTriggers starts the CONTRACT_EVENT workflow runs of a committed
// contract change. A failure is logged: the change itself stands.
func (a *App) contractTriggers(ctx context.Context, svc *contracts.Service, n contracts.Notice) {
	e, err := svc.WorkflowEvent(ctx, n)
	if err == nil {
		err = a.Workflows.ContractEvent(ctx, e)
	}
	if err != nil {
		a.Logger.ErrorContext(ctx, "contract workflow trigger failed", "workspace_id", n.WorkspaceID, "contract_id", n.ContractID, "event", n.Name, "error", err)
	}
}
