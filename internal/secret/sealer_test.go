package secret_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/secret"
)

func key(b byte) []byte { return bytes.Repeat([]byte{b}, secret.KeySize) }

func newSealer(t *testing.T, keys ...secret.Key) *secret.Sealer {
	t.Helper()
	s, err := secret.NewSealer(keys...)
	if err != nil {
		t.Fatalf("NewSealer() error = %v", err)
	}
	return s
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	s := newSealer(t, secret.Key{Bytes: key(1)})
	for _, pt := range [][]byte{[]byte("whop-access-token"), {}, bytes.Repeat([]byte{0}, 4096)} {
		sealed, err := s.Seal(pt, []byte("ws-1"))
		if err != nil {
			t.Fatalf("Seal() error = %v", err)
		}
		if len(pt) > 0 && strings.Contains(sealed, string(pt)) {
			t.Fatalf("Seal() = %q contains the plaintext", sealed)
		}
		wantPrefix := "v1:" + secret.KeyID(key(1)) + ":"
		if !strings.HasPrefix(sealed, wantPrefix) {
			t.Fatalf("Seal() = %q; want prefix %q", sealed, wantPrefix)
		}
		got, err := s.Open(sealed, []byte("ws-1"))
		if err != nil {
			t.Fatalf("Open() error = %v", err)
		}
		if !bytes.Equal(got, pt) {
			t.Fatalf("Open() = %q; want %q", got, pt)
		}
	}
}

func TestSealUsesFreshNonce(t *testing.T) {
	t.Parallel()
	s := newSealer(t, secret.Key{Bytes: key(1)})
	a, _ := s.Seal([]byte("same"), nil)
	b, _ := s.Seal([]byte("same"), nil)
	if a == b {
		t.Fatalf("Seal() twice = %q both times; want different ciphertexts", a)
	}
}

func TestKeyID(t *testing.T) {
	t.Parallel()
	if got := secret.KeyID(key(1)); len(got) != 8 {
		t.Fatalf("KeyID() = %q; want 8 hex digits", got)
	}
	if secret.KeyID(key(1)) == secret.KeyID(key(2)) {
		t.Fatal("KeyID() is the same for different keys")
	}
	s := newSealer(t, secret.Key{ID: "2025a", Bytes: key(1)})
	if got := s.KeyID(); got != "2025a" {
		t.Fatalf("KeyID() = %q; want %q", got, "2025a")
	}
}

func TestOpenFailures(t *testing.T) {
	t.Parallel()
	s := newSealer(t, secret.Key{ID: "k1", Bytes: key(1)})
	sealed, err := s.Seal([]byte("hunter2-plaintext"), []byte("ad"))
	if err != nil {
		t.Fatal(err)
	}
	// flip one bit of the ciphertext body
	raw, _ := base64.RawURLEncoding.DecodeString(sealed[len("v1:k1:"):])
	raw[len(raw)-1] ^= 1
	tampered := "v1:k1:" + base64.RawURLEncoding.EncodeToString(raw)

	tests := []struct {
		name   string
		sealer *secret.Sealer
		sealed string
		ad     string
	}{
		{"wrong key same ID", newSealer(t, secret.Key{ID: "k1", Bytes: key(2)}), sealed, "ad"},
		{"unknown key ID", newSealer(t, secret.Key{Bytes: key(2)}), sealed, "ad"},
		{"tampered ciphertext", s, tampered, "ad"},
		{"wrong associated data", s, sealed, "other"},
		{"missing associated data", s, sealed, ""},
		{"key ID swapped", newSealer(t, secret.Key{ID: "k1", Bytes: key(1)}, secret.Key{ID: "k2", Bytes: key(1)}), strings.Replace(sealed, ":k1:", ":k2:", 1), "ad"},
		{"wrong version", s, "v2" + sealed[2:], "ad"},
		{"truncated", s, sealed[:10], "ad"},
		{"not base64", s, "v1:k1:!!!", "ad"},
		{"empty", s, "", "ad"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.sealer.Open(tt.sealed, []byte(tt.ad))
			if !errors.Is(err, secret.ErrOpen) {
				t.Fatalf("Open() = %q, %v; want ErrOpen", got, err)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Fatalf("Open() error %q leaks the plaintext", err)
			}
		})
	}
}

func TestRotation(t *testing.T) {
	t.Parallel()
	old := secret.Key{Bytes: key(1)}
	cur := secret.Key{Bytes: key(2)}
	before := newSealer(t, old)
	sealedOld, err := before.Seal([]byte("token"), []byte("ad"))
	if err != nil {
		t.Fatal(err)
	}

	after := newSealer(t, cur, old)
	if got, err := after.Open(sealedOld, []byte("ad")); err != nil || string(got) != "token" {
		t.Fatalf("Open(old value) = %q, %v; want %q", got, err, "token")
	}
	rotated, err := after.Rotate(sealedOld, []byte("ad"))
	if err != nil {
		t.Fatalf("Rotate() error = %v", err)
	}
	if id, _ := secret.SealedKeyID(rotated); id != secret.KeyID(cur.Bytes) {
		t.Fatalf("SealedKeyID(rotated) = %q; want %q", id, secret.KeyID(cur.Bytes))
	}
	if got, err := newSealer(t, cur).Open(rotated, []byte("ad")); err != nil || string(got) != "token" {
		t.Fatalf("Open(rotated) with only the new key = %q, %v; want %q", got, err, "token")
	}
	again, err := after.Rotate(rotated, []byte("ad"))
	if err != nil || again != rotated {
		t.Fatalf("Rotate(current value) = %q, %v; want it unchanged", again, err)
	}
	if _, err := after.Rotate(sealedOld, []byte("wrong")); !errors.Is(err, secret.ErrOpen) {
		t.Fatalf("Rotate(wrong ad) error = %v; want ErrOpen", err)
	}
}

func TestNewSealerRejectsBadKeys(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		keys []secret.Key
	}{
		{"none", nil},
		{"short", []secret.Key{{Bytes: key(1)[:16]}}},
		{"separator in ID", []secret.Key{{ID: "a:b", Bytes: key(1)}}},
		{"duplicate ID", []secret.Key{{Bytes: key(1)}, {Bytes: key(1)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := secret.NewSealer(tt.keys...); err == nil {
				t.Fatal("NewSealer() error = nil; want an error")
			}
		})
	}
}
