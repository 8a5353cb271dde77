package contracts

import "time"

// JSON renders a contract in the APIs' shape (GraphQL's Contract field
// names): REST answers with it (adding signing links for admins and the
// audit trail), and workflow triggers offer it as {{trigger.contract.*}}.
// Signers are in signing order, without their links.
func (s *Service) JSON(c *Contract) map[string]any {
	signers := make([]any, 0, len(c.Signers))
	for _, g := range c.Signers {
		signers = append(signers, map[string]any{"id": g.ID, "name": g.Name, "email": g.Email, "role": g.Role, "order": g.Order,
			"status": g.Status, "sentAt": timeJSON(g.SentAt), "viewedAt": timeJSON(g.ViewedAt), "signedAt": timeJSON(g.SignedAt),
			"declineReason": nullable(g.DeclineReason), "ip": nullable(g.IP), "userAgent": nullable(g.UserAgent)})
	}
	url := func(id *string) any {
		if id == nil {
			return nil
		}
		return s.AttachmentURL(*id)
	}
	return map[string]any{"id": c.ID, "name": c.Name, "templateId": c.TemplateID, "templateVersion": c.TemplateVersion,
		"status": c.Status, "provider": c.Provider, "providerRequestId": c.ProviderRequestID, "personId": c.PersonID,
		"companyId": c.CompanyID, "opportunityId": c.OpportunityID, "message": c.Message, "document": c.Document, "signers": signers,
		"originalSha256": c.OriginalSHA256, "finalSha256": nullable(c.FinalSHA256), "originalPdfUrl": url(c.OriginalAttachmentID),
		"signedPdfUrl": url(c.SignedAttachmentID), "voidReason": nullable(c.VoidReason), "sentAt": timeJSON(c.SentAt),
		"completedAt": timeJSON(c.CompletedAt), "expiresAt": timeJSON(c.ExpiresAt), "createdAt": timeJSON(&c.CreatedAt),
		"updatedAt": timeJSON(&c.UpdatedAt)}
}

func timeJSON(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
