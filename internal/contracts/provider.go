package contracts

import (
	"bytes"
	"context"
	"fmt"
)

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
	// Remind asks the provider to remind these pending signers.
	Remind(ctx context.Context, requestID string, emails []string) error
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

// pdfFrom checks that a provider's download is a PDF before it is stored
// as the signed contract.
func pdfFrom(provider string, b []byte, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		return nil, fmt.Errorf("%s: the signed document is not a PDF", provider)
	}
	return b, nil
}
