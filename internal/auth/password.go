package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/roster-crm/roster/internal/crm"
)

// Password rules. The minimum follows NIST SP 800-63B; the maximum only stops
// megabyte "passwords" from being hashed.
const (
	MinPasswordLength = 8
	maxPasswordBytes  = 1024
)

// argon2Params are the argon2id costs. The defaults are OWASP's first
// recommendation (19 MiB, 2 passes, 1 lane): ~20-40 ms per hash on a small
// server, so a login flood cannot exhaust memory as a 64 MiB setting would.
// The costs travel inside each hash, so raising them later leaves old hashes
// verifiable.
type argon2Params struct {
	memoryKiB uint32
	time      uint32
	threads   uint8
	saltLen   int
	keyLen    uint32
}

func defaultArgon2() argon2Params {
	return argon2Params{memoryKiB: 19456, time: 2, threads: 1, saltLen: 16, keyLen: 32}
}

// checkPassword enforces the password rules, naming field in the error.
func checkPassword(field, password string) error {
	if utf8.RuneCountInString(password) < MinPasswordLength {
		return crm.Invalid(field, crm.CodeInvalidValue, "must be at least %d characters", MinPasswordLength)
	}
	if len(password) > maxPasswordBytes {
		return crm.Invalid(field, crm.CodeInvalidValue, "must be at most %d bytes", maxPasswordBytes)
	}
	return nil
}

// hashPassword returns the PHC-encoded argon2id hash of password:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash> (unpadded standard base64).
func hashPassword(p argon2Params, password string) (string, error) {
	salt := make([]byte, p.saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.time, p.memoryKiB, p.threads, p.keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.memoryKiB, p.time, p.threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// verifyPassword reports whether password matches an encoded hash, comparing
// in constant time. A malformed hash is an error, never a match.
func verifyPassword(encoded, password string) (bool, error) {
	p, salt, want, err := decodeHash(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.time, p.memoryKiB, p.threads, p.keyLen)
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

var errBadHash = errors.New("auth: malformed password hash")

// decodeHash parses a PHC argon2id string. Costs are bounded so a corrupted
// row cannot make one login allocate gigabytes.
func decodeHash(encoded string) (argon2Params, []byte, []byte, error) {
	var p argon2Params
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memoryKiB, &p.time, &p.threads); err != nil {
		return p, nil, nil, errBadHash
	}
	if p.memoryKiB < 8 || p.memoryKiB > 1<<20 || p.time < 1 || p.time > 16 || p.threads < 1 || p.threads > 16 {
		return p, nil, nil, errBadHash
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return p, nil, nil, errBadHash
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, errBadHash
	}
	p.saltLen, p.keyLen = len(salt), uint32(len(key))
	return p, salt, key, nil
}
