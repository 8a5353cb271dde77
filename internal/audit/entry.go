package audit

import (
	"context"
	"net"
	"strings"
	"time"
	"unicode/utf8"
)

// ActorKind says what an Actor's ID names.
type ActorKind string

// The kinds of actor.
const (
	// ActorMember is a signed-in person; the ID is their workspace member ID
	// (what records' createdBy.workspaceMemberId holds).
	ActorMember ActorKind = "member"
	// ActorAPIKey is an integration calling with one of the workspace's API
	// keys; the ID is the key's.
	ActorAPIKey ActorKind = "api_key"
	// ActorSystem is Roster itself (the Whop integration, a job, the CLI run
	// by an operator on the server); it has no ID.
	ActorSystem ActorKind = "system"
)

// Actor is who did what an entry records. Name is kept as it was then, so
// the log still reads right after a member leaves or a key is renamed.
type Actor struct {
	Kind ActorKind
	ID   string
	Name string
}

// Member is a signed-in person acting in a workspace.
func Member(memberID, name string) Actor { return Actor{Kind: ActorMember, ID: memberID, Name: name} }

// APIKey is an integration acting with an API key.
func APIKey(keyID, name string) Actor { return Actor{Kind: ActorAPIKey, ID: keyID, Name: name} }

// System is Roster acting on its own, named for the part that acted
// ("Whop", "roster CLI").
func System(name string) Actor { return Actor{Kind: ActorSystem, Name: name} }

// The kinds of target an entry names.
const (
	TargetWorkspace = "workspace"
	TargetMember    = "member"
	TargetInvite    = "invite"
	TargetAPIKey    = "api_key"
	// TargetObject is a kind of record ("people") an export read.
	TargetObject = "object"
	// TargetDatabase is the whole database a backup copied.
	TargetDatabase = "database"
	// TargetWhopCompany is the Whop company a workspace connects to.
	TargetWhopCompany = "whop_company"
	// TargetWebhook is an outgoing webhook, labelled with its target URL
	// (without the query, which may hold a token).
	TargetWebhook = "webhook"
)

// Target is what an action was done to: a member, a key, the workspace.
// Label is how it read then (an email, a key's name).
type Target struct {
	Type  string
	ID    string
	Label string
}

// Entry is what a caller records. IP and UserAgent default to the
// request's (see WithOrigin). Details are small facts that explain the
// entry (a role before and after, a row count), never a secret: Record
// refuses keys that name one and values that look like an API key.
type Entry struct {
	Action    Action
	Actor     Actor
	Target    Target
	Details   map[string]any
	IP        string
	UserAgent string
}

// Event is an Entry as it was recorded: with its ID, workspace and time.
type Event struct {
	ID          string
	WorkspaceID string
	At          time.Time
	Entry
}

// Origin is where a request came from, as the audit log keeps it.
type Origin struct {
	IP        string
	UserAgent string
}

// maxUserAgent bounds the user-agent kept per entry; real ones are well
// under it, and a client cannot make the log hold a megabyte per request.
const maxUserAgent = 512

// OriginOf is the Origin of a request: the peer's address without its port
// and the User-Agent header, shortened to maxUserAgent bytes. Roster reads
// no X-Forwarded-For: behind a proxy the address is the proxy's (a header a
// client can set is not evidence of where it is).
func OriginOf(remoteAddr, userAgent string) Origin {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	return Origin{IP: host, UserAgent: truncate(userAgent, maxUserAgent)}
}

// truncate cuts s to at most n bytes without splitting a character, and
// replaces invalid UTF-8 (a header may hold any bytes).
func truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

type originKey struct{}

// WithOrigin returns a context carrying the request's origin. The HTTP
// server sets it on every request, so services record where an action came
// from without taking the request.
func WithOrigin(ctx context.Context, o Origin) context.Context {
	return context.WithValue(ctx, originKey{}, o)
}

// OriginFrom returns the origin WithOrigin stored, or the zero Origin for
// work no request started (jobs, the CLI).
func OriginFrom(ctx context.Context) Origin {
	o, _ := ctx.Value(originKey{}).(Origin)
	return o
}
