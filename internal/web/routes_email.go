package web

// emailRoutes are Settings -> Email: the mailer in use and its outbox. Admins
// only: messages can hold invite and reset links.
func (u *UI) emailRoutes() []route {
	admin := u.requireAdmin
	return []route{
		{"GET /settings/email", admin(u.emailOutbox)},
		{"GET /settings/email/{id}", admin(u.emailShow)},
	}
}
