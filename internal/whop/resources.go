package whop

import (
	"bytes"
	"encoding/json"

	"github.com/roster-crm/roster/internal/whopstatus"
)

// The types below are the 2025-01-01 response model (the one the client pins
// with Api-Version-Date). Unknown fields are ignored so additions on Whop's
// side never break decoding; JSON null decodes to the zero value. Money is a
// float64 in major units beside a lowercase currency: convert with
// AmountMicros before storing.

// Membership statuses, as Whop documents them; package whopstatus owns the
// list and what each status means to Roster.
const (
	MembershipTrialing   = whopstatus.Trialing
	MembershipActive     = whopstatus.Active
	MembershipPastDue    = whopstatus.PastDue
	MembershipCompleted  = whopstatus.Completed
	MembershipCanceled   = whopstatus.Canceled
	MembershipExpired    = whopstatus.Expired
	MembershipUnresolved = whopstatus.Unresolved
	MembershipDrafted    = whopstatus.Drafted
	MembershipCanceling  = whopstatus.Canceling
)

// Membership is a user's access to a product through a plan: what Roster maps
// to an Opportunity.
type Membership struct {
	ID                      string         `json:"id"`
	Status                  string         `json:"status"`
	CreatedAt               Time           `json:"created_at"`
	UpdatedAt               Time           `json:"updated_at"`
	JoinedAt                Time           `json:"joined_at"`
	CancelAtPeriodEnd       bool           `json:"cancel_at_period_end"`
	CancelOption            string         `json:"cancel_option"`
	CancellationReason      string         `json:"cancellation_reason"`
	CanceledAt              Time           `json:"canceled_at"`
	Company                 CompanyRef     `json:"company"`
	Currency                string         `json:"currency"`
	LicenseKey              string         `json:"license_key"`
	ManageURL               string         `json:"manage_url"`
	Member                  MemberRef      `json:"member"`
	Metadata                map[string]any `json:"metadata"`
	PaymentCollectionPaused bool           `json:"payment_collection_paused"`
	Plan                    PlanRef        `json:"plan"`
	Product                 ProductRef     `json:"product"`
	PromoCode               PromoCodeRef   `json:"promo_code"`
	RenewalPeriodStart      Time           `json:"renewal_period_start"`
	RenewalPeriodEnd        Time           `json:"renewal_period_end"`
	User                    UserRef        `json:"user"`
}

// Member links a user to the company: GET /members.
type Member struct {
	ID                 string  `json:"id"`
	AccessLevel        string  `json:"access_level"`
	CreatedAt          Time    `json:"created_at"`
	JoinedAt           Time    `json:"joined_at"`
	MostRecentAction   string  `json:"most_recent_action"`
	MostRecentActionAt Time    `json:"most_recent_action_at"`
	Phone              string  `json:"phone"`
	Status             string  `json:"status"` // drafted, joined, left
	UpdatedAt          Time    `json:"updated_at"`
	USDTotalSpent      float64 `json:"usd_total_spent"`
	User               UserRef `json:"user"`
}

// User is a Whop account: GET /users/{id}. It carries no email; emails come
// on the nested user of memberships, members and payments, and only when the
// credential has member:email:read.
type User struct {
	ID             string `json:"id"`
	Username       string `json:"username"`
	Name           string `json:"name"`
	Bio            string `json:"bio"`
	CreatedAt      Time   `json:"created_at"`
	ProfilePicture Image  `json:"profile_picture"`
}

// Product is something a company sells (formerly "access pass").
type Product struct {
	ID          string         `json:"id"`
	Title       string         `json:"title"`
	Headline    string         `json:"headline"`
	Description string         `json:"description"`
	Route       string         `json:"route"`
	Visibility  string         `json:"visibility"`
	CreatedAt   Time           `json:"created_at"`
	UpdatedAt   Time           `json:"updated_at"`
	MemberCount int            `json:"member_count"`
	Metadata    map[string]any `json:"metadata"`
}

// Plan is a price for a product. BillingPeriod is in days (30 monthly, 365
// yearly) and nil for one-time plans.
type Plan struct {
	ID              string     `json:"id"`
	Title           string     `json:"title"`
	PlanType        string     `json:"plan_type"` // renewal, one_time
	Currency        string     `json:"currency"`
	InitialPrice    float64    `json:"initial_price"`
	RenewalPrice    float64    `json:"renewal_price"`
	BillingPeriod   *int       `json:"billing_period"`
	TrialPeriodDays *int       `json:"trial_period_days"`
	Product         ProductRef `json:"product"`
	Visibility      string     `json:"visibility"`
	CreatedAt       Time       `json:"created_at"`
	UpdatedAt       Time       `json:"updated_at"`
}

// Payment is one charge (Whop also calls it a receipt). Status is the
// lifecycle (draft, open, paid, pending, uncollectible, unresolved, void);
// Substatus is the friendly outcome (succeeded, failed, refunded,
// partially_refunded, ...). RefundedAmount and RefundedAt are set once a refund
// happens.
type Payment struct {
	ID             string        `json:"id"`
	Status         string        `json:"status"`
	Substatus      string        `json:"substatus"`
	BillingReason  string        `json:"billing_reason"`
	CreatedAt      Time          `json:"created_at"`
	UpdatedAt      Time          `json:"updated_at"`
	PaidAt         Time          `json:"paid_at"`
	RefundedAt     Time          `json:"refunded_at"`
	Currency       string        `json:"currency"`
	Subtotal       float64       `json:"subtotal"`
	Total          float64       `json:"total"`
	USDTotal       float64       `json:"usd_total"`
	RefundedAmount float64       `json:"refunded_amount"`
	FailureMessage string        `json:"failure_message"`
	Membership     MembershipRef `json:"membership"`
	Member         MemberRef     `json:"member"`
	User           UserRef       `json:"user"`
	Product        ProductRef    `json:"product"`
	Plan           PlanRef       `json:"plan"`
	Company        CompanyRef    `json:"company"`
}

// Refund is the data of refund.created / refund.updated webhooks. Its exact
// shape is not in the reference (UNCONFIRMED); the fields here are the ones
// Roster reads, and Payment tolerates a bare ID or an object.
type Refund struct {
	ID        string     `json:"id"`
	Status    string     `json:"status"`
	Amount    float64    `json:"amount"`
	Currency  string     `json:"currency"`
	Reason    string     `json:"reason"`
	CreatedAt Time       `json:"created_at"`
	UpdatedAt Time       `json:"updated_at"`
	Payment   PaymentRef `json:"payment"`
}

// Nested references. Each also decodes from a bare ID string, which is how
// legacy v2/v5 webhook payloads send them ("product":"prod_...").

// CompanyRef is a membership's or payment's company.
type CompanyRef struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Route string `json:"route"`
}

// MemberRef points at a Member.
type MemberRef struct {
	ID    string `json:"id"`
	Phone string `json:"phone"`
}

// PlanRef points at a Plan.
type PlanRef struct {
	ID       string         `json:"id"`
	Title    string         `json:"title"`
	Metadata map[string]any `json:"metadata"`
}

// ProductRef points at a Product.
type ProductRef struct {
	ID       string         `json:"id"`
	Title    string         `json:"title"`
	Route    string         `json:"route"`
	Metadata map[string]any `json:"metadata"`
}

// UserRef is the user nested in memberships, members and payments. Email is
// empty unless the credential has member:email:read.
type UserRef struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	Name     string `json:"name"`
	Email    string `json:"email"`
}

// MembershipRef is the membership nested in a payment.
type MembershipRef struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

// PaymentRef is the payment nested in a refund.
type PaymentRef struct {
	ID string `json:"id"`
}

// PromoCodeRef is a promo code applied to a membership.
type PromoCodeRef struct {
	ID   string `json:"id"`
	Code string `json:"code"`
}

// Image is a picture; Whop sends an object with a url (or, in older payloads,
// the URL string itself).
type Image struct {
	URL string `json:"url"`
}

// decodeRef decodes b into v, or, when b is a JSON string, calls setID with it.
func decodeRef(b []byte, v any, setID func(string)) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		setID(s)
		return nil
	}
	return json.Unmarshal(b, v)
}

// UnmarshalJSON accepts an object or a bare ID.
func (r *CompanyRef) UnmarshalJSON(b []byte) error {
	type plain CompanyRef
	return decodeRef(b, (*plain)(r), func(s string) { r.ID = s })
}

// UnmarshalJSON accepts an object or a bare ID.
func (r *MemberRef) UnmarshalJSON(b []byte) error {
	type plain MemberRef
	return decodeRef(b, (*plain)(r), func(s string) { r.ID = s })
}

// UnmarshalJSON accepts an object or a bare ID.
func (r *PlanRef) UnmarshalJSON(b []byte) error {
	type plain PlanRef
	return decodeRef(b, (*plain)(r), func(s string) { r.ID = s })
}

// UnmarshalJSON accepts an object or a bare ID.
func (r *ProductRef) UnmarshalJSON(b []byte) error {
	type plain ProductRef
	return decodeRef(b, (*plain)(r), func(s string) { r.ID = s })
}

// UnmarshalJSON accepts an object or a bare ID.
func (r *UserRef) UnmarshalJSON(b []byte) error {
	type plain UserRef
	return decodeRef(b, (*plain)(r), func(s string) { r.ID = s })
}

// UnmarshalJSON accepts an object or a bare ID.
func (r *MembershipRef) UnmarshalJSON(b []byte) error {
	type plain MembershipRef
	return decodeRef(b, (*plain)(r), func(s string) { r.ID = s })
}

// UnmarshalJSON accepts an object or a bare ID.
func (r *PaymentRef) UnmarshalJSON(b []byte) error {
	type plain PaymentRef
	return decodeRef(b, (*plain)(r), func(s string) { r.ID = s })
}

// UnmarshalJSON accepts an object or the code string.
func (r *PromoCodeRef) UnmarshalJSON(b []byte) error {
	type plain PromoCodeRef
	return decodeRef(b, (*plain)(r), func(s string) { r.Code = s })
}

// UnmarshalJSON accepts an object or the URL string.
func (r *Image) UnmarshalJSON(b []byte) error {
	type plain Image
	return decodeRef(b, (*plain)(r), func(s string) { r.URL = s })
}
