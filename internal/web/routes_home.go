package web

// homeRoutes lists the home area's pages and actions.
func (u *UI) homeRoutes() []route {
	return nil
}
