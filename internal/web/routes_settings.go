package web

// settingsRoutes lists the settings area's pages and actions, and the
// account flows that start outside a session (invites, password reset).
// Roles: members may view settings, the member list and the Whop page and
// run a sync; everything that changes the workspace is for admins.
func (u *UI) settingsRoutes() []route {
	user, admin := u.requireUser, u.requireAdmin
	return []route{
		{"GET /settings", user(u.settingsWorkspace)},
		{"POST /settings/workspace", admin(u.settingsWorkspaceRename)},

		{"GET /settings/members", user(u.membersPage)},
		{"POST /settings/members/invite", admin(u.memberInvite)},
		{"POST /settings/members/{userID}/role", admin(u.memberRole)},
		{"GET /settings/members/{userID}/remove", admin(u.memberRemoveConfirm)},
		{"POST /settings/members/{userID}/remove", admin(u.memberRemove)},
		{"POST /settings/invites/{id}/revoke", admin(u.inviteRevoke)},
		{"GET /invite/{token}", u.invitePage},
		{"POST /invite/{token}", u.inviteAccept},

		{"GET /password/forgot", u.passwordForgot},
		{"POST /password/forgot", u.passwordForgotSubmit},
		{"GET /password/reset/{token}", u.passwordReset},
		{"POST /password/reset/{token}", u.passwordResetSubmit},

		{"GET /settings/api-keys", admin(u.apiKeysPage)},
		{"POST /settings/api-keys", admin(u.apiKeyCreate)},
		{"GET /settings/api-keys/{id}/revoke", admin(u.apiKeyRevokeConfirm)},
		{"POST /settings/api-keys/{id}/revoke", admin(u.apiKeyRevoke)},

		{"GET /settings/audit-log", admin(u.auditLog)},

		{"GET /settings/fields", admin(u.fieldsPage)},
		{"POST /settings/fields", admin(u.fieldCreate)},
		{"GET /settings/fields/{id}/delete", admin(u.fieldDeleteConfirm)},
		{"POST /settings/fields/{id}/delete", admin(u.fieldDelete)},

		{"GET /settings/integrations", user(u.whopIntegrations)},
		{"GET /settings/integrations/whop", user(u.whopPage)},
		{"POST /settings/integrations/whop/connect", admin(u.whopConnectKey)},
		{"POST /settings/integrations/whop/sync", user(u.whopSyncNow)},
		{"GET /settings/integrations/whop/sync/{runID}/events", user(u.whopSyncEvents)},
		{"POST /settings/integrations/whop/test-event", user(u.whopTestEvent)},
		{"POST /settings/integrations/whop/mapping", admin(u.whopMapping)},
		{"POST /settings/integrations/whop/disconnect", admin(u.whopDisconnect)},
		{"POST /settings/integrations/whop/webhook", admin(u.whopWebhookRecreate)},
		{"POST /settings/integrations/whop/webhook-secret", admin(u.whopWebhookSecret)},
	}
}
