package web

// recordRoutes lists the record area's pages and actions.
func (u *UI) recordRoutes() []route {
	return nil
}
