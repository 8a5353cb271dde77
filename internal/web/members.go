package web

import (
	"net/http"
	"strings"

	"github.com/roster-crm/roster/internal/auth"
	"github.com/roster-crm/roster/internal/mail"
)

type membersData struct {
	Members []*auth.Member
	Invites []*auth.Invite
	IsAdmin bool
	SelfID  string
	// InviteLink is set once, on the page that answers the invite form;
	// InviteMail says what the mailer did with it.
	InviteLink  string
	InviteEmail string
	InviteMail  inviteMail
	Email, Role string
	Errors      map[string]string
}

// membersPage lists the workspace's members and, for admins, the invite
// form and open invites.
func (u *UI) membersPage(w http.ResponseWriter, r *http.Request) error {
	d, err := u.membersData(r)
	if err != nil {
		return err
	}
	d.Role = string(auth.RoleMember)
	return u.render(w, r, "members", "Members · Settings", d)
}

func (u *UI) membersData(r *http.Request) (*membersData, error) {
	p := auth.PrincipalFrom(r.Context())
	ms, err := u.cfg.Auth.ListMembers(r.Context(), p.WorkspaceID)
	if err != nil {
		return nil, err
	}
	d := &membersData{Members: ms, IsAdmin: settingsIsAdmin(r), SelfID: settingsDeref(p.UserID), Errors: map[string]string{}}
	if d.IsAdmin {
		if d.Invites, err = u.cfg.Auth.ListInvites(r.Context(), p.WorkspaceID); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func settingsDeref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// inviteMail is what happened to an invite's email: sent, kept in the
// outbox (log driver), or failed with the mailer's reason.
type inviteMail struct {
	Sent, Kept bool
	OutboxID   string
	Error      string
}

// memberInvite creates an invite link (admins) and hands it to the mailer:
// emailed with SMTP, kept in Settings -> Email with the log driver. The link
// is also shown on this page once; it is never logged, and only its hash is
// stored.
func (u *UI) memberInvite(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	email, role := strings.TrimSpace(r.PostFormValue("email")), r.PostFormValue("role")
	in, token, err := u.cfg.Auth.CreateInvite(r.Context(), auth.CreateInviteParams{WorkspaceID: p.WorkspaceID, Email: email, Role: auth.Role(role), CreatedBy: p.UserID, By: p.AuditActor()})
	d, derr := u.membersData(r)
	if derr != nil {
		return derr
	}
	d.Email, d.Role = email, role
	if err != nil {
		errs, ok := settingsFormErrors(err, map[string]string{"email": "email", "role": "role"}, "email")
		if !ok {
			return err
		}
		d.Errors = errs
		w.WriteHeader(http.StatusBadRequest)
		return u.render(w, r, "members", "Members · Settings", d)
	}
	d.InviteLink, d.InviteEmail = u.settingsLink(r, "/invite/"+token), in.Email
	res, err := u.cfg.Auth.SendInvite(r.Context(), auth.SendInviteParams{Invite: in, Token: token, Link: d.InviteLink, InvitedBy: p.Name})
	if res != nil {
		d.InviteMail = inviteMail{Sent: res.Sent, Kept: res.Status == mail.StatusLogged, OutboxID: res.ID}
	}
	if err != nil {
		// The invite exists and its link is on this page: a mail failure
		// is reported, not a 500. The error names no token.
		d.InviteMail.Error = err.Error()
		u.log.WarnContext(r.Context(), "invite email not sent", "workspace_id", p.WorkspaceID, "invite_id", in.ID, "error", err)
	}
	d.Email, d.Role = "", string(auth.RoleMember)
	return u.render(w, r, "members", "Members · Settings", d)
}

// memberRole changes a member's role (admins); the last admin stays one.
func (u *UI) memberRole(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	err := u.cfg.Auth.SetMemberRole(r.Context(), p.WorkspaceID, r.PathValue("userID"), auth.Role(r.PostFormValue("role")), p.AuditActor())
	if err != nil {
		errs, ok := settingsFormErrors(err, nil, "member")
		if !ok {
			return err
		}
		d, derr := u.membersData(r)
		if derr != nil {
			return derr
		}
		d.Errors, d.Role = errs, string(auth.RoleMember)
		w.WriteHeader(http.StatusBadRequest)
		return u.render(w, r, "members", "Members · Settings", d)
	}
	if r.PathValue("userID") == settingsDeref(p.UserID) && auth.Role(r.PostFormValue("role")) != auth.RoleAdmin {
		return u.redirect(w, r, "/settings/members", "You are now a member of this workspace.")
	}
	return u.redirect(w, r, "/settings/members", "Role changed.")
}

type memberRemoveData struct {
	Member *auth.Member
	Self   bool
	Error  string
}

// memberRemoveConfirm asks before taking someone out of the workspace.
func (u *UI) memberRemoveConfirm(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	m, err := u.findMember(r, r.PathValue("userID"))
	if err != nil {
		return err
	}
	return u.render(w, r, "members_remove", "Remove member · Settings", memberRemoveData{Member: m, Self: m.UserID == settingsDeref(p.UserID)})
}

func (u *UI) findMember(r *http.Request, userID string) (*auth.Member, error) {
	p := auth.PrincipalFrom(r.Context())
	ms, err := u.cfg.Auth.ListMembers(r.Context(), p.WorkspaceID)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if m.UserID == userID {
			return m, nil
		}
	}
	return nil, settingsNotFound("member")
}

// memberRemove takes a member out of the workspace (admins); their sessions
// here end. The last admin cannot be removed.
func (u *UI) memberRemove(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	m, err := u.findMember(r, r.PathValue("userID"))
	if err != nil {
		return err
	}
	if err := u.cfg.Auth.RemoveMember(r.Context(), p.WorkspaceID, m.UserID, p.AuditActor()); err != nil {
		errs, ok := settingsFormErrors(err, nil, "member")
		if !ok {
			return err
		}
		w.WriteHeader(http.StatusBadRequest)
		return u.render(w, r, "members_remove", "Remove member · Settings", memberRemoveData{Member: m, Self: m.UserID == settingsDeref(p.UserID), Error: errs["member"]})
	}
	if m.UserID == settingsDeref(p.UserID) {
		return u.redirect(w, r, "/login", "You left the workspace.")
	}
	return u.redirect(w, r, "/settings/members", m.Email+" was removed from the workspace.")
}

// inviteRevoke withdraws an open invite (admins).
func (u *UI) inviteRevoke(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	if err := u.cfg.Auth.RevokeInvite(r.Context(), p.WorkspaceID, r.PathValue("id"), p.AuditActor()); err != nil {
		return err
	}
	return u.redirect(w, r, "/settings/members", "Invite withdrawn.")
}
