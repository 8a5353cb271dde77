package audit

import (
	"slices"
	"strings"
)

// Action names what happened. The set is closed: Record refuses an action
// that is not listed here, so every entry in a log can be labelled,
// filtered and documented (docs/admin.md, "Audit log"). Adding an action
// means adding it to actions below, with its label.
type Action string

// The workspace's own actions.
const (
	WorkspaceCreated         Action = "workspace.created"
	WorkspaceSettingsChanged Action = "workspace.settings_changed"
	MemberAdded              Action = "member.added"
	MemberRoleChanged        Action = "member.role_changed"
	MemberRemoved            Action = "member.removed"
	InviteSent               Action = "invite.sent"
	InviteRevoked            Action = "invite.revoked"
	InviteAccepted           Action = "invite.accepted"
	APIKeyCreated            Action = "api_key.created"
	APIKeyRevoked            Action = "api_key.revoked"
	SignInNewPlace           Action = "auth.signin_new_place"
	PasswordReset            Action = "auth.password_reset"
	PasswordChanged          Action = "auth.password_changed"
	ExportCSV                Action = "export.csv"
	BackupCreated            Action = "backup.created"
)

// The Whop integration's actions (package whopsync).
const (
	WhopConnected             Action = "whop.connected"
	WhopDisconnected          Action = "whop.disconnected"
	WhopOAuthRejected         Action = "whop.oauth.rejected"
	WhopOAuthDenied           Action = "whop.oauth.denied"
	WhopSyncFinished          Action = "whop.sync.finished"
	WhopSyncFailed            Action = "whop.sync.failed"
	WhopWebhookRejected       Action = "whop.webhook.rejected"
	WhopWebhookFailed         Action = "whop.webhook.failed"
	WhopWebhookRegistered     Action = "whop.webhook.registered"
	WhopWebhookRegisterFailed Action = "whop.webhook.register_failed"
	WhopWebhookSecretSet      Action = "whop.webhook.secret_set"
)

// The outgoing webhooks' actions (package webhooks): a webhook sends the
// workspace's records out, so who pointed one where is kept.
const (
	WebhookCreated  Action = "webhook.created"
	WebhookUpdated  Action = "webhook.updated"
	WebhookDeleted  Action = "webhook.deleted"
	WebhookDisabled Action = "webhook.disabled"
)

// WhopPrefix starts every action of the Whop integration.
const WhopPrefix = "whop."

type actionInfo struct {
	action Action
	label  string
}

// actions is the closed set, in the order the log's filter lists them,
// with the label people read.
var actions = []actionInfo{
	{MemberRoleChanged, "Member role changed"},
	{MemberRemoved, "Member removed"},
	{MemberAdded, "Member added"},
	{InviteSent, "Invite sent"},
	{InviteAccepted, "Invite accepted"},
	{InviteRevoked, "Invite withdrawn"},
	{APIKeyCreated, "API key created"},
	{APIKeyRevoked, "API key revoked"},
	{SignInNewPlace, "Sign-in from a new place"},
	{PasswordReset, "Password reset"},
	{PasswordChanged, "Password changed"},
	{WorkspaceCreated, "Workspace created"},
	{WorkspaceSettingsChanged, "Settings changed"},
	{ExportCSV, "CSV export"},
	{BackupCreated, "Backup created"},
	{WhopConnected, "Whop connected"},
	{WhopDisconnected, "Whop disconnected"},
	{WhopOAuthRejected, "Whop sign-in refused"},
	{WhopOAuthDenied, "Whop access denied"},
	{WhopSyncFinished, "Whop sync finished"},
	{WhopSyncFailed, "Whop sync failed"},
	{WhopWebhookRejected, "Whop webhook rejected"},
	{WhopWebhookFailed, "Whop event given up"},
	{WhopWebhookRegistered, "Whop webhook registered"},
	{WhopWebhookRegisterFailed, "Whop webhook not registered"},
	{WhopWebhookSecretSet, "Whop webhook secret set"},
	{WebhookCreated, "Webhook created"},
	{WebhookUpdated, "Webhook changed"},
	{WebhookDeleted, "Webhook deleted"},
	{WebhookDisabled, "Webhook disabled after failures"},
}

// Actions returns every action, in the order the log's filter lists them.
func Actions() []Action {
	out := make([]Action, len(actions))
	for i, a := range actions {
		out[i] = a.action
	}
	return out
}

// Known reports whether a is in the closed set.
func (a Action) Known() bool {
	return slices.ContainsFunc(actions, func(x actionInfo) bool { return x.action == a })
}

// Label is the action as people read it ("Member role changed"); an
// unknown action (from a newer version's rows) is shown as its name.
func (a Action) Label() string {
	for _, x := range actions {
		if x.action == a {
			return x.label
		}
	}
	return string(a)
}

// Whop reports whether the action is the Whop integration's.
func (a Action) Whop() bool { return strings.HasPrefix(string(a), WhopPrefix) }
