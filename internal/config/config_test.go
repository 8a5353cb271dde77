package config

import (
	"encoding/base64"
	"strings"
	"testing"
)

func env(m map[string]string) Getenv { return func(k string) string { return m[k] } }

func TestLoad(t *testing.T) {
	key := base64.StdEncoding.EncodeToString(make([]byte, 32))
	for _, tc := range []struct {
		name    string
		env     map[string]string
		opts    Options
		wantErr string
	}{
		{"missing key", map[string]string{}, Options{}, "ROSTER_ENCRYPTION_KEY is not set"},
		{"short key", map[string]string{"ROSTER_ENCRYPTION_KEY": "c2hvcnQ="}, Options{}, "ROSTER_ENCRYPTION_KEY must be 32 random bytes"},
		{"malformed key even when optional", map[string]string{"ROSTER_ENCRYPTION_KEY": "%%%"}, Options{KeyOptional: true}, "ROSTER_ENCRYPTION_KEY must be"},
		{"demo generates", map[string]string{}, Options{Demo: true}, ""},
		{"optional", map[string]string{}, Options{KeyOptional: true}, ""},
		{"good", map[string]string{"ROSTER_ENCRYPTION_KEY": key}, Options{}, ""},
		{"bad addr", map[string]string{"ROSTER_ENCRYPTION_KEY": key, "ROSTER_ADDR": "8080"}, Options{}, "ROSTER_ADDR"},
		{"bad database url", map[string]string{"ROSTER_ENCRYPTION_KEY": key, "DATABASE_URL": "mysql://x"}, Options{}, "DATABASE_URL"},
		{"bad metrics addr", map[string]string{"ROSTER_ENCRYPTION_KEY": key, "ROSTER_METRICS_ADDR": "9090"}, Options{}, "ROSTER_METRICS_ADDR"},
		{"metrics addr same as main", map[string]string{"ROSTER_ENCRYPTION_KEY": key, "ROSTER_ADDR": "127.0.0.1:8080", "ROSTER_METRICS_ADDR": "127.0.0.1:8080"}, Options{}, "ROSTER_METRICS_ADDR"},
		{"short metrics token", map[string]string{"ROSTER_ENCRYPTION_KEY": key, "ROSTER_METRICS_TOKEN": "abc"}, Options{}, "ROSTER_METRICS_TOKEN"},
		{"metrics settings", map[string]string{"ROSTER_ENCRYPTION_KEY": key, "ROSTER_METRICS_ADDR": "127.0.0.1:9090", "ROSTER_METRICS_TOKEN": "0123456789abcdef"}, Options{}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(env(tc.env), tc.opts)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Load() error = %v; want nil", err)
				}
				if tc.opts.Demo && (len(c.EncryptionKey) != 32 || !c.EncryptionKeyGenerated) {
					t.Errorf("demo key = %d bytes, generated %v; want 32, true", len(c.EncryptionKey), c.EncryptionKeyGenerated)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("Load() error = %v; want one line containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestHTTPS(t *testing.T) {
	for base, want := range map[string]bool{"https://crm.example.com": true, "HTTPS://crm.example.com/": true, "http://crm.example.com": false, "": false} {
		c, err := Load(env(map[string]string{"ROSTER_BASE_URL": base}), Options{KeyOptional: true})
		if err != nil || c.HTTPS() != want {
			t.Errorf("HTTPS() with ROSTER_BASE_URL %q = %v, %v; want %v", base, c.HTTPS(), err, want)
		}
	}
}

func TestPostgresSelection(t *testing.T) {
	c, err := Load(env(map[string]string{"DATABASE_URL": "postgres://u@h/db"}), Options{KeyOptional: true})
	if err != nil || !c.Postgres() {
		t.Fatalf("Postgres() = %v, %v; want true", c.Postgres(), err)
	}
	c, _ = Load(env(map[string]string{"ROSTER_DATA_DIR": "/tmp/x"}), Options{KeyOptional: true})
	if c.Postgres() || c.SQLitePath() != "/tmp/x/roster.db" {
		t.Fatalf("SQLitePath() = %q; want /tmp/x/roster.db", c.SQLitePath())
	}
}
