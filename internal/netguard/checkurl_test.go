package netguard

import (
	"errors"
	"testing"
)

func TestCheckURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url          string
		allowPrivate bool
		wantErr      bool
	}{
		{"https://hooks.example.com/roster", false, false},
		{"http://93.184.216.34:8080/x", false, false},
		{"https://[2606:4700:4700::1111]/", false, false},
		{"ftp://example.com/", false, true},
		{"example.com/hook", false, true},
		{"https:///nohost", false, true},
		{"http://localhost:9000/", false, true},
		{"http://api.localhost/", false, true},
		{"http://127.0.0.1/", false, true},
		{"http://[::1]/", false, true},
		{"http://[::ffff:127.0.0.1]/", false, true},
		{"http://2130706433/", false, true},
		{"http://0x7f.1/", false, true},
		{"http://10.1.2.3/", false, true},
		{"http://169.254.169.254/", false, true},
		{"http://localhost:9000/", true, false},
		{"http://10.1.2.3/", true, false},
		{"http://169.254.169.254/", true, true},
		{"http://2130706433/", true, true},
	}
	for _, tt := range tests {
		_, err := CheckURL(tt.url, tt.allowPrivate)
		if (err != nil) != tt.wantErr {
			t.Errorf("CheckURL(%q, %v) = %v; want error %v", tt.url, tt.allowPrivate, err, tt.wantErr)
		}
		if err != nil && !errors.Is(err, ErrBlocked) {
			t.Errorf("CheckURL(%q) error %v does not wrap ErrBlocked", tt.url, err)
		}
	}
}
