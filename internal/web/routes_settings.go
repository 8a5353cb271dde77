package web

// settingsRoutes lists the settings area's pages and actions.
func (u *UI) settingsRoutes() []route {
	return nil
}
