package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/store"
	"github.com/roster-crm/roster/internal/store/storetest"
)

func TestCustomFieldsCreateValidateDelete(t *testing.T) {
	storetest.Dialects(t, func(t *testing.T, s *store.Store) {
		site := newSettingsSite(t, s, false)
		admin := site.browser()
		ws := site.signIn(admin)
		bad := []struct {
			name  string
			form  url.Values
			errID string
		}{
			{"bad name", url.Values{"object": {"person"}, "name": {"Bad Name"}, "type": {"TEXT"}}, "name-error"},
			{"standard name", url.Values{"object": {"person"}, "name": {"city"}, "type": {"TEXT"}}, "name-error"},
			{"unknown type", url.Values{"object": {"person"}, "name": {"size"}, "type": {"COLOUR"}}, "type-error"},
			{"select without options", url.Values{"object": {"person"}, "name": {"size"}, "type": {"SELECT"}}, "options-error"},
			{"lower-case option", url.Values{"object": {"person"}, "name": {"size"}, "type": {"SELECT"}, "options": {"small|Small"}}, "options-error"},
			{"options on text", url.Values{"object": {"person"}, "name": {"size"}, "type": {"TEXT"}, "options": {"SMALL|Small"}}, "options-error"},
			{"unknown object", url.Values{"object": {"note"}, "name": {"size"}, "type": {"TEXT"}}, "object-error"},
		}
		for _, c := range bad {
			code, body, _ := admin.settingsPost("/settings/fields", "/settings/fields", c.form)
			if code != http.StatusBadRequest || !strings.Contains(body, `id="`+c.errID+`"`) {
				t.Errorf("%s: create = %d; want 400 with %s", c.name, code, c.errID)
			}
			if c.name == "bad name" && !strings.Contains(body, `value="Bad Name"`) {
				t.Error("the form lost its input after a validation error")
			}
		}
		form := url.Values{"object": {"person"}, "name": {"tShirtSize"}, "label": {"T-shirt size"}, "type": {"SELECT"}, "options": {"SMALL|Small\r\nLARGE|Large\r\n\r\n"}}
		if code, _, _ := admin.settingsPost("/settings/fields", "/settings/fields", form); code != http.StatusSeeOther {
			t.Fatalf("create = %d; want 303", code)
		}
		_, body, _ := admin.get("/settings/fields")
		for _, want := range []string{"T-shirt size", "tShirtSize", "Small", "Large"} {
			if !strings.Contains(body, want) {
				t.Errorf("fields page lacks %q", want)
			}
		}
		defs, _ := site.records.Fields(context.Background(), ws, "")
		if len(defs) != 1 || len(defs[0].Options) != 2 || defs[0].Options[1].Value != "LARGE" {
			t.Fatalf("stored fields = %+v", defs)
		}
		code, body, _ := admin.get("/settings/fields/" + defs[0].ID + "/delete")
		if code != http.StatusOK || !strings.Contains(body, "This removes the field and its values from every record") {
			t.Fatalf("delete confirmation = %d", code)
		}
		if code, _, _ := admin.settingsPost("/settings/fields", "/settings/fields/"+defs[0].ID+"/delete", nil); code != http.StatusSeeOther {
			t.Fatalf("delete = %d", code)
		}
		if defs, _ := site.records.Fields(context.Background(), ws, ""); len(defs) != 0 {
			t.Errorf("fields after delete = %d; want 0", len(defs))
		}
	})
}
