package rest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

func testSchema() *crm.Schema {
	return crm.NewSchema(crm.PersonObject, []*crm.FieldDefinition{
		{Object: crm.ObjectPerson, Name: "tier", Type: crm.TypeSelect, Options: []crm.FieldOption{{Value: "GOLD"}, {Value: "SILVER"}}},
		{Object: crm.ObjectPerson, Name: "score", Type: crm.TypeNumber},
		{Object: crm.ObjectPerson, Name: "vip", Type: crm.TypeBoolean},
		{Object: crm.ObjectPerson, Name: "price", Type: crm.TypeCurrency},
		{Object: crm.ObjectPerson, Name: "tags", Type: crm.TypeMultiSelect, Options: []crm.FieldOption{{Value: "A"}, {Value: "B"}}},
	})
}

// show renders a filter tree compactly: conditions as path op value (with
// the Go type of the value), groups as and{...}, or{a|b}, not{...}.
func show(f *crm.Filter) string {
	var parts []string
	for _, c := range f.Conds {
		parts = append(parts, fmt.Sprintf("%s %s %s", c.Path(), c.Op, showValue(c.Value)))
	}
	for _, a := range f.And {
		parts = append(parts, "and{"+show(a)+"}")
	}
	if len(f.Or) > 0 {
		alts := make([]string, len(f.Or))
		for i, o := range f.Or {
			alts[i] = show(o)
		}
		parts = append(parts, "or{"+strings.Join(alts, "|")+"}")
	}
	if f.Not != nil {
		parts = append(parts, "not{"+show(f.Not)+"}")
	}
	return strings.Join(parts, ", ")
}

func showValue(v any) string {
	switch x := v.(type) {
	case []any:
		s := make([]string, len(x))
		for i, e := range x {
			s[i] = showValue(e)
		}
		return "[" + strings.Join(s, ";") + "]"
	case time.Time:
		return "time(" + x.Format(time.RFC3339) + ")"
	case string:
		return fmt.Sprintf("%q", x)
	}
	return fmt.Sprintf("%T(%v)", v, v)
}

func TestParseFilter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want string
	}{
		{"", ""},
		{"emails.primaryEmail[eq]:A@B.co", `emails.primaryEmail eq "a@b.co"`},
		{"name.firstName[eq]:Ada,city[neq]:Paris", `name.firstName eq "Ada", city neq "Paris"`},
		{" name.firstName [eq] : Ada ", `name.firstName eq "Ada"`},
		{`city[eq]:"New York, NY"`, `city eq "New York, NY"`},
		{`city[eq]:"Paris (FR)"`, `city eq "Paris (FR)"`},
		{`city[eq]:"say \"hi\" \\ bye"`, `city eq "say \"hi\" \\ bye"`},
		{`city[in]:[London,"New York, NY", Paris]`, `city in ["London";"New York, NY";"Paris"]`},
		{`city[in]:[]`, `city in []`},
		{"emails.primaryEmail[in]:[A@x.io,b@x.io]", `emails.primaryEmail in ["a@x.io";"b@x.io"]`},
		{"companyId[is]:NULL", `companyId is "NULL"`},
		{"whopUserId[is]:NOT_NULL", `whopUserId is "NOT_NULL"`},
		{"createdAt[gte]:2024-01-15", `createdAt gte time(2024-01-15T00:00:00Z)`},
		{"createdAt[lt]:2024-01-15T10:00:00+02:00", `createdAt lt time(2024-01-15T08:00:00Z)`},
		{"position[gt]:1.5", `position gt float64(1.5)`},
		{"score[lte]:3", `score lte float64(3)`},
		{"vip[eq]:true", `vip eq bool(true)`},
		{"tier[in]:[GOLD,SILVER]", `tier in ["GOLD";"SILVER"]`},
		{"price.amountMicros[gt]:1000000", `price.amountMicros gt int64(1000000)`},
		{"tags[containsAny]:[A,B]", `tags containsAny ["A";"B"]`},
		{"emails.additionalEmails[containsAny]:[x@y.z]", `emails.additionalEmails containsAny ["x@y.z"]`},
		{"name.lastName[ilike]:%smith%", `name.lastName ilike "%smith%"`},
		{`name.lastName[like]:"%(x)%"`, `name.lastName like "%(x)%"`},
		{"or(name.firstName[eq]:Ada,name.firstName[eq]:Grace)", `and{or{name.firstName eq "Ada"|name.firstName eq "Grace"}}`},
		{"and(city[eq]:London,tier[eq]:GOLD)", `and{city eq "London", tier eq "GOLD"}`},
		{"not(city[eq]:London)", `and{not{city eq "London"}}`},
		{"not(city[eq]:London),not(tier[eq]:GOLD)", `and{not{city eq "London"}}, and{not{tier eq "GOLD"}}`},
		{"city[eq]:London,or(tier[eq]:GOLD,and(score[gte]:5,not(vip[eq]:false)))",
			`city eq "London", and{or{tier eq "GOLD"|and{score gte float64(5), and{not{vip eq bool(false)}}}}}`},
		{`or(city[eq]:"a,b",city[eq]:"c)d")`, `and{or{city eq "a,b"|city eq "c)d"}}`},
	}
	s := testSchema()
	for _, tt := range tests {
		f, err := ParseFilter(s, tt.in)
		if err != nil {
			t.Errorf("ParseFilter(%q) error = %v; want %s", tt.in, err, tt.want)
			continue
		}
		if got := show(f); got != tt.want {
			t.Errorf("ParseFilter(%q) = %s; want %s", tt.in, got, tt.want)
		}
	}
}

func TestParseFilterErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in        string
		code      string
		field     string
		inMessage string
	}{
		{"name.firstName[foo]:x", crm.CodeUnknownOperator, "name.firstName", `unknown filter operator "foo"`},
		{"nope[eq]:x", crm.CodeUnknownField, "nope", `no field "nope"`},
		{"name[eq]:x", crm.CodeUnknownField, "name", "composite"},
		{"score[gt]:abc", crm.CodeInvalidType, "score", `"abc" is not a number`},
		{"createdAt[gt]:yesterday", crm.CodeInvalidType, "createdAt", "date-time"},
		{"vip[gt]:true", crm.CodeUnknownOperator, "vip", "does not apply"},
		{"city[is]:MAYBE", crm.CodeInvalidEnum, "city", "NULL or NOT_NULL"},
		{"city[in]:London", crm.CodeInvalidValue, "filter", "takes a list in brackets"},
		{"city[eq]:[a,b]", crm.CodeInvalidValue, "filter", "only in and containsAny take a [list]"},
		{"score[in]:[1,x]", crm.CodeInvalidType, "score", `"x"`},
		{"name.firstName[eq", crm.CodeInvalidValue, "filter", "position 15: missing ]"},
		{"name.firstName[eq]Ada", crm.CodeInvalidValue, "filter", "position 18: expected ':'"},
		{"name.firstName:Ada", crm.CodeInvalidValue, "filter", "position 14: expected [comparator]"},
		{"or(name.firstName[eq]:Ada", crm.CodeInvalidValue, "filter", "missing ) to close or("},
		{"or()", crm.CodeInvalidValue, "filter", "or() needs at least one condition"},
		{"xor(city[eq]:a)", crm.CodeInvalidValue, "filter", `position 0: unknown group "xor"`},
		{`city[eq]:"London`, crm.CodeInvalidValue, "filter", "position 9: unterminated quoted value"},
		{`city[eq]:Lon"don"`, crm.CodeInvalidValue, "filter", "quote the whole value"},
		{"name.lastName[like]:%(x)%", crm.CodeInvalidValue, "filter", `position 23: unexpected ')'`}, // bare values end at ')': quote them
		{"city[eq]:a)", crm.CodeInvalidValue, "filter", `position 10: unexpected ')'`},
		{"city[eq]:a,", crm.CodeInvalidValue, "filter", "got the end of the filter"},
		{"city[in]:[a,b", crm.CodeInvalidValue, "filter", "missing ] to close the list"},
		{",city[eq]:a", crm.CodeInvalidValue, "filter", `position 0: expected a field name, got ','`},
		{strings.TrimSuffix(strings.Repeat("city[eq]:a,", 101), ","), crm.CodeInvalidValue, "filter", "more than 100 conditions"},
		{strings.Repeat("and(", 20) + "city[eq]:a" + strings.Repeat(")", 20), crm.CodeInvalidValue, "filter", "nest deeper"},
	}
	s := testSchema()
	for _, tt := range tests {
		f, err := ParseFilter(s, tt.in)
		if err == nil {
			t.Errorf("ParseFilter(%q) = %s; want error %s", tt.in, show(f), tt.code)
			continue
		}
		e, ok := crm.AsError(err)
		if !ok {
			t.Errorf("ParseFilter(%q) error = %T %v; want *crm.Error", tt.in, err, err)
			continue
		}
		if e.Code != tt.code || e.Field != tt.field || !strings.Contains(e.Message, tt.inMessage) {
			t.Errorf("ParseFilter(%q) error = {%s %s %q}; want {%s %s ~%q}", tt.in, e.Code, e.Field, e.Message, tt.code, tt.field, tt.inMessage)
		}
	}
}

func TestParseOrderBy(t *testing.T) {
	t.Parallel()
	s := testSchema()
	got, err := ParseOrderBy(s, "name.firstName[AscNullsLast], createdAt[DescNullsLast],score,price.amountMicros[DescNullsFirst]")
	if err != nil {
		t.Fatalf("ParseOrderBy() error = %v", err)
	}
	var parts []string
	for _, o := range got {
		parts = append(parts, o.Path()+" "+string(o.Dir))
	}
	want := "name.firstName AscNullsLast, createdAt DescNullsLast, score AscNullsFirst, price.amountMicros DescNullsFirst"
	if g := strings.Join(parts, ", "); g != want {
		t.Errorf("ParseOrderBy() = %s; want %s", g, want)
	}
	for _, tt := range []struct{ in, code, field string }{
		{"name.firstName[Up]", crm.CodeInvalidEnum, "name.firstName"},
		{"nope", crm.CodeUnknownField, "nope"},
		{"name.firstName[AscNullsFirst", crm.CodeInvalidValue, "order_by"},
		{"city,[AscNullsFirst]", crm.CodeInvalidValue, "order_by"},
		{"tags", crm.CodeInvalidValue, "tags"},
	} {
		_, err := ParseOrderBy(s, tt.in)
		e, ok := crm.AsError(err)
		if !ok || e.Code != tt.code || e.Field != tt.field {
			t.Errorf("ParseOrderBy(%q) error = %v; want code %s field %s", tt.in, err, tt.code, tt.field)
		}
	}
}
