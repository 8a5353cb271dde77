package model

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

func TestNormalize(t *testing.T) {
	s, n, f, b := "x", int64(3), 1.5, true
	var nilStr *string
	tm := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	type enum string
	tests := []struct {
		Name string
		In   any
		Want any
	}{
		{"pointers", map[string]any{"s": &s, "n": &n, "f": &f, "b": &b, "null": nilStr, "t": &tm},
			map[string]any{"s": "x", "n": int64(3), "f": 1.5, "b": true, "null": nil, "t": tm}},
		{"json numbers", []any{json.Number("7"), json.Number("2.5")}, []any{int64(7), 2.5}},
		{"typed slices", map[string]any{"in": []string{"a"}, "ids": []*int64{&n}}, map[string]any{"in": []any{"a"}, "ids": []any{int64(3)}}},
		{"enums", map[string]any{"dir": enum("AscNullsFirst")}, map[string]any{"dir": "AscNullsFirst"}},
		{"amountMicros strings", map[string]any{"amountMicros": map[string]any{"gt": "1000", "in": []any{"1", "x"}}},
			map[string]any{"amountMicros": map[string]any{"gt": int64(1000), "in": []any{int64(1), "x"}}}},
		{"nested maps", map[string]any{"and": []map[string]any{{"a": int(1)}}}, map[string]any{"and": []any{map[string]any{"a": int64(1)}}}},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			if got := Normalize(tt.In); !reflect.DeepEqual(got, tt.Want) {
				t.Errorf("Normalize(%#v) = %#v; want %#v", tt.In, got, tt.Want)
			}
		})
	}
}

func TestBigFloat(t *testing.T) {
	tests := []struct {
		In     any
		Want   int64
		WantOK bool
	}{
		{int64(5), 5, true}, {"5000000", 5000000, true}, {json.Number("12"), 12, true}, {2.0, 2, true},
		{2.5, 0, false}, {"1.5", 0, false}, {true, 0, false},
	}
	for _, tt := range tests {
		got, err := UnmarshalBigFloat(tt.In)
		if (err == nil) != tt.WantOK || got != tt.Want {
			t.Errorf("UnmarshalBigFloat(%#v) = %d, %v; want %d, ok %v", tt.In, got, err, tt.Want, tt.WantOK)
		}
	}
}
