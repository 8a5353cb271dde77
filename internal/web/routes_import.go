package web

// importRoutes lists the import area's pages and actions.
func (u *UI) importRoutes() []route {
	return nil
}
