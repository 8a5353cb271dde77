package ai

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// Provider names, as usage rows and results carry them.
const (
	ProviderOpenAI    = "openai"
	ProviderAnthropic = "anthropic"
	ProviderOffline   = "offline"
)

// Provider answers one prompt. Implementations do not retry invalid output
// or write usage: the Service does both, the same way for every provider.
type Provider interface {
	// Name is openai, anthropic or offline.
	Name() string
	// Complete sends one request. A refusal, a truncated answer, a rate
	// limit and other provider failures are returned as *Error so the usage
	// row can say which; the Response is returned with them when the
	// provider reported usage.
	Complete(ctx context.Context, r *Request) (*Response, error)
}

// Request is one call to a provider.
type Request struct {
	Action string
	Model  string
	// System holds the instructions, User the data (inside delimiters).
	System string
	User   string
	// Schema, when set, asks for JSON matching it (OpenAI json_schema
	// strict, Anthropic one forced tool); nil asks for free text.
	Schema *OutputSchema
	// MaxTokens caps the output tokens; Temperature is nil for the
	// provider's default.
	MaxTokens   int
	Temperature *float64
	// Facts is what the offline provider computes from instead of the
	// prompt (a model reads the prompt; rules read the facts).
	Facts any
	// Retry is the validator's complaint about a previous answer, for the
	// one re-ask.
	Retry string
}

// Response is a provider's answer.
type Response struct {
	// Text is the answer: JSON for a structured request.
	Text string
	// Model is the model that answered, as the provider names it.
	Model             string
	InputTokens       int64
	CachedInputTokens int64
	OutputTokens      int64
}

// Statuses of a call, as usage rows carry them.
const (
	StatusSuccess        = "SUCCESS"
	StatusError          = "ERROR"
	StatusRefused        = "REFUSED"
	StatusTruncated      = "TRUNCATED"
	StatusBudgetExceeded = "BUDGET_EXCEEDED"
	StatusRateLimited    = "RATE_LIMITED"
)

// Error is a failed call: the status it leaves in the usage row, a code
// (the provider's error code or Roster's), and a message that names the
// provider's own words but never a key.
type Error struct {
	Status   string
	Code     string
	Provider string
	Message  string
	// RetryAfter is the wait a rate-limited provider asked for (0: none).
	RetryAfter time.Duration
	// Raw is the model's answer for ErrInvalidOutput, kept for the run log.
	Raw string
}

func (e *Error) Error() string {
	if e.Provider != "" {
		return fmt.Sprintf("ai: %s: %s (%s)", e.Provider, e.Message, e.Code)
	}
	return fmt.Sprintf("ai: %s (%s)", e.Message, e.Code)
}

// Is makes errors.Is(err, ErrRefused) and the like match by status.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == "" && t.Status == e.Status && (t.Status != StatusError || t.Message == "")
}

// Unwrap lets the surfaces map a rate limit to their 429.
func (e *Error) Unwrap() error {
	if e.Status == StatusRateLimited {
		return crm.ErrRateLimited
	}
	return nil
}

// Sentinels for errors.Is: each matches every *Error of its status.
var (
	ErrRefused        = &Error{Status: StatusRefused}
	ErrTruncated      = &Error{Status: StatusTruncated}
	ErrBudgetExceeded = &Error{Status: StatusBudgetExceeded}
	ErrRateLimited    = &Error{Status: StatusRateLimited}
)

// ErrInvalidOutput is the code of an answer that still did not match the
// action's schema after the one re-ask.
const ErrInvalidOutput = "INVALID_OUTPUT"

// IsInvalidOutput reports whether err is an answer that failed validation.
func IsInvalidOutput(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == ErrInvalidOutput
}

// errorCode returns the code and status a usage row records for err.
func errorCode(err error) (status, code string) {
	var e *Error
	if errors.As(err, &e) {
		return e.Status, e.Code
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return StatusError, "TIMEOUT"
	}
	return StatusError, "INTERNAL"
}
