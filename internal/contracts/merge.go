package contracts

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// mergeField matches {{ path }} in a template body.
var mergeField = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_.]+)\s*\}\}`)

// mergeRoots are what a merge field may start with.
var mergeRoots = []string{"person", "company", "opportunity", "today"}

// checkMergeFields refuses a body whose merge fields name something a
// contract cannot be merged with, naming the first.
func checkMergeFields(body string) error {
	for _, m := range mergeField.FindAllStringSubmatch(body, -1) {
		root, _, _ := strings.Cut(m[1], ".")
		ok := false
		for _, r := range mergeRoots {
			if root == r && (r != "today" || m[1] == "today") {
				ok = true
			}
		}
		if !ok {
			return crm.Invalid("body", crm.CodeInvalidValue, "merge field {{%s}} must start with person., company. or opportunity., or be {{today}}", m[1])
		}
	}
	return nil
}

// MergeFields lists the merge fields a template can use, for the editor's
// picker: every field of people, companies and opportunities (custom
// fields included), and today.
func (s *Service) MergeFields(ctx context.Context, workspaceID string) ([]string, error) {
	out := []string{"today"}
	for _, o := range []*crm.Object{crm.PersonObject, crm.CompanyObject, crm.OpportunityObject} {
		schema, err := s.cfg.Records.Schema(ctx, workspaceID, o)
		if err != nil {
			return nil, err
		}
		seen := map[string]bool{}
		for _, f := range o.Fields {
			if f.Hidden || strings.HasPrefix(f.Name, "whop") {
				continue
			}
			name := f.Name
			if g := f.Group(); g != "" && (g == "amount" || g == "name" || g == "annualRecurringRevenue") {
				name = g // shown formatted as one value
			}
			if !seen[name] {
				seen[name] = true
				out = append(out, string(o.Name)+"."+name)
			}
		}
		names := make([]string, 0, len(schema.Custom))
		for n := range schema.Custom {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			out = append(out, string(o.Name)+"."+n)
		}
	}
	return out, nil
}

// RecordIDs are the records a contract is merged with and linked to.
type RecordIDs struct {
	PersonID      *string
	CompanyID     *string
	OpportunityID *string
}

// mergeData reads the records and returns them in the REST shape by object
// name. An opportunity brings its point of contact and company when they
// were not given, and a person their company.
func (s *Service) mergeData(ctx context.Context, workspaceID string, ids *RecordIDs) (map[string]any, error) {
	data := map[string]any{}
	load := func(o *crm.Object, id *string, field string) (map[string]any, error) {
		if id == nil || *id == "" {
			return nil, nil
		}
		r, err := s.cfg.Records.Get(ctx, workspaceID, o, *id)
		if err != nil {
			if e, ok := crm.AsError(err); ok && e.Cause == crm.ErrNotFound {
				return nil, crm.Invalid(field, crm.CodeNotFound, "%s %q not found", o.Name, *id)
			}
			return nil, err
		}
		schema, err := s.cfg.Records.Schema(ctx, workspaceID, o)
		if err != nil {
			return nil, err
		}
		b, err := json.Marshal(crm.RecordJSON(schema, r))
		if err != nil {
			return nil, err
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, err
		}
		data[string(o.Name)] = m
		return m, nil
	}
	opp, err := load(crm.OpportunityObject, ids.OpportunityID, "opportunityId")
	if err != nil {
		return nil, err
	}
	if opp != nil {
		if ids.PersonID == nil {
			if v, ok := opp["pointOfContactId"].(string); ok && v != "" {
				ids.PersonID = &v
			}
		}
		if ids.CompanyID == nil {
			if v, ok := opp["companyId"].(string); ok && v != "" {
				ids.CompanyID = &v
			}
		}
	}
	person, err := load(crm.PersonObject, ids.PersonID, "personId")
	if err != nil {
		return nil, err
	}
	if person != nil && ids.CompanyID == nil {
		if v, ok := person["companyId"].(string); ok && v != "" {
			ids.CompanyID = &v
		}
	}
	if _, err := load(crm.CompanyObject, ids.CompanyID, "companyId"); err != nil {
		return nil, err
	}
	return data, nil
}

// merge replaces every merge field of body with its value; a field without
// a value (no such record, an empty field) becomes empty text.
func merge(body string, data map[string]any, today time.Time) string {
	return mergeField.ReplaceAllStringFunc(body, func(m string) string {
		path := mergeField.FindStringSubmatch(m)[1]
		if path == "today" {
			return today.Format("January 2, 2006")
		}
		var v any = data
		for _, part := range strings.Split(path, ".") {
			obj, ok := v.(map[string]any)
			if !ok {
				return ""
			}
			v = obj[part]
		}
		return display(v)
	})
}

// display renders a merged value for people: money formatted with its
// currency, a name as first and last name, a link or email by its primary
// value, a timestamp as a date.
func display(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
			return t.UTC().Format("January 2, 2006")
		}
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		if x {
			return "Yes"
		}
		return "No"
	case map[string]any:
		if micros, ok := x["amountMicros"].(float64); ok {
			cur, _ := x["currencyCode"].(string)
			return crm.FormatMoney(int64(micros), cur)
		}
		if _, ok := x["firstName"]; ok {
			return strings.TrimSpace(display(x["firstName"]) + " " + display(x["lastName"]))
		}
		for _, k := range []string{"primaryEmail", "primaryLinkUrl", "primaryPhoneNumber", "addressStreet1"} {
			if s, ok := x[k].(string); ok {
				return s
			}
		}
		return ""
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			parts = append(parts, display(e))
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}

// Preview is a template merged with records, as previewContract returns it.
type Preview struct {
	Name     string
	Document string
}

// PreviewContract merges a template with records: recordIds may name a
// person, a company and an opportunity in any order.
func (s *Service) PreviewContract(ctx context.Context, workspaceID, templateID string, recordIDs []string) (*Preview, error) {
	t, err := s.Template(ctx, workspaceID, templateID, 0)
	if err != nil {
		return nil, err
	}
	doc, err := s.PreviewText(ctx, workspaceID, t.Body, recordIDs)
	if err != nil {
		return nil, err
	}
	return &Preview{Name: t.Name, Document: doc}, nil
}

// PreviewText merges a template body that is not saved yet (the editor's
// live preview) with records, as PreviewContract does.
func (s *Service) PreviewText(ctx context.Context, workspaceID, body string, recordIDs []string) (string, error) {
	if err := checkMergeFields(body); err != nil {
		return "", err
	}
	ids := &RecordIDs{}
	for i, id := range recordIDs {
		id := id
		found := false
		for _, o := range []*crm.Object{crm.PersonObject, crm.CompanyObject, crm.OpportunityObject} {
			if _, err := s.cfg.Records.Get(ctx, workspaceID, o, id); err == nil {
				switch o {
				case crm.PersonObject:
					ids.PersonID = &id
				case crm.CompanyObject:
					ids.CompanyID = &id
				default:
					ids.OpportunityID = &id
				}
				found = true
				break
			}
		}
		if !found {
			return "", crm.Invalid(fmt.Sprintf("recordIds[%d]", i), crm.CodeNotFound, "no person, company or opportunity %q", id)
		}
	}
	data, err := s.mergeData(ctx, workspaceID, ids)
	if err != nil {
		return "", err
	}
	return merge(body, data, s.now()), nil
}
