package auth

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/crm"
)

func TestHashPassword(t *testing.T) {
	t.Parallel()
	p := defaultArgon2()
	h1, err := hashPassword(p, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	phc := regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !phc.MatchString(h1) {
		t.Fatalf("hashPassword() = %q; want PHC argon2id with m=19456,t=2,p=1", h1)
	}
	if strings.Contains(h1, "correct horse") {
		t.Fatalf("hashPassword() = %q contains the password", h1)
	}
	h2, _ := hashPassword(p, "correct horse")
	if h1 == h2 {
		t.Fatal("hashPassword() twice gave the same hash; want a fresh salt each time")
	}
	for _, tt := range []struct {
		password string
		want     bool
	}{
		{"correct horse", true},
		{"correct horsf", false},
		{"Correct horse", false},
		{"", false},
	} {
		if got, err := verifyPassword(h1, tt.password); got != tt.want || err != nil {
			t.Errorf("verifyPassword(h, %q) = %v, %v; want %v", tt.password, got, err, tt.want)
		}
	}
}

func TestVerifyPasswordHonoursStoredCosts(t *testing.T) {
	t.Parallel()
	cheap := argon2Params{memoryKiB: 64, time: 1, threads: 1, saltLen: 16, keyLen: 32}
	h, err := hashPassword(cheap, "old password")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := verifyPassword(h, "old password"); !ok || err != nil {
		t.Fatalf("verifyPassword(hash with other costs) = %v, %v; want true", ok, err)
	}
}

func TestVerifyPasswordRejectsMalformedHashes(t *testing.T) {
	t.Parallel()
	good, _ := hashPassword(argon2Params{memoryKiB: 64, time: 1, threads: 1, saltLen: 16, keyLen: 32}, "password1")
	parts := strings.Split(good, "$")
	with := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, "$")
	}
	tests := []struct{ name, hash string }{
		{"empty", ""},
		{"plain text", "password1"},
		{"argon2i", with(1, "argon2i")},
		{"bcrypt", "$2a$10$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyzABCDE"},
		{"wrong version", with(2, "v=16")},
		{"huge memory", with(3, "m=4194304,t=1,p=1")},
		{"zero time", with(3, "m=64,t=0,p=1")},
		{"bad salt", with(4, "!!!")},
		{"short key", with(5, "AAAA")},
		{"extra part", good + "$x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := verifyPassword(tt.hash, "password1")
			if ok || !errors.Is(err, errBadHash) {
				t.Fatalf("verifyPassword(%q) = %v, %v; want false, errBadHash", tt.hash, ok, err)
			}
		})
	}
}

func TestCheckPassword(t *testing.T) {
	t.Parallel()
	tests := []struct {
		password string
		ok       bool
	}{
		{"1234567", false},
		{"12345678", true},
		{"ünïcødé!", true}, // 8 characters, more bytes
		{"ünïcødé", false},
		{strings.Repeat("x", maxPasswordBytes), true},
		{strings.Repeat("x", maxPasswordBytes+1), false},
	}
	for _, tt := range tests {
		err := checkPassword("password", tt.password)
		if tt.ok != (err == nil) {
			t.Errorf("checkPassword(%d chars) = %v; want ok %v", len(tt.password), err, tt.ok)
			continue
		}
		if err != nil {
			if e, isCRM := crm.AsError(err); !isCRM || e.Field != "password" || !errors.Is(err, crm.ErrInvalid) {
				t.Errorf("checkPassword() = %#v; want crm.Invalid on field password", err)
			}
		}
	}
}

func BenchmarkHashPassword(b *testing.B) {
	p := defaultArgon2()
	for b.Loop() {
		if _, err := hashPassword(p, "correct horse battery"); err != nil {
			b.Fatal(err)
		}
	}
}
