package contracts

import (
	"github.com/roster-crm/roster/internal/store"
)

// The contract's objects are the store's rows: the service owns every rule
// about them, the surfaces read them through these names.
type (
	// Template is one version of a contract template.
	Template = store.ContractTemplate
	// SignerRole is a template's role and its signing order.
	SignerRole = store.ContractSignerRole
	// Field is what a signer of a role fills in.
	Field = store.ContractField
	// Contract is a document out for (or done with) signature.
	Contract = store.Contract
	// Signer is one signer of a contract.
	Signer = store.ContractSigner
	// Event is one entry of a contract's audit trail.
	Event = store.ContractEvent
	// Attachment is a stored file.
	Attachment = store.Attachment
)

// Contract statuses.
const (
	StatusDraft           = "DRAFT"
	StatusSent            = "SENT"
	StatusViewed          = "VIEWED"
	StatusPartiallySigned = "PARTIALLY_SIGNED"
	StatusSigned          = "SIGNED"
	StatusDeclined        = "DECLINED"
	StatusExpired         = "EXPIRED"
	StatusVoided          = "VOIDED"
)

// Statuses lists the contract statuses in their natural order.
var Statuses = []string{StatusDraft, StatusSent, StatusViewed, StatusPartiallySigned, StatusSigned, StatusDeclined, StatusExpired, StatusVoided}

// Signer statuses.
const (
	SignerPending  = "PENDING"
	SignerSent     = "SENT"
	SignerViewed   = "VIEWED"
	SignerSigned   = "SIGNED"
	SignerDeclined = "DECLINED"
)

// Field types.
const (
	FieldSignature  = "SIGNATURE"
	FieldInitials   = "INITIALS"
	FieldDateSigned = "DATE_SIGNED"
	FieldText       = "TEXT"
	FieldCheckbox   = "CHECKBOX"
)

// FieldTypes lists the field types a template may use.
var FieldTypes = []string{FieldSignature, FieldInitials, FieldDateSigned, FieldText, FieldCheckbox}

// Providers.
const (
	ProviderBuiltin     = "builtin"
	ProviderDocuSign    = "docusign"
	ProviderDropboxSign = "dropboxsign"
)

// Providers lists the providers a contract may be sent with.
var Providers = []string{ProviderBuiltin, ProviderDocuSign, ProviderDropboxSign}

// Audit trail event types.
const (
	EventCreated        = "created"
	EventSent           = "sent"
	EventInvited        = "invited"
	EventViewed         = "viewed"
	EventConsented      = "consent_accepted"
	EventSigned         = "signed"
	EventDeclined       = "declined"
	EventCompleted      = "completed"
	EventSealed         = "sealed"
	EventExpired        = "expired"
	EventVoided         = "voided"
	EventReminded       = "reminder_sent"
	EventDownloaded     = "downloaded"
	EventStageMoved     = "opportunity_moved"
	EventProviderUpdate = "provider_event"
)

// open reports whether a contract is still out for signature.
func open(status string) bool {
	return status == StatusSent || status == StatusViewed || status == StatusPartiallySigned
}
