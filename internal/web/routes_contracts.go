package web

// contractRoutes are the contract pages. The signing pages and the
// verification page are public: a signer has no account, and anyone holding
// a PDF may check its seal. Everything else needs a workspace member.
func (u *UI) contractRoutes() []route {
	if u.cfg.Contracts == nil {
		return nil
	}
	user := u.requireUser
	return []route{
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
