package ai

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/shared"
)

// DefaultOpenAIBaseURL is where OpenAI's API lives; OPENAI_BASE_URL points
// elsewhere (a local Ollama at http://127.0.0.1:11434/v1/, vLLM, LM Studio).
const DefaultOpenAIBaseURL = "https://api.openai.com/v1/"

// openAI speaks Chat Completions, which OpenAI-compatible servers share.
// Structured actions send response_format json_schema with strict: true.
type openAI struct {
	chat    openai.ChatCompletionService
	key     string
	retries int
}

// newOpenAI builds the client from explicit options only: it does not go
// through openai.NewClient, whose defaults read OPENAI_* from the
// environment, so a test's or another workspace's settings cannot leak in.
func newOpenAI(key, baseURL string, client *http.Client, retries int) *openAI {
	if baseURL == "" {
		baseURL = DefaultOpenAIBaseURL
	}
	return &openAI{
		chat: openai.NewChatCompletionService(option.WithHTTPClient(client), option.WithBaseURL(baseURL),
			option.WithAPIKey(key), option.WithMaxRetries(0)),
		key: key, retries: max(0, retries),
	}
}

func (*openAI) Name() string { return ProviderOpenAI }

func (p *openAI) Complete(ctx context.Context, r *Request) (*Response, error) {
	params := openai.ChatCompletionNewParams{
		Model:    shared.ChatModel(r.Model),
		Messages: []openai.ChatCompletionMessageParamUnion{openai.SystemMessage(r.System), openai.UserMessage(r.User)},
	}
	if openAIModel(r.Model) {
		params.MaxCompletionTokens = openai.Int(int64(r.MaxTokens))
	} else {
		// Ollama and other compatible servers document max_tokens, not
		// OpenAI's newer max_completion_tokens (which o-series models
		// require).
		params.MaxTokens = openai.Int(int64(r.MaxTokens))
	}
	if r.Temperature != nil {
		params.Temperature = openai.Float(*r.Temperature)
	}
	if r.Schema != nil {
		params.ResponseFormat = openai.ChatCompletionNewParamsResponseFormatUnion{OfJSONSchema: &shared.ResponseFormatJSONSchemaParam{
			JSONSchema: shared.ResponseFormatJSONSchemaJSONSchemaParam{Name: r.Schema.Name, Strict: openai.Bool(true), Schema: r.Schema.JSON(),
				Description: openai.String(r.Schema.Description)},
		}}
	}
	if r.Retry != "" {
		params.Messages = append(params.Messages, openai.UserMessage("Your previous answer was invalid: "+r.Retry+". Answer again with JSON that matches the schema exactly."))
	}
	c, err := withRetries(ctx, p.retries, func() (*openai.ChatCompletion, error) { return p.chat.New(ctx, params) }, p.classify)
	if err != nil {
		return nil, err
	}
	resp := &Response{Model: c.Model, InputTokens: c.Usage.PromptTokens, CachedInputTokens: c.Usage.PromptTokensDetails.CachedTokens, OutputTokens: c.Usage.CompletionTokens}
	if len(c.Choices) == 0 {
		return resp, &Error{Status: StatusError, Code: "EMPTY_ANSWER", Provider: ProviderOpenAI, Message: "the answer had no choices"}
	}
	ch := c.Choices[0]
	switch {
	case ch.Message.Refusal != "":
		return resp, &Error{Status: StatusRefused, Code: "refusal", Provider: ProviderOpenAI, Message: "the model refused: " + cut(ch.Message.Refusal, 300)}
	case ch.FinishReason == "length":
		return resp, &Error{Status: StatusTruncated, Code: "length", Provider: ProviderOpenAI, Message: "the answer was cut at the output limit of " + strconv.Itoa(r.MaxTokens) + " tokens"}
	case ch.FinishReason == "content_filter":
		return resp, &Error{Status: StatusRefused, Code: "content_filter", Provider: ProviderOpenAI, Message: "the provider's content filter stopped the answer"}
	}
	resp.Text = ch.Message.Content
	return resp, nil
}

// classify decides whether an OpenAI error is worth another attempt.
func (p *openAI) classify(err error) verdict {
	var ae *openai.Error
	if !errors.As(err, &ae) {
		return networkVerdict(ProviderOpenAI, err, p.key)
	}
	f := apiFailure{provider: ProviderOpenAI, status: ae.StatusCode, code: cmp.Or(ae.Code, ae.Type), message: ae.Message,
		exhausted: ae.Code == "insufficient_quota" || ae.Type == "insufficient_quota"}
	if ae.Response != nil {
		f.header = ae.Response.Header
	}
	return verdictOf(f, p.key)
}

// openAIModel reports whether a model is one of OpenAI's own (gpt-*, o1,
// o3, o4...), as opposed to a local model behind a compatible server.
func openAIModel(model string) bool {
	m := strings.ToLower(model)
	return strings.HasPrefix(m, "gpt-") || strings.HasPrefix(m, "chatgpt-") ||
		len(m) >= 2 && m[0] == 'o' && m[1] >= '0' && m[1] <= '9'
}
