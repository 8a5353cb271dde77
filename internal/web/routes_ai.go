package web

// aiRoutes are Settings -> AI: the workspace's provider, model, key,
// budget and limits, and its usage. Admins only, like the APIs: the page
// shows spending and takes an API key.
func (u *UI) aiRoutes() []route {
	admin := u.requireAdmin
	return []route{
		{"GET /settings/ai", admin(u.aiSettingsPage)},
		{"POST /settings/ai", admin(u.aiSettingsSave)},
		{"GET /settings/ai/usage.csv", admin(u.aiUsageCSV)},
		{"GET /settings/ai/templates", admin(u.aiTemplatesPage)},
		{"POST /settings/ai/templates", admin(u.aiTemplateSubmit)},
	}
}
