package ai

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"
)

// DefaultAnthropicBaseURL is Anthropic's API host; the SDK adds
// v1/messages.
const DefaultAnthropicBaseURL = "https://api.anthropic.com/"

// anthropicProvider speaks the Messages API. Structured actions force one
// tool whose input_schema is the action's schema and read its input.
type anthropicProvider struct {
	messages anthropic.MessageService
	key      string
	retries  int
}

// newAnthropic builds the client with WithoutEnvironmentDefaults, so
// ANTHROPIC_* variables and credential files are never read behind
// Roster's back; key and base URL are passed explicitly.
func newAnthropic(key, baseURL string, client *http.Client, retries int) *anthropicProvider {
	if baseURL == "" {
		baseURL = DefaultAnthropicBaseURL
	}
	c := anthropic.NewClient(option.WithoutEnvironmentDefaults(), option.WithHTTPClient(client), option.WithBaseURL(baseURL),
		option.WithAPIKey(key), option.WithMaxRetries(0), option.WithRequestTimeout(CallTimeout))
	return &anthropicProvider{messages: c.Messages, key: key, retries: max(0, retries)}
}

func (*anthropicProvider) Name() string { return ProviderAnthropic }

func (p *anthropicProvider) Complete(ctx context.Context, r *Request) (*Response, error) {
	user := r.User
	if r.Retry != "" {
		user += "\n\nYour previous answer was invalid: " + r.Retry + ". Answer again, matching the schema exactly."
	}
	params := anthropic.MessageNewParams{
		Model:     anthropic.Model(r.Model),
		MaxTokens: int64(min(r.MaxTokens, anthropicMaxTokens)),
		System:    []anthropic.TextBlockParam{{Text: r.System}},
		Messages:  []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock(user))},
	}
	if r.Schema != nil {
		js := r.Schema.JSON()
		params.Tools = []anthropic.ToolUnionParam{{OfTool: &anthropic.ToolParam{
			Name: r.Schema.Name, Description: anthropic.String(r.Schema.Description),
			InputSchema: anthropic.ToolInputSchemaParam{Properties: js["properties"], Required: js["required"].([]string),
				ExtraFields: map[string]any{"additionalProperties": false}},
		}}}
		params.ToolChoice = anthropic.ToolChoiceUnionParam{OfTool: &anthropic.ToolChoiceToolParam{Name: r.Schema.Name}}
	}
	m, err := withRetries(ctx, p.retries, func() (*anthropic.Message, error) { return p.messages.New(ctx, params) }, p.classify)
	if err != nil {
		return nil, err
	}
	u := m.Usage
	resp := &Response{Model: string(m.Model), InputTokens: u.InputTokens + u.CacheReadInputTokens + u.CacheCreationInputTokens,
		CachedInputTokens: u.CacheReadInputTokens, OutputTokens: u.OutputTokens}
	switch m.StopReason {
	case "refusal":
		return resp, &Error{Status: StatusRefused, Code: "refusal", Provider: ProviderAnthropic, Message: "the model refused to answer"}
	case "max_tokens", "model_context_window_exceeded":
		return resp, &Error{Status: StatusTruncated, Code: string(m.StopReason), Provider: ProviderAnthropic, Message: "the answer was cut at the output limit of " + strconv.Itoa(r.MaxTokens) + " tokens"}
	}
	var text strings.Builder
	for _, b := range m.Content {
		switch {
		case r.Schema != nil && b.Type == "tool_use" && b.Name == r.Schema.Name:
			resp.Text = string(b.Input)
			return resp, nil
		case b.Type == "text":
			text.WriteString(b.Text)
		}
	}
	resp.Text = text.String()
	return resp, nil
}

// classify decides whether an Anthropic error is worth another attempt.
func (p *anthropicProvider) classify(err error) verdict {
	var ae *anthropic.Error
	if !errors.As(err, &ae) {
		return networkVerdict(ProviderAnthropic, err, p.key)
	}
	ec := ae.ErrorCode()
	f := apiFailure{provider: ProviderAnthropic, status: ae.StatusCode, code: cmp.Or(string(ec), string(ae.Type())), message: ae.Message,
		exhausted: ec == anthropic.ErrorCodeEnforcedSpendLimitReached || ec == anthropic.ErrorCodeContractSpendLimitReached}
	if ae.Response != nil {
		f.header = ae.Response.Header
	}
	return verdictOf(f, p.key)
}
