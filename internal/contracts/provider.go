package contracts

import "context"

// Provider is a third-party e-signature service (DocuSign, Dropbox Sign).
// The built-in flow is not a Provider: it is this package itself.
type Provider interface {
	// Name is the provider's name in contract.provider.
	Name() string
	// Send creates and sends the signature request for a contract whose
	// original PDF is pdf; signers sign in their Order.
	Send(ctx context.Context, req *SendRequest) (*SendResult, error)
	// Void cancels a request.
	Void(ctx context.Context, requestID, reason string) error
	// Remind asks the provider to remind the pending signers.
	Remind(ctx context.Context, requestID string) error
	// Download fetches the completed, provider-signed PDF.
	Download(ctx context.Context, requestID string) ([]byte, error)
}

// SendRequest is what a provider sends.
type SendRequest struct {
	Contract *Contract
	PDF      []byte
	Subject  string
	Message  string
	// CallbackURL is where the provider posts its events for this
	// workspace.
	CallbackURL string
}

// SendResult is the provider's identifiers for the request and for each
// signer, in the order of Contract.Signers.
type SendResult struct {
	RequestID string
	SignerIDs []string
}
