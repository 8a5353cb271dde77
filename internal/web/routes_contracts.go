package web

// contractRoutes are the contract pages. The signing pages and the
// verification page are public: a signer has no account, and anyone holding
// a PDF may check its seal. Everything else needs a workspace member.
func (u *UI) contractRoutes() []route {
	if u.cfg.Contracts == nil {
		return nil
	}
	user, admin := u.requireUser, u.requireAdmin
	return []route{
		{"GET /contracts", user(u.contractsPage)},
		{"GET /contracts/new", user(u.contractNew)},
		{"POST /contracts", user(u.contractSend)},
		{"GET /contracts/{id}", user(u.contractShow)},
		{"POST /contracts/{id}/void", user(u.contractVoid)},
		{"POST /contracts/{id}/remind", user(u.contractRemind)},
		{"GET /contract-templates", user(u.contractTemplates)},
		{"GET /contract-templates/new", user(u.contractTemplateEdit)},
		{"POST /contract-templates", user(u.contractTemplateSave)},
		{"GET /contract-templates/{id}", user(u.contractTemplateEdit)},
		{"POST /contract-templates/{id}", user(u.contractTemplateSave)},
		{"POST /contract-templates/preview", user(u.contractTemplatePreview)},
		{"GET /settings/contracts", admin(u.contractSettingsPage)},
		{"POST /settings/contracts", admin(u.contractSettingsSave)},
		{"GET /sign/{token}", u.signPage},
		{"POST /sign/{token}/consent", u.signConsent},
		{"POST /sign/{token}", u.signSubmit},
		{"POST /sign/{token}/decline", u.signDecline},
		{"GET /sign/{token}/document.pdf", u.signDocument},
		{"GET /contracts/verify", u.contractVerifyPage},
		{"POST /contracts/verify", u.contractVerify},
		{"GET /attachments/{id}", user(u.attachmentDownload)},
	}
}
