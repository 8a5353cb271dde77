package crm

import "strings"

// Relation is a filter key of one object whose conditions apply to the
// records of another object that point at it. A record matches when at
// least one live linked record matches every condition given together at
// one level of the filter: {status: {in: [active]}, productId: {eq: X}}
// selects the people with one active membership of X, not the people with
// an active membership and a membership of X (for that, put the two in
// separate "and" branches). Relation conditions filter; they cannot order.
type Relation struct {
	// Name is the filter key ("whopMembership").
	Name string
	// Label is the base name of its GraphQL filter input ("WhopMembership").
	Label string
	// Doc says what the key selects, for the API's schema documentation.
	Doc string
	// Object is the linked object; Link is its field that references the
	// filtered record.
	Object *Object
	Link   string
	// Present is a field of Object that must be set for a linked record to
	// count ("whopMembershipId": synced memberships, not hand-made deals).
	Present string
	// Fields are the sub-keys, each naming a field of Object, in the order
	// the API documents them.
	Fields []RelationField
}

// RelationField is one sub-key of a Relation and the field it compares.
type RelationField struct {
	Name  string
	Field string
}

// WhopMembership is the people filter on Whop memberships: a person's
// memberships are the live opportunities carrying a whopMembershipId whose
// point of contact is the person. The web tables' membership filters, REST's
// whopMembership.status[in]:[...] and GraphQL's whopMembership: {...} all
// compile to it, so the three agree.
var WhopMembership = &Relation{
	Name: "whopMembership", Label: "WhopMembership",
	Doc:    "People with at least one live Whop membership (a synced opportunity whose point of contact they are) matching every condition given here together.",
	Object: OpportunityObject, Link: "pointOfContactId", Present: "whopMembershipId",
	Fields: []RelationField{
		{"id", "whopMembershipId"}, {"status", "whopMembershipStatus"}, {"productId", "whopProductId"},
		{"planId", "whopPlanId"}, {"renewalDate", "whopRenewalDate"}, {"cancelAtPeriodEnd", "whopCancelAtPeriodEnd"},
	},
}

// Relation returns the object's relation filter key name, or nil.
func (o *Object) Relation(name string) *Relation {
	for _, r := range o.Relations {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// LinkField is the field of Object that references the filtered record.
func (r *Relation) LinkField() *Field { return r.Object.byName[r.Link] }

// PresentField is the field of Object that must be set.
func (r *Relation) PresentField() *Field { return r.Object.byName[r.Present] }

// resolve finds the target of a sub-key ("status").
func (r *Relation) resolve(path, sub string) (Target, error) {
	if sub == "" {
		return Target{}, Invalid(path, CodeUnknownField, "%q filters on linked records: use one of its fields %s", r.Name, r.SubNames())
	}
	for _, f := range r.Fields {
		if f.Name == sub {
			return Target{Field: r.Object.byName[f.Field], Via: r}, nil
		}
	}
	return Target{}, Invalid(path, CodeUnknownField, "%s has no field %q (known: %s)", r.Name, sub, r.SubNames())
}

// FieldName is the field of Object a sub-key compares ("status" is
// "whopMembershipStatus"), or "" for an unknown sub-key. The opportunities
// table filters on those fields directly.
func (r *Relation) FieldName(sub string) string {
	for _, f := range r.Fields {
		if f.Name == sub {
			return f.Field
		}
	}
	return ""
}

// subName is the sub-key of one of Object's fields.
func (r *Relation) subName(field string) string {
	for _, f := range r.Fields {
		if f.Field == field {
			return f.Name
		}
	}
	return field
}

// SubNames lists the sub-keys, comma-separated, for messages and docs.
func (r *Relation) SubNames() string {
	names := make([]string, len(r.Fields))
	for i, f := range r.Fields {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}
