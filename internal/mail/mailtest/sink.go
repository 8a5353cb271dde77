// Package mailtest runs a real SMTP server for tests (emersion/go-smtp),
// so the mailer is tested through a real SMTP conversation: EHLO, AUTH,
// MAIL, RCPT, DATA.
package mailtest

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/mail"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Received is one message the sink accepted.
type Received struct {
	From string
	To   []string
	// Data is the message as sent, headers and MIME parts included.
	Data   []byte
	Header mail.Header
}

// Sink is a plain-text SMTP server on 127.0.0.1. When User is set, it
// requires AUTH PLAIN with User and Password.
type Sink struct {
	Host     string
	Port     int
	User     string
	Password string

	mu       sync.Mutex
	received []Received
	// Reject, when set, answers every RCPT with this error.
	reject error
}

// Start runs a sink until the test ends. user may be empty for a server
// without authentication.
func Start(t testing.TB, user, password string) *Sink {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: listen: %v", err)
	}
	s := &Sink{Host: "127.0.0.1", Port: ln.Addr().(*net.TCPAddr).Port, User: user, Password: password}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{sink: s}, nil }))
	srv.Domain = "sink.test"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

// Addr is host:port.
func (s *Sink) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// RejectRecipients makes the server refuse every recipient with err (nil
// accepts again), to test failed sends.
func (s *Sink) RejectRecipients(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reject = err
}

// Messages returns a copy of what the sink has accepted so far. The sink
// stores a message before it answers DATA, so once the client's send has
// returned the message is here: no waiting needed.
func (s *Sink) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.received...)
}

type session struct {
	sink   *Sink
	authed bool
	from   string
	to     []string
}

func (ss *session) AuthMechanisms() []string {
	if ss.sink.User == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != ss.sink.User || password != ss.sink.Password {
			return smtp.ErrAuthFailed
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.sink.User != "" && !ss.authed {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.sink.mu.Lock()
	reject := ss.sink.reject
	ss.sink.mu.Unlock()
	if reject != nil {
		return reject
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return errors.New("mailtest: unreadable message: " + err.Error())
	}
	ss.sink.mu.Lock()
	defer ss.sink.mu.Unlock()
	ss.sink.received = append(ss.sink.received, Received{From: ss.from, To: ss.to, Data: data, Header: msg.Header})
	return nil
}

func (ss *session) Reset()        { ss.from, ss.to = "", nil }
func (ss *session) Logout() error { return nil }
