package whopsync

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/whop"
)

// Connection methods.
const (
	MethodOAuth  = "oauth"
	MethodAPIKey = "api_key"
)

// Status is what an admin sees of the workspace's Whop connection.
type Status struct {
	Connected      bool
	Method         string
	CompanyID      string
	Handle         string
	LastSyncAt     *time.Time
	LastSyncStatus string
	SyncInProgress bool
	NeedsReauth    bool
	WebhookURL     string
	// WebhookID is the webhook Roster registered at Whop ("" when none);
	// WebhookSource is WebhookRegistered or WebhookPasted ("" when the
	// workspace has no secret of its own); WebhookError is why the last
	// registration failed.
	WebhookID     string
	WebhookSource string
	WebhookError  string
	Errors        []string
	StageMapping  map[string]string
}

// WebhookURL is the address to paste into Whop's webhook settings for the
// workspace. The company-routed URL works too; this one needs no lookup.
func (s *Service) WebhookURL(workspaceID string) string {
	return strings.TrimRight(s.cfg.BaseURL, "/") + "/webhooks/whop/" + workspaceID
}

// Status reports the workspace's connection; it never returns secrets.
func (s *Service) Status(ctx context.Context, workspaceID string) (*Status, error) {
	st := &Status{WebhookURL: s.WebhookURL(workspaceID), Errors: []string{}}
	conn, err := s.store.WhopConnectionGet(ctx, nil, workspaceID)
	if errors.Is(err, crm.ErrNotFound) {
		return st, nil
	}
	if err != nil {
		return nil, err
	}
	st.Connected, st.Method, st.CompanyID, st.Handle = true, conn.Method, conn.CompanyID, conn.Handle
	st.LastSyncAt, st.LastSyncStatus, st.NeedsReauth = conn.LastSyncAt, conn.LastSyncStatus, conn.NeedsReauth
	st.StageMapping = mergedMapping(conn.StageMapping)
	st.WebhookID, st.WebhookSource, st.WebhookError = conn.WebhookID, conn.WebhookSource, conn.WebhookError
	active, err := s.store.WhopSyncRunActive(ctx, nil, workspaceID)
	if err != nil {
		return nil, err
	}
	st.SyncInProgress = active != nil
	if last, err := s.store.WhopSyncRunLatest(ctx, workspaceID); err == nil && last != nil && last.Status == store.SyncFailed {
		st.Errors = append(st.Errors, last.Errors...)
	}
	if conn.NeedsReauth {
		st.Errors = append(st.Errors, "Whop no longer accepts the stored credential: reconnect the workspace")
	}
	if conn.WebhookSecretSealed == "" && s.cfg.WebhookSecret == "" {
		st.Errors = append(st.Errors, "no webhook secret: webhooks from Whop will be rejected until Roster re-creates the webhook or an admin pastes its secret")
	}
	return st, nil
}

func mergedMapping(custom map[string]string) map[string]string {
	out := make(map[string]string, len(DefaultStageMapping))
	for k, v := range DefaultStageMapping {
		out[k] = v
	}
	for k, v := range custom {
		out[k] = v
	}
	return out
}

// ConnectAPIKeyParams connect a workspace with a company API key.
type ConnectAPIKeyParams struct {
	APIKey        string
	CompanyID     string
	WebhookSecret string
}

// ConnectAPIKey checks the key against Whop (one small list call), seals it
// and the webhook secret, stores the connection and queues a first sync.
// Admins only.
func (s *Service) ConnectAPIKey(ctx context.Context, p *auth.Principal, in ConnectAPIKeyParams) (*Status, error) {
	if err := auth.RequireAdmin(p); err != nil {
		return nil, err
	}
	in.APIKey, in.CompanyID, in.WebhookSecret = strings.TrimSpace(in.APIKey), strings.TrimSpace(in.CompanyID), strings.TrimSpace(in.WebhookSecret)
	switch {
	case in.APIKey == "":
		return nil, crm.Invalid("apiKey", crm.CodeRequired, "a Whop company API key is required")
	case !strings.HasPrefix(in.CompanyID, "biz_"):
		return nil, crm.Invalid("companyId", crm.CodeInvalidValue, "a Whop company ID starts with biz_")
	case in.WebhookSecret != "" && len(in.WebhookSecret) < 16:
		return nil, crm.Invalid("webhookSecret", crm.CodeInvalidValue, "the webhook secret looks truncated: copy the whole ws_... value from Whop")
	}
	client, err := s.newClient(whop.StaticToken(in.APIKey), in.CompanyID)
	if err != nil {
		return nil, err
	}
	if _, err := client.ListProducts(ctx, whop.ListProductsParams{First: 1}); err != nil {
		return nil, connectError("apiKey", err)
	}
	now := s.now()
	conn := &store.WhopConnection{WorkspaceID: p.WorkspaceID, Method: MethodAPIKey, CompanyID: in.CompanyID, CreatedAt: now, UpdatedAt: now}
	if conn.AccessTokenSealed, err = s.seal("access_token", p.WorkspaceID, in.APIKey); err != nil {
		return nil, err
	}
	if in.WebhookSecret != "" {
		// The admin made the webhook in Whop's dashboard: making another
		// would deliver every event twice.
		if conn.WebhookSecretSealed, err = s.seal("webhook_secret", p.WorkspaceID, in.WebhookSecret); err != nil {
			return nil, err
		}
		conn.WebhookSource = WebhookPasted
	} else {
		s.attachWebhook(ctx, client, conn)
	}
	if err := s.saveConnection(ctx, p, conn); err != nil {
		return nil, err
	}
	return s.Status(ctx, p.WorkspaceID)
}

// attachWebhook registers the workspace's webhook for a connection being
// made (see registerWebhook). A refusal does not stop the connection: it is
// shown on the settings page, which offers to retry or to paste a secret.
func (s *Service) attachWebhook(ctx context.Context, client *whop.Client, conn *store.WhopConnection) {
	old, err := s.store.WhopConnectionGet(ctx, nil, conn.WorkspaceID)
	if err != nil || old.CompanyID != conn.CompanyID {
		old = nil // another company's webhook and secret are no use here
	}
	if err := s.registerWebhook(ctx, client, conn, old); err != nil {
		s.log.Warn("whop: register the webhook on connect", "workspace_id", conn.WorkspaceID, "error", err)
	}
}

// saveConnection stores a new connection (keeping the stage mapping of an
// earlier one), audits it and queues the first sync, in one transaction.
func (s *Service) saveConnection(ctx context.Context, p *auth.Principal, conn *store.WhopConnection) error {
	s.clients.Delete(conn.WorkspaceID)
	return s.store.InTx(ctx, func(tx *sql.Tx) error {
		old, err := s.store.WhopConnectionGet(ctx, tx, conn.WorkspaceID)
		if err != nil && !errors.Is(err, crm.ErrNotFound) {
			return err // on PostgreSQL the transaction is aborted: go no further
		}
		if old != nil {
			conn.StageMapping, conn.PaymentsWatermark, conn.LastSyncAt, conn.LastSyncStatus, conn.CreatedAt =
				old.StageMapping, old.PaymentsWatermark, old.LastSyncAt, old.LastSyncStatus, old.CreatedAt
			if conn.WebhookSecretSealed == "" && old.CompanyID == conn.CompanyID {
				conn.WebhookSecretSealed, conn.WebhookID, conn.WebhookSource = old.WebhookSecretSealed, old.WebhookID, old.WebhookSource
			}
			if old.CompanyID != conn.CompanyID {
				conn.PaymentsWatermark = nil // another company: sync it from the start
			}
		}
		if err := s.store.WhopConnectionSave(ctx, tx, conn); err != nil {
			return err
		}
		if err := s.auditConnection(ctx, tx, p, audit.WhopConnected, conn); err != nil {
			return err
		}
		_, err = s.queueRun(ctx, tx, conn.WorkspaceID, RunFull)
		return err
	})
}

// auditConnection records a connect or disconnect in tx, naming the Whop
// company as its target.
func (s *Service) auditConnection(ctx context.Context, tx *sql.Tx, p *auth.Principal, action audit.Action, conn *store.WhopConnection) error {
	label := conn.CompanyID
	if conn.Handle != "" {
		label = conn.Handle + " (" + conn.CompanyID + ")"
	}
	return s.auditLog.RecordTx(ctx, tx, p.WorkspaceID, audit.Entry{Action: action, Actor: p.AuditActor(),
		Target:  audit.Target{Type: audit.TargetWhopCompany, ID: conn.CompanyID, Label: label},
		Details: map[string]any{"method": conn.Method, "companyId": conn.CompanyID}})
}

// connectError explains why Whop refused a credential, without echoing it.
func connectError(field string, err error) error {
	switch {
	case errors.Is(err, whop.ErrReauthRequired):
		return crm.Invalid(field, crm.CodeInvalidValue, "Whop rejected the credential (401): check it is a company API key of this company and environment (sandbox keys do not work against production)")
	case errors.Is(err, whop.ErrForbidden):
		return crm.Invalid(field, crm.CodeInvalidValue, "the credential lacks permissions Roster needs (403): %s", err)
	case errors.Is(err, whop.ErrBadRequest):
		return crm.Invalid("companyId", crm.CodeInvalidValue, "Whop refused the request: %s", err)
	}
	return fmt.Errorf("whopsync: reach Whop: %w", err)
}

// SetStageMapping changes how membership statuses map to stages for the
// workspace; only the statuses given change, and the audit log records the
// ones that did (a settings change). Admins only.
func (s *Service) SetStageMapping(ctx context.Context, p *auth.Principal, m map[string]string) (*Status, error) {
	if err := auth.RequireAdmin(p); err != nil {
		return nil, err
	}
	if err := ValidateStageMapping(m); err != nil {
		return nil, err
	}
	err := s.store.InTx(ctx, func(tx *sql.Tx) error {
		conn, err := s.store.WhopConnectionGet(ctx, tx, p.WorkspaceID)
		if err != nil {
			return err
		}
		if conn.StageMapping == nil {
			conn.StageMapping = map[string]string{}
		}
		changes := map[string]any{}
		for k, v := range m {
			if from := stageFor(conn.StageMapping, k); from != v {
				changes[k] = map[string]any{"from": from, "to": v}
			}
			conn.StageMapping[k] = v
		}
		conn.UpdatedAt = s.now()
		if err := s.store.WhopConnectionSave(ctx, tx, conn); err != nil || len(changes) == 0 {
			return err
		}
		return s.auditLog.RecordTx(ctx, tx, p.WorkspaceID, audit.Entry{Action: audit.WorkspaceSettingsChanged, Actor: p.AuditActor(),
			Target:  audit.Target{Type: audit.TargetWhopCompany, ID: conn.CompanyID, Label: conn.CompanyID},
			Details: map[string]any{"setting": "whop.stageMapping", "changes": changes}})
	})
	if err != nil {
		return nil, err
	}
	return s.Status(ctx, p.WorkspaceID)
}

// Disconnect revokes OAuth tokens at Whop (best effort), deletes the stored
// credentials and secrets, and stops syncing. Synced records stay. Admins
// only. It reports whether there was a connection.
func (s *Service) Disconnect(ctx context.Context, p *auth.Principal) (bool, error) {
	if err := auth.RequireAdmin(p); err != nil {
		return false, err
	}
	conn, err := s.store.WhopConnectionGet(ctx, nil, p.WorkspaceID)
	if errors.Is(err, crm.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	s.deleteWebhook(ctx, conn) // before the tokens are revoked
	if conn.Method == MethodOAuth {
		for _, col := range []string{"refresh_token", "access_token"} {
			sealed := conn.RefreshTokenSealed
			if col == "access_token" {
				sealed = conn.AccessTokenSealed
			}
			if tok, err := s.open(col, conn.WorkspaceID, sealed); err == nil && tok != "" {
				if err := s.oauth().Revoke(ctx, tok); err != nil {
					s.log.Warn("whop: revoke on disconnect failed; the token is deleted anyway", "workspace_id", conn.WorkspaceID, "error", err)
				}
			}
		}
	}
	s.clients.Delete(p.WorkspaceID)
	err = s.store.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.store.WhopConnectionDelete(ctx, tx, p.WorkspaceID); err != nil {
			return err
		}
		if run, err := s.store.WhopSyncRunActive(ctx, tx, p.WorkspaceID); err != nil {
			return err
		} else if run != nil {
			now := s.now()
			run.Status, run.FinishedAt, run.UpdatedAt = store.SyncFailed, &now, now
			run.Errors = append(run.Errors, "stopped: the workspace was disconnected from Whop")
			if err := s.store.WhopSyncRunSave(ctx, tx, run); err != nil {
				return err
			}
		}
		return s.auditConnection(ctx, tx, p, audit.WhopDisconnected, conn)
	})
	return err == nil, err
}

// newClient builds an API client for a credential.
func (s *Service) newClient(tok whop.TokenSource, companyID string) (*whop.Client, error) {
	return whop.NewClient(whop.ClientConfig{
		BaseURL: s.cfg.APIBaseURL, APIVersionDate: s.cfg.APIVersionDate, HTTPClient: s.cfg.HTTPClient,
		Token: tok, CompanyID: companyID, RatePerMinute: s.cfg.RatePerMinute, Metrics: s.cfg.Metrics, Logger: s.log,
		BaseBackoff: s.cfg.BaseBackoff, MaxBackoff: s.cfg.MaxBackoff,
	})
}

// clientFor returns the workspace's API client, reusing it (and so its rate
// limiter) across jobs. OAuth tokens refresh through it, and every rotated
// pair is sealed and stored before it is used.
func (s *Service) clientFor(ctx context.Context, conn *store.WhopConnection) (*whop.Client, error) {
	key := conn.WorkspaceID + "|" + conn.AccessTokenSealed
	if c, ok := s.clients.Load(conn.WorkspaceID); ok && c.(cachedClient).key == key {
		return c.(cachedClient).client, nil
	}
	access, err := s.open("access_token", conn.WorkspaceID, conn.AccessTokenSealed)
	if err != nil {
		return nil, err
	}
	var tok whop.TokenSource = whop.StaticToken(access)
	if conn.Method == MethodOAuth {
		refresh, err := s.open("refresh_token", conn.WorkspaceID, conn.RefreshTokenSealed)
		if err != nil {
			return nil, err
		}
		cur := whop.OAuthToken{AccessToken: access, RefreshToken: refresh}
		if conn.TokenExpiresAt != nil {
			cur.Expiry = *conn.TokenExpiresAt
		}
		ws := conn.WorkspaceID
		tok = whop.NewOAuthTokenSource(s.oauth(), cur, func(ctx context.Context, t whop.OAuthToken) error {
			return s.storeRotatedTokens(ctx, ws, t)
		}, s.cfg.Now)
	}
	c, err := s.newClient(tok, conn.CompanyID)
	if err != nil {
		return nil, err
	}
	s.clients.Store(conn.WorkspaceID, cachedClient{key: key, client: c})
	return c, nil
}

type cachedClient struct {
	key    string
	client *whop.Client
}

// storeRotatedTokens seals and saves a refreshed token pair in one write:
// Whop invalidates the old refresh token as soon as it is used, so losing the
// new one would lose the grant.
func (s *Service) storeRotatedTokens(ctx context.Context, workspaceID string, t whop.OAuthToken) error {
	return s.store.InTx(ctx, func(tx *sql.Tx) error {
		conn, err := s.store.WhopConnectionGet(ctx, tx, workspaceID)
		if err != nil {
			return err
		}
		if conn.AccessTokenSealed, err = s.seal("access_token", workspaceID, t.AccessToken); err != nil {
			return err
		}
		if conn.RefreshTokenSealed, err = s.seal("refresh_token", workspaceID, t.RefreshToken); err != nil {
			return err
		}
		exp := t.Expiry
		conn.TokenExpiresAt, conn.NeedsReauth, conn.UpdatedAt = &exp, false, s.now()
		if err := s.store.WhopConnectionSave(ctx, tx, conn); err != nil {
			return err
		}
		// The cached client already holds the new pair; keep it keyed to it.
		if c, ok := s.clients.Load(workspaceID); ok {
			s.clients.Store(workspaceID, cachedClient{key: workspaceID + "|" + conn.AccessTokenSealed, client: c.(cachedClient).client})
		}
		return nil
	})
}

// markNeedsReauth flags the connection after Whop refused its credential.
func (s *Service) markNeedsReauth(ctx context.Context, workspaceID string) {
	s.clients.Delete(workspaceID)
	err := s.store.InTx(ctx, func(tx *sql.Tx) error {
		conn, err := s.store.WhopConnectionGet(ctx, tx, workspaceID)
		if err != nil {
			return err
		}
		conn.NeedsReauth, conn.UpdatedAt = true, s.now()
		return s.store.WhopConnectionSave(ctx, tx, conn)
	})
	if err != nil {
		s.log.Error("whop: flag connection for re-authorisation", "workspace_id", workspaceID, "error", err)
	}
}

// RotateSecrets re-seals every stored Whop credential and webhook secret
// under the current encryption key (run after adding a new key and moving
// the old one to ROSTER_ENCRYPTION_OLD_KEYS). It returns how many values
// changed. Pending OAuth authorizations are dropped: they live minutes.
func (s *Service) RotateSecrets(ctx context.Context) (int, error) {
	conns, err := s.store.WhopConnectionList(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range conns {
		err := s.store.InTx(ctx, func(tx *sql.Tx) error {
			conn, err := s.store.WhopConnectionGet(ctx, tx, c.WorkspaceID)
			if err != nil {
				return err
			}
			for col, v := range map[string]*string{"access_token": &conn.AccessTokenSealed, "refresh_token": &conn.RefreshTokenSealed, "webhook_secret": &conn.WebhookSecretSealed} {
				if *v == "" {
					continue
				}
				rotated, err := s.cfg.Sealer.Rotate(*v, ad(col, conn.WorkspaceID))
				if err != nil {
					return fmt.Errorf("whopsync: rotate %s of workspace %s: %w", col, conn.WorkspaceID, err)
				}
				if rotated != *v {
					*v = rotated
					n++
				}
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM whop_oauth_states WHERE workspace_id = $1", conn.WorkspaceID); err != nil {
				return err
			}
			return s.store.WhopConnectionSave(ctx, tx, conn)
		})
		if err != nil {
			return n, err
		}
		s.clients.Delete(c.WorkspaceID)
	}
	return n, nil
}
