// Package netguard builds HTTP clients for requests whose destination a user
// chose (outgoing webhooks, the workflow HTTP_REQUEST action), so that such a
// request cannot reach Roster's own machine, its private network or the cloud
// metadata service (server-side request forgery).
//
// The address check runs in the dialer's Control hook, on the IP address that
// is actually being connected to after DNS resolution. A hostname that resolves
// to a public address when it is validated and to 127.0.0.1 when it is dialled
// (DNS rebinding) is therefore still refused, and every redirect hop goes
// through the same dialer. Numeric host spellings that resolvers disagree on
// (http://2130706433/, http://0x7f.1/, http://017700000001/) are refused before
// any lookup, because some C resolvers read them as IPv4 addresses.
//
// Operators who run targets on their own network (a local receiver, a
// development machine) set ROSTER_ALLOW_PRIVATE_NETWORK=true; the metadata
// addresses stay refused even then, since nothing legitimate is served there.
package netguard
