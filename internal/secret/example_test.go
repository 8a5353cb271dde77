package secret_test

import (
	"bytes"
	"fmt"

	"github.com/roster-crm/roster/internal/secret"
)

func ExampleSealer_Rotate() {
	oldKey := secret.Key{ID: "2024", Bytes: bytes.Repeat([]byte{1}, secret.KeySize)}
	newKey := secret.Key{ID: "2025", Bytes: bytes.Repeat([]byte{2}, secret.KeySize)}
	ad := []byte("whop_connections.access_token:ws-1")

	before, _ := secret.NewSealer(oldKey)
	stored, _ := before.Seal([]byte("oauth-token"), ad)

	// After rotation the new key comes first; the old one only opens.
	after, _ := secret.NewSealer(newKey, oldKey)
	rotated, _ := after.Rotate(stored, ad)
	id, _ := secret.SealedKeyID(rotated)
	pt, _ := after.Open(rotated, ad)
	fmt.Println(id, string(pt))
	// Output: 2025 oauth-token
}
