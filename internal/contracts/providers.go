package contracts

import (
	"github.com/roster-crm/roster/internal/config"
)

// ProvidersFromConfig builds the third-party adapter the server is
// configured for (ESIGN_PROVIDER and its ESIGN_* credentials); none for the
// built-in provider.
func ProvidersFromConfig(es config.ESign) (map[string]Provider, error) {
	out := map[string]Provider{}
	switch es.Provider {
	case ProviderDropboxSign:
		out[ProviderDropboxSign] = &DropboxSign{BaseURL: es.BaseURL, APIKey: es.APIKey}
	case ProviderDocuSign:
		if _, err := parseRSAKey(es.RSAPrivateKey); err != nil {
			return nil, err
		}
		out[ProviderDocuSign] = &DocuSign{BaseURL: es.BaseURL, OAuthBaseURL: es.OAuthBaseURL, IntegrationKey: es.ClientID,
			UserID: es.UserID, AccountID: es.AccountID, PrivateKey: es.RSAPrivateKey, ConnectKey: es.WebhookSecret}
	}
	return out, nil
}
