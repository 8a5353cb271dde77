// Package secret seals secrets at rest (OAuth tokens, third-party API keys,
// webhook secrets) with AES-256-GCM.
//
// A sealed value is a self-describing string,
//
//	v1:<keyID>:<base64url(nonce | ciphertext+tag)>
//
// so the ID of the key that sealed it travels with the ciphertext. A Sealer
// holds one current key, which seals, and any number of older keys, which
// only open. Rotating ROSTER_ENCRYPTION_KEY is therefore: start with the new
// key first and the old one after it, re-seal stored values with Rotate (a
// background job can do it lazily), then drop the old key.
//
// Callers pass associated data that names what the secret belongs to (for
// example "whop_connections.access_token:" + workspaceID), so a ciphertext
// copied into another row or workspace does not open.
package secret
