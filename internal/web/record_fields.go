package web

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// recordRow is one line of a record's <dl class="fields">: a plain field, a
// composite shown as one value (name, address, amount), or a custom field.
// A row is also the unit of editing in place: its inputs are the form.
type recordRow struct {
	Key      string // the row's anchor and the "fields" form value
	Label    string
	Text     string // the value as text; empty shows a dash
	Href     string // set when the value links somewhere
	External bool   // Href leaves Roster
	Editable bool
	Synced   bool // written by the Whop sync, so not edited here
	Editing  bool
	Hint     string
	Inputs   []*recordInput
}

// recordInput is one control of a row's edit form.
type recordInput struct {
	Name     string // form key: "f." + API path
	ID       string
	Label    string
	Type     string // text email number date datetime-local url checkbox select
	Value    string
	Checked  bool
	Multiple bool
	Step     string
	Options  []recordOption
	Error    string
	Hint     string
	// Autofocus is set on the first input when one row is being edited,
	// so keyboard users land in the form they asked for.
	Autofocus bool
	// set writes the submitted values into the update input.
	set func(in crm.Input, vals []string) error
	// path is the API path errors from the records service name.
	path string
}

type recordOption struct {
	Value, Label string
	Selected     bool
}

// ErrorID is the id of the input's message, for aria-describedby.
func (f *recordInput) ErrorID() string { return f.ID + "-error" }

// HintID is the id of the input's hint, for aria-describedby.
func (f *recordInput) HintID() string { return f.ID + "-hint" }

// DescribedBy lists the ids of the hint and the error shown for the input.
func (f *recordInput) DescribedBy() string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.HintID())
	}
	if f.Error != "" {
		ids = append(ids, f.ErrorID())
	}
	return strings.Join(ids, " ")
}

// recordRowBuilder builds a record's rows; refs are the names of the records its
// reference fields point at (company, point of contact).
type recordRowBuilder struct {
	schema *crm.Schema
	rec    crm.Record
	refs   map[string]recordRef // by field name
}

type recordRef struct{ Name, Href string }

// fieldRows lists the record's fields in display order: standard fields
// (composites as one row each), then custom fields, then the record's
// history (created, updated, by whom).
func (b *recordRowBuilder) rows() []*recordRow {
	var rows []*recordRow
	seen := map[string]bool{}
	for _, f := range b.schema.Object.Fields {
		if recordMetaField(f) || f.Hidden {
			continue
		}
		g := f.Group()
		if g == "" {
			rows = append(rows, b.plainRow(f))
			continue
		}
		if seen[g] {
			continue
		}
		seen[g] = true
		rows = append(rows, b.groupRow(g))
	}
	names := make([]string, 0, len(b.schema.Custom))
	for n := range b.schema.Custom {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		return strings.ToLower(b.schema.Custom[names[i]].Label) < strings.ToLower(b.schema.Custom[names[j]].Label)
	})
	for _, n := range names {
		rows = append(rows, b.customRow(b.schema.Custom[n]))
	}
	m := b.rec.Meta()
	rows = append(rows,
		&recordRow{Key: "createdAt", Label: "Created", Text: m.CreatedAt.UTC().Format("2 Jan 2006 15:04 UTC")},
		&recordRow{Key: "updatedAt", Label: "Last updated", Text: m.UpdatedAt.UTC().Format("2 Jan 2006 15:04 UTC")},
		&recordRow{Key: "createdBy", Label: "Created by", Text: createdByText(m.CreatedBy)},
	)
	return rows
}

func createdByText(a crm.Actor) string {
	src := strings.ToLower(a.Source)
	switch {
	case a.Name != "" && src != "":
		return a.Name + " (" + src + ")"
	case a.Name != "":
		return a.Name
	}
	return src
}

func recordMetaField(f *crm.Field) bool {
	switch f.Name {
	case "id", "createdAt", "updatedAt", "deletedAt", "position":
		return true
	}
	return strings.HasPrefix(f.Name, "createdBy.")
}

// synced reports whether the Whop sync owns the field: editing it here
// would be overwritten by the next sync, so the UI shows it read-only.
func syncedField(f *crm.Field) bool { return strings.HasPrefix(f.Name, "whop") }

func fieldInputID(path string) string { return "f-" + strings.ReplaceAll(path, ".", "-") }

func (b *recordRowBuilder) plainRow(f *crm.Field) *recordRow {
	row := &recordRow{Key: f.Name, Label: fieldWords(f.Name), Synced: syncedField(f)}
	row.Editable = !f.ReadOnly && !row.Synced && f.Kind != crm.KindJSON
	v := f.Value(b.rec)
	row.Text = recordValueText(f, v)
	switch {
	case f.Kind == crm.KindUUID:
		if ref, ok := b.refs[f.Name]; ok {
			row.Text, row.Href = ref.Name, ref.Href
		}
		row.Hint = "Type a name" + map[bool]string{true: " or email", false: ""}[f.Ref == crm.ObjectPerson] + ", or paste an ID. Leave empty to clear."
	case f.Name == "whopManageUrl" || f.Name == "avatarUrl":
		row.Href, row.External = externalURL(row.Text), true
	}
	row.Inputs = []*recordInput{b.input(f, v, fieldWords(f.Name))}
	if ref, ok := b.refs[f.Name]; ok && f.Kind == crm.KindUUID {
		row.Inputs[0].Value = ref.Name
	}
	return row
}

func (b *recordRowBuilder) groupRow(g string) *recordRow {
	o := b.schema.Object
	row := &recordRow{Key: g, Label: fieldWords(g)}
	subs := o.Composite(g)
	byName := map[string]*crm.Field{}
	for _, f := range subs {
		byName[f.Sub()] = f
	}
	if amt, ok := byName["amountMicros"]; ok { // CURRENCY
		micros, _ := amt.Value(b.rec).(int64)
		code, _ := byName["currencyCode"].Value(b.rec).(string)
		if amt.Value(b.rec) != nil {
			row.Text = formatMoney(micros, code)
		}
		row.Editable = true
		row.Inputs = recordMoneyInputs(g, amt.Value(b.rec), code, g)
		return row
	}
	var parts []string
	for _, f := range subs {
		if f.Kind == crm.KindJSON {
			continue
		}
		v := f.Value(b.rec)
		if s := recordValueText(f, v); s != "" {
			parts = append(parts, s)
		}
		if !f.ReadOnly && !syncedField(f) {
			row.Editable = true
		}
		row.Inputs = append(row.Inputs, b.input(f, v, fieldWords(f.Name)))
	}
	switch {
	case g == "name":
		row.Text = strings.Join(parts, " ")
	case byName["primaryLinkUrl"] != nil: // LINKS
		u, _ := byName["primaryLinkUrl"].Value(b.rec).(string)
		label, _ := byName["primaryLinkLabel"].Value(b.rec).(string)
		row.Text, row.Href, row.External = u, externalURL(u), true
		if label != "" {
			row.Text = label
		}
	case g == "address":
		row.Text = strings.Join(parts, ", ")
	default:
		row.Text = strings.Join(parts, " · ")
	}
	return row
}

// externalURL returns an http(s) link for a user-supplied address, or "".
func externalURL(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	l := strings.ToLower(s)
	if strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://") {
		return s
	}
	if strings.Contains(l, ":") {
		return ""
	}
	return "https://" + s
}

// recordValueText renders a standard field value as text.
func recordValueText(f *crm.Field, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		if f.Kind == crm.KindEnum {
			return x
		}
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		if x {
			return "Yes"
		}
		return "No"
	case time.Time:
		if x.IsZero() {
			return ""
		}
		return recordTimeText(x)
	case []string:
		return strings.Join(x, ", ")
	case []any:
		return fmt.Sprintf("%d item(s)", len(x))
	}
	return fmt.Sprint(v)
}

// recordTimeText shows a date alone when the time is midnight UTC (dates such
// as a close date), and the UTC time otherwise.
func recordTimeText(t time.Time) string {
	t = t.UTC()
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format("2 Jan 2006")
	}
	return t.Format("2 Jan 2006 15:04 UTC")
}

// input builds the control for a standard field.
func (b *recordRowBuilder) input(f *crm.Field, v any, label string) *recordInput {
	in := &recordInput{Name: "f." + f.Name, ID: fieldInputID(f.Name), Label: label, Type: "text", path: f.Name}
	in.set = func(dst crm.Input, vals []string) error {
		x, err := parseFieldValue(f, firstValue(vals))
		if err != nil {
			return err
		}
		setInputPath(dst, f.Name, x)
		return nil
	}
	switch f.Kind {
	case crm.KindEmail:
		in.Type, in.Value = "email", stringOf(v)
	case crm.KindEnum:
		in.Type = "select"
		cur := stringOf(v)
		for _, o := range f.Options {
			in.Options = append(in.Options, recordOption{Value: o, Label: o, Selected: o == cur})
		}
	case crm.KindInt:
		in.Type, in.Step, in.Value = "number", "1", recordValueText(f, v)
	case crm.KindFloat:
		in.Type, in.Step, in.Value = "number", "any", recordValueText(f, v)
	case crm.KindBool:
		in.Type, in.Checked = "checkbox", v == true
		in.set = func(dst crm.Input, vals []string) error {
			setInputPath(dst, f.Name, firstValue(vals) != "")
			return nil
		}
	case crm.KindDateTime:
		in.Type = "date"
		if t, ok := v.(time.Time); ok && !t.IsZero() {
			in.Value = t.UTC().Format("2006-01-02")
		}
	case crm.KindStringList:
		if l, ok := v.([]string); ok {
			in.Value = strings.Join(l, ", ")
		}
	default:
		in.Value = stringOf(v)
	}
	return in
}

func firstValue(vals []string) string {
	if len(vals) == 0 {
		return ""
	}
	return strings.TrimSpace(vals[0])
}

func stringOf(v any) string {
	s, _ := v.(string)
	return s
}

// setInputPath writes v at an API path, nesting composites as the records
// service expects ({"name": {"firstName": ...}}).
func setInputPath(in crm.Input, path string, v any) {
	g, sub, ok := strings.Cut(path, ".")
	if !ok {
		in[path] = v
		return
	}
	m, _ := in[g].(map[string]any)
	if m == nil {
		m = map[string]any{}
		in[g] = m
	}
	m[sub] = v
}

// parseFieldValue converts a form value to what the field's kind takes; an
// empty value clears nullable fields.
func parseFieldValue(f *crm.Field, s string) (any, error) {
	switch f.Kind {
	case crm.KindInt:
		if s == "" {
			return nil, nil
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, crm.Invalid(f.Name, crm.CodeInvalidType, "Enter a whole number.")
		}
		return n, nil
	case crm.KindFloat:
		if s == "" {
			if f.Nullable {
				return nil, nil
			}
			return 0.0, nil
		}
		n, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, crm.Invalid(f.Name, crm.CodeInvalidType, "Enter a number.")
		}
		return n, nil
	case crm.KindDateTime:
		if s == "" {
			return nil, nil
		}
		t, err := parseFormDate(s)
		if err != nil {
			return nil, crm.Invalid(f.Name, crm.CodeInvalidType, "Enter a date as YYYY-MM-DD.")
		}
		return t, nil
	case crm.KindStringList:
		out := []any{}
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out, nil
	case crm.KindNullText, crm.KindUUID:
		if s == "" {
			return nil, nil
		}
	}
	return s, nil
}

// parseFormDate reads a date input (YYYY-MM-DD) or a datetime-local value, both
// taken as UTC.
func parseFormDate(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02", "2006-01-02T15:04", "2006-01-02T15:04:05", time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("not a date: %q", s)
}

// recordMoneyInputs are the amount (in currency units, e.g. 25.00) and currency
// code controls of a CURRENCY value; path is where the value goes ("amount"
// or "customFields.price"). The amount shows the stored micros rounded to the
// currency's minor unit; saving it unchanged keeps the stored micros exactly
// (crm.ParseAmountEdit), so opening and saving a form never moves money.
func recordMoneyInputs(key string, micros any, code, path string) []*recordInput {
	amount := &recordInput{Name: "f." + key + ".amount", ID: fieldInputID(key + ".amount"), Label: fieldWords(key) + " (amount)", Type: "number", Step: "any", path: key + ".amountMicros"}
	was, hadAmount := microsOf(micros)
	if hadAmount {
		amount.Value = crm.FormatAmount(was, code)
	}
	cur := &recordInput{Name: "f." + key + ".currencyCode", ID: fieldInputID(key + ".currencyCode"), Label: "Currency code (e.g. USD)", Type: "text", Value: code, path: key + ".currencyCode"}
	amount.set = func(dst crm.Input, vals []string) error {
		s := firstValue(vals)
		var v any
		if s != "" {
			m, err := crm.ParseAmount(s)
			if hadAmount {
				m, err = crm.ParseAmountEdit(s, was, code)
			}
			if err != nil {
				return crm.Invalid(key+".amountMicros", crm.CodeInvalidType, "Enter an amount such as 25.00 (at most six decimals).")
			}
			v = m
		}
		setInputComposite(dst, path, "amountMicros", v)
		return nil
	}
	cur.set = func(dst crm.Input, vals []string) error {
		setInputComposite(dst, path, "currencyCode", firstValue(vals))
		return nil
	}
	return []*recordInput{amount, cur}
}

// setInputComposite writes sub inside the composite at path ("amount" or
// "customFields.price").
func setInputComposite(in crm.Input, path, sub string, v any) {
	m := in
	for _, p := range strings.Split(path, ".") {
		next, _ := m[p].(map[string]any)
		if next == nil {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[sub] = v
}

func microsOf(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case float64:
		return int64(x), true
	}
	return 0, false
}
