package contracts

import (
	"github.com/roster-crm/roster/internal/config"
)

// ProvidersFromConfig builds the third-party adapters the server is
// configured for (ESIGN_*): none for the built-in provider.
func ProvidersFromConfig(es config.ESign) (map[string]Provider, error) {
	out := map[string]Provider{}
	return out, nil
}
