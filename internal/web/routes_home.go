package web

// homeRoutes lists the home area's pages and actions. (GET / itself, the
// dashboard, is registered by server.go.)
func (u *UI) homeRoutes() []route {
	return []route{
		{"GET /search", u.requireUser(u.searchPage)},
	}
}
