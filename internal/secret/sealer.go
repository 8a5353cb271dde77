package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// version is the format tag of sealed strings. A new format gets a new tag,
// and Open keeps reading the old ones.
const version = "v1"

// KeySize is the length of an AES-256 key in bytes.
const KeySize = 32

// ErrOpen is returned by Open for any sealed value that cannot be opened: a
// malformed string, an unknown key ID, tampered ciphertext or the wrong
// associated data. The cases are deliberately not told apart to callers.
var ErrOpen = errors.New("secret: cannot open sealed value")

// Key is one AES-256 key. ID names it inside sealed values; when empty,
// NewSealer derives it from the key bytes (see KeyID).
type Key struct {
	ID    string
	Bytes []byte
}

// KeyID returns the ID derived from a key's bytes: the first 8 hex digits of
// the key's SHA-256. It identifies the key without revealing it.
func KeyID(key []byte) string {
	sum := sha256.Sum256(key)
	return hex.EncodeToString(sum[:4])
}

// Sealer seals with its current key and opens with any of its keys. It is
// safe for concurrent use.
type Sealer struct {
	currentID string
	aeads     map[string]cipher.AEAD
}

// NewSealer returns a Sealer whose first key seals and whose keys all open.
// Every key must be KeySize bytes, and IDs must be unique and free of ':'.
func NewSealer(keys ...Key) (*Sealer, error) {
	if len(keys) == 0 {
		return nil, errors.New("secret: no key")
	}
	s := &Sealer{aeads: make(map[string]cipher.AEAD, len(keys))}
	for i, k := range keys {
		if len(k.Bytes) != KeySize {
			return nil, fmt.Errorf("secret: key %d is %d bytes; want %d", i, len(k.Bytes), KeySize)
		}
		id := k.ID
		if id == "" {
			id = KeyID(k.Bytes)
		}
		if strings.ContainsAny(id, ": \t\n") {
			return nil, fmt.Errorf("secret: key ID %q contains a separator", id)
		}
		if _, dup := s.aeads[id]; dup {
			return nil, fmt.Errorf("secret: duplicate key ID %q", id)
		}
		block, err := aes.NewCipher(k.Bytes)
		if err != nil {
			return nil, fmt.Errorf("secret: key %q: %w", id, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("secret: key %q: %w", id, err)
		}
		s.aeads[id] = aead
		if i == 0 {
			s.currentID = id
		}
	}
	return s, nil
}

// KeyID returns the ID of the key that Seal uses.
func (s *Sealer) KeyID() string { return s.currentID }

// Seal encrypts plaintext under the current key with a fresh random nonce.
// associatedData is authenticated but not stored: Open needs the same bytes.
func (s *Sealer) Seal(plaintext, associatedData []byte) (string, error) {
	aead := s.aeads[s.currentID]
	buf := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plaintext)+aead.Overhead())
	if _, err := rand.Read(buf); err != nil {
		return "", fmt.Errorf("secret: nonce: %w", err)
	}
	out := aead.Seal(buf, buf, plaintext, boundAD(s.currentID, associatedData))
	return version + ":" + s.currentID + ":" + base64.RawURLEncoding.EncodeToString(out), nil
}

// Open decrypts a value made by Seal under any of the Sealer's keys. Every
// failure is ErrOpen (wrapped with the key ID when it is known).
func (s *Sealer) Open(sealed string, associatedData []byte) ([]byte, error) {
	id, aead, data, err := s.parse(sealed)
	if err != nil {
		return nil, err
	}
	n := aead.NonceSize()
	if len(data) < n+aead.Overhead() {
		return nil, fmt.Errorf("%w (key %s): too short", ErrOpen, id)
	}
	pt, err := aead.Open(nil, data[:n], data[n:], boundAD(id, associatedData))
	if err != nil {
		return nil, fmt.Errorf("%w (key %s): authentication failed", ErrOpen, id)
	}
	return pt, nil
}

// SealedKeyID returns the ID of the key that sealed a value, without opening
// it; a rotation job uses it to find values still under an old key.
func SealedKeyID(sealed string) (string, bool) {
	v, rest, ok := strings.Cut(sealed, ":")
	if !ok || v != version {
		return "", false
	}
	id, _, ok := strings.Cut(rest, ":")
	return id, ok && id != ""
}

// Rotate re-seals a value under the current key. A value already under the
// current key is returned unchanged, so running a rotation twice writes
// nothing the second time.
func (s *Sealer) Rotate(sealed string, associatedData []byte) (string, error) {
	pt, err := s.Open(sealed, associatedData)
	if err != nil {
		return "", err
	}
	if id, _ := SealedKeyID(sealed); id == s.currentID {
		return sealed, nil
	}
	return s.Seal(pt, associatedData)
}

func (s *Sealer) parse(sealed string) (string, cipher.AEAD, []byte, error) {
	parts := strings.SplitN(sealed, ":", 3)
	if len(parts) != 3 || parts[0] != version {
		return "", nil, nil, fmt.Errorf("%w: not a %s sealed value", ErrOpen, version)
	}
	id := parts[1]
	aead, ok := s.aeads[id]
	if !ok {
		return "", nil, nil, fmt.Errorf("%w: unknown key %q", ErrOpen, id)
	}
	data, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return "", nil, nil, fmt.Errorf("%w (key %s): bad encoding", ErrOpen, id)
	}
	return id, aead, data, nil
}

// boundAD prefixes the caller's associated data with the format version and
// key ID, so neither can be swapped on a stored value without detection. The
// key ID never contains ':', so the concatenation is unambiguous.
func boundAD(keyID string, ad []byte) []byte {
	out := make([]byte, 0, len(version)+len(keyID)+2+len(ad))
	out = append(out, version+":"+keyID+":"...)
	return append(out, ad...)
}
