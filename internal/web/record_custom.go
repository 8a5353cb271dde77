package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// customRow shows and edits a custom field. Values arrive in their stored
// form (numbers as float64, date-times as fixed-width UTC strings,
// composites as maps) and leave as the records service validates them.
func (b *recordRowBuilder) customRow(d *crm.FieldDefinition) *recordRow {
	v := b.rec.Meta().CustomFields[d.Name]
	row := &recordRow{Key: d.Name, Label: d.Label, Editable: true, Hint: d.Description}
	if row.Label == "" {
		row.Label = fieldWords(d.Name)
	}
	in := &recordInput{Name: "f." + d.Name, ID: fieldInputID(d.Name), Label: row.Label, Type: "text", path: d.Name}
	put := func(dst crm.Input, x any) {
		cf, _ := dst["customFields"].(map[string]any)
		if cf == nil {
			cf = map[string]any{}
			dst["customFields"] = cf
		}
		cf[d.Name] = x
	}
	in.set = func(dst crm.Input, vals []string) error {
		s := firstValue(vals)
		if s == "" {
			put(dst, nil)
			return nil
		}
		put(dst, s)
		return nil
	}
	switch d.Type {
	case crm.TypeText:
		row.Text, in.Value = stringOf(v), stringOf(v)
	case crm.TypeNumber:
		if n, ok := v.(float64); ok {
			row.Text = strconv.FormatFloat(n, 'f', -1, 64)
			in.Value = row.Text
		}
		in.Type, in.Step = "number", "any"
		in.set = func(dst crm.Input, vals []string) error {
			s := firstValue(vals)
			if s == "" {
				put(dst, nil)
				return nil
			}
			n, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return crm.Invalid(d.Name, crm.CodeInvalidType, "Enter a number.")
			}
			put(dst, n)
			return nil
		}
	case crm.TypeBoolean:
		if bv, ok := v.(bool); ok {
			row.Text = map[bool]string{true: "Yes", false: "No"}[bv]
			in.Checked = bv
		}
		in.Type = "checkbox"
		in.set = func(dst crm.Input, vals []string) error {
			put(dst, firstValue(vals) != "")
			return nil
		}
	case crm.TypeDateTime:
		if t, err := time.Parse(crm.CustomTimeLayout, stringOf(v)); err == nil {
			row.Text = recordTimeText(t)
			in.Value = t.UTC().Format("2006-01-02T15:04")
		}
		in.Type, in.Label = "datetime-local", row.Label+" (UTC)"
		in.set = func(dst crm.Input, vals []string) error {
			s := firstValue(vals)
			if s == "" {
				put(dst, nil)
				return nil
			}
			t, err := parseFormDate(s)
			if err != nil {
				return crm.Invalid(d.Name, crm.CodeInvalidType, "Enter a date and time.")
			}
			put(dst, t.Format(time.RFC3339))
			return nil
		}
	case crm.TypeSelect, crm.TypeMultiSelect:
		chosen := map[string]bool{}
		if s, ok := v.(string); ok {
			chosen[s] = true
		}
		if l, ok := v.([]any); ok {
			for _, x := range l {
				chosen[stringOf(x)] = true
			}
		}
		var labels []string
		in.Type = "select"
		if d.Type == crm.TypeSelect {
			in.Options = append(in.Options, recordOption{Value: "", Label: "(none)"})
		}
		for _, o := range d.Options {
			in.Options = append(in.Options, recordOption{Value: o.Value, Label: o.Label, Selected: chosen[o.Value]})
			if chosen[o.Value] {
				labels = append(labels, o.Label)
			}
		}
		row.Text = strings.Join(labels, ", ")
		if d.Type == crm.TypeMultiSelect {
			in.Multiple = true
			in.set = func(dst crm.Input, vals []string) error {
				list := []any{}
				for _, s := range vals {
					if s = strings.TrimSpace(s); s != "" {
						list = append(list, s)
					}
				}
				put(dst, list)
				return nil
			}
		}
	case crm.TypeCurrency:
		m, _ := v.(map[string]any)
		code := stringOf(m["currencyCode"])
		if micros, ok := microsOf(m["amountMicros"]); ok {
			row.Text = formatMoney(micros, code)
		}
		row.Inputs = recordMoneyInputs(d.Name, m["amountMicros"], code, "customFields."+d.Name)
		row.Inputs[0].Label = row.Label + " (amount)"
		return row
	case crm.TypeLinks:
		m, _ := v.(map[string]any)
		u, label := stringOf(m["primaryLinkUrl"]), stringOf(m["primaryLinkLabel"])
		row.Text, row.Href, row.External = u, externalURL(u), true
		if label != "" {
			row.Text = label
		}
		mk := func(sub, lbl, typ, val string) *recordInput {
			return &recordInput{Name: "f." + d.Name + "." + sub, ID: fieldInputID(d.Name + "." + sub), Label: lbl, Type: typ, Value: val, path: d.Name + "." + sub,
				set: func(dst crm.Input, vals []string) error {
					setInputComposite(dst, "customFields."+d.Name, sub, firstValue(vals))
					return nil
				}}
		}
		row.Inputs = []*recordInput{mk("primaryLinkUrl", row.Label+" URL", "url", u), mk("primaryLinkLabel", row.Label+" label", "text", label)}
		return row
	}
	row.Inputs = []*recordInput{in}
	return row
}
