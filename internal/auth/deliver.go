package auth

import (
	"context"
	"fmt"

	"github.com/roster-crm/roster/internal/mail"
)

// Mailer is the mailer invites and resets go through, for surfaces that
// show its outbox.
func (s *Service) Mailer() *mail.Service { return s.mail }

// SendInviteParams are the inputs of SendInvite.
type SendInviteParams struct {
	Invite *Invite
	// Token is the invite's token as CreateInvite returned it, and Link the
	// page it opens (the caller knows the deployment's address).
	Token, Link string
	// InvitedBy names the admin who invited, for the greeting.
	InvitedBy string
}

// SendInvite emails an invite link through the mailer. With the log driver
// the message is kept in the workspace's outbox instead (the token sealed,
// for admins to open), and the result says it was not sent. The token is
// never logged. Sending the same invite twice sends once.
func (s *Service) SendInvite(ctx context.Context, p SendInviteParams) (*mail.Result, error) {
	ws, err := s.Workspace(ctx, p.Invite.WorkspaceID)
	if err != nil {
		return nil, err
	}
	who := p.InvitedBy
	if who == "" {
		who = "An admin"
	}
	body := fmt.Sprintf("%s invited you to join %s on Roster as %s.\n\nAccept the invitation: %s\n\n"+
		"The link works once and expires on %s. If you did not expect this invitation, ignore this email.",
		who, ws.Name, p.Invite.Role, p.Link, p.Invite.ExpiresAt.Format("2 January 2006"))
	res, err := s.mail.Send(ctx, &mail.Message{WorkspaceID: ws.ID, Kind: mail.KindInvite, To: []string{p.Invite.Email},
		Subject: "Join " + ws.Name + " on Roster", Body: body, IdempotencyKey: "invite:" + p.Invite.ID, Secrets: []string{p.Token}})
	if err != nil {
		return res, fmt.Errorf("auth: send invite: %w", err)
	}
	return res, nil
}

// SendPasswordResetParams are the inputs of SendPasswordReset.
type SendPasswordResetParams struct {
	User *User
	// Token is the reset token RequestPasswordReset returned, and Link the
	// page it opens.
	Token, Link string
}

// SendPasswordReset emails a reset link through the mailer. The outbox
// keeps it in the account's oldest workspace (with the log driver that is
// where an admin of that workspace finds it); an account in no workspace
// has no outbox and gets nothing (nil result, nil error).
func (s *Service) SendPasswordReset(ctx context.Context, p SendPasswordResetParams) (*mail.Result, error) {
	ms, err := s.store.MemberListByUser(ctx, p.User.ID)
	if err != nil {
		return nil, fmt.Errorf("auth: send password reset: %w", err)
	}
	if len(ms) == 0 {
		return nil, nil
	}
	body := fmt.Sprintf("Someone asked to reset the password of your Roster account %s.\n\nChoose a new password: %s\n\n"+
		"The link works once, for %d minutes. If you did not ask for it, ignore this email: your password stays as it is.",
		p.User.Email, p.Link, int(ResetTTL.Minutes()))
	res, err := s.mail.Send(ctx, &mail.Message{WorkspaceID: ms[0].WorkspaceID, Kind: mail.KindPasswordReset, To: []string{p.User.Email},
		Subject: "Reset your Roster password", Body: body, Secrets: []string{p.Token}})
	if err != nil {
		return res, fmt.Errorf("auth: send password reset: %w", err)
	}
	return res, nil
}
