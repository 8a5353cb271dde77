package web

// webhookRoutes are Settings -> Webhooks: outgoing webhooks and their
// delivery log. Admins only, like the APIs: a webhook sends record data
// out of Roster.
func (u *UI) webhookRoutes() []route {
	admin := u.requireAdmin
	return []route{
		{"GET /settings/webhooks", admin(u.webhooksPage)},
		{"POST /settings/webhooks", admin(u.webhookCreate)},
		{"GET /settings/webhooks/{id}", admin(u.webhookShow)},
		{"POST /settings/webhooks/{id}", admin(u.webhookUpdate)},
		{"GET /settings/webhooks/{id}/delete", admin(u.webhookDeleteConfirm)},
		{"POST /settings/webhooks/{id}/delete", admin(u.webhookDelete)},
		{"POST /settings/webhooks/{id}/deliveries/{deliveryID}/redeliver", admin(u.webhookRedeliver)},
	}
}
