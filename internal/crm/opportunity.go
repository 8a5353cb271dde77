package crm

import "time"

// Default opportunity stages: Twenty's, plus CHURNED for memberships that end.
var DefaultStages = []string{"NEW", "SCREENING", "MEETING", "PROPOSAL", "CUSTOMER", "CHURNED"}

// Opportunity is a deal; a Whop membership is synced as one.
type Opportunity struct {
	RecordMeta
	Name                  string     `json:"name"`
	Amount                Currency   `json:"amount"`
	CloseDate             *time.Time `json:"closeDate"`
	Stage                 string     `json:"stage"`
	PointOfContactID      *string    `json:"pointOfContactId"`
	CompanyID             *string    `json:"companyId"`
	WhopMembershipID      *string    `json:"whopMembershipId"`
	WhopMembershipStatus  string     `json:"whopMembershipStatus"`
	WhopProductID         string     `json:"whopProductId"`
	WhopPlanID            string     `json:"whopPlanId"`
	WhopRenewalDate       *time.Time `json:"whopRenewalDate"`
	WhopCancelAtPeriodEnd bool       `json:"whopCancelAtPeriodEnd"`
	WhopManageURL         string     `json:"whopManageUrl"`
}

// OpportunityObject describes opportunities.
var OpportunityObject = newObject(&Object{
	Name: ObjectOpportunity, Plural: "opportunities", Label: "Opportunity", Table: "opportunities", Custom: true,
	New:        func() Record { return &Opportunity{Stage: "NEW"} },
	Searchable: []string{"name", "whopMembershipId"},
	Fields: []*Field{
		field("name", "name", KindText, func(o *Opportunity) any { return &o.Name }),
		field("amount.amountMicros", "amount_amount_micros", KindInt, func(o *Opportunity) any { return &o.Amount.AmountMicros }).nullable(),
		field("amount.currencyCode", "amount_currency_code", KindText, func(o *Opportunity) any { return &o.Amount.CurrencyCode }).currency(),
		field("closeDate", "close_date", KindDateTime, func(o *Opportunity) any { return &o.CloseDate }).nullable(),
		field("stage", "stage", KindEnum, func(o *Opportunity) any { return &o.Stage }).options(DefaultStages...),
		field("pointOfContactId", "point_of_contact_id", KindUUID, func(o *Opportunity) any { return &o.PointOfContactID }).ref(ObjectPerson),
		field("companyId", "company_id", KindUUID, func(o *Opportunity) any { return &o.CompanyID }).ref(ObjectCompany),
		field("whopMembershipId", "whop_membership_id", KindNullText, func(o *Opportunity) any { return &o.WhopMembershipID }).nullable(),
		field("whopMembershipStatus", "whop_membership_status", KindText, func(o *Opportunity) any { return &o.WhopMembershipStatus }),
		field("whopProductId", "whop_product_id", KindText, func(o *Opportunity) any { return &o.WhopProductID }),
		field("whopPlanId", "whop_plan_id", KindText, func(o *Opportunity) any { return &o.WhopPlanID }),
		field("whopRenewalDate", "whop_renewal_date", KindDateTime, func(o *Opportunity) any { return &o.WhopRenewalDate }).nullable(),
		field("whopCancelAtPeriodEnd", "whop_cancel_at_period_end", KindBool, func(o *Opportunity) any { return &o.WhopCancelAtPeriodEnd }),
		field("whopManageUrl", "whop_manage_url", KindText, func(o *Opportunity) any { return &o.WhopManageURL }),
	},
})
