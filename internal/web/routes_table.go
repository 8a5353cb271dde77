package web

// tableRoutes lists the table area's pages and actions.
func (u *UI) tableRoutes() []route {
	return nil
}
