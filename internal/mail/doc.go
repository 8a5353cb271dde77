// Package mail is Roster's one mailer: invitations, password resets and
// workflow SEND_EMAIL steps all go through Service.Send.
//
// Two drivers: "smtp" sends through an SMTP server; "log" (the default when
// no server is configured) sends nothing. Either way every message is kept
// in the workspace's outbox (Settings -> Email): with "log" that is where an
// admin finds it, with "smtp" it is the history with each message's status
// and error.
//
// Links that work as credentials (invite and reset tokens) are passed as
// Message.Secrets: the outbox keeps the body with them masked, and only for
// the log driver also keeps them sealed under ROSTER_ENCRYPTION_KEY so an
// admin can open the message. Nothing secret is logged, and the SMTP
// password never leaves Config.
package mail
