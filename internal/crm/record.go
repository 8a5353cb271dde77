package crm

import "time"

// ObjectName is the singular API name of a record type ("person").
type ObjectName string

// The standard objects.
const (
	ObjectPerson      ObjectName = "person"
	ObjectCompany     ObjectName = "company"
	ObjectOpportunity ObjectName = "opportunity"
	ObjectNote        ObjectName = "note"
	ObjectTask        ObjectName = "task"
)

// Record is implemented by every record type through its embedded RecordMeta.
type Record interface {
	Meta() *RecordMeta
}

// Actor says who made a record or a change, as Twenty's createdBy does.
// Source is one of EMAIL CALENDAR WORKFLOW API IMPORT MANUAL SYSTEM.
type Actor struct {
	Source            string  `json:"source"`
	WorkspaceMemberID *string `json:"workspaceMemberId"`
	Name              string  `json:"name"`
	// ChainDepth is set on writes made by a workflow run: how many runs
	// led to this one (a run started by a person's change is depth 1). The
	// domain events of the write carry it, so the workflow engine can refuse
	// a run that would start a loop. It is not stored with the record.
	ChainDepth int `json:"-"`
}

// Actor sources.
const (
	SourceAPI      = "API"
	SourceManual   = "MANUAL"
	SourceImport   = "IMPORT"
	SourceSystem   = "SYSTEM"
	SourceWorkflow = "WORKFLOW"
)

// RecordMeta is what every record has: identity, timestamps, soft-delete
// marker, manual position, author, and custom field values keyed by field name.
type RecordMeta struct {
	ID           string         `json:"id"`
	WorkspaceID  string         `json:"-"`
	CreatedAt    time.Time      `json:"createdAt"`
	UpdatedAt    time.Time      `json:"updatedAt"`
	DeletedAt    *time.Time     `json:"deletedAt"`
	Position     float64        `json:"position"`
	CreatedBy    Actor          `json:"createdBy"`
	CustomFields map[string]any `json:"customFields"`
}

// Meta returns the record's common part; it makes every type embedding
// RecordMeta a Record.
func (m *RecordMeta) Meta() *RecordMeta { return m }

// FullName is Twenty's FULL_NAME composite.
type FullName struct {
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
}

// Emails is Twenty's EMAILS composite. Emails are stored lower-cased.
type Emails struct {
	PrimaryEmail     string   `json:"primaryEmail"`
	AdditionalEmails []string `json:"additionalEmails"`
}

// Phones is Twenty's PHONES composite; AdditionalPhones holds objects
// {number, countryCode, callingCode}.
type Phones struct {
	PrimaryPhoneNumber      string `json:"primaryPhoneNumber"`
	PrimaryPhoneCountryCode string `json:"primaryPhoneCountryCode"`
	PrimaryPhoneCallingCode string `json:"primaryPhoneCallingCode"`
	AdditionalPhones        []any  `json:"additionalPhones"`
}

// Links is Twenty's LINKS composite; SecondaryLinks holds objects {url, label}.
type Links struct {
	PrimaryLinkURL   string `json:"primaryLinkUrl"`
	PrimaryLinkLabel string `json:"primaryLinkLabel"`
	SecondaryLinks   []any  `json:"secondaryLinks"`
}

// Currency is Twenty's CURRENCY composite: the amount times 1,000,000 as an
// integer, so money never passes through floating point.
type Currency struct {
	AmountMicros *int64 `json:"amountMicros"`
	CurrencyCode string `json:"currencyCode"`
}

// Address is Twenty's ADDRESS composite.
type Address struct {
	AddressStreet1  string   `json:"addressStreet1"`
	AddressStreet2  string   `json:"addressStreet2"`
	AddressCity     string   `json:"addressCity"`
	AddressPostcode string   `json:"addressPostcode"`
	AddressState    string   `json:"addressState"`
	AddressCountry  string   `json:"addressCountry"`
	AddressLat      *float64 `json:"addressLat"`
	AddressLng      *float64 `json:"addressLng"`
}

// RichText is Twenty's RICH_TEXT_V2 composite (bodyV2).
type RichText struct {
	Markdown  string `json:"markdown"`
	Blocknote string `json:"blocknote"`
}
