package config

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
)

// AI providers AI_PROVIDER accepts.
const (
	AIProviderOpenAI    = "openai"
	AIProviderAnthropic = "anthropic"
	AIProviderOffline   = "offline"
)

// DefaultAIMaxTokens is AI_MAX_TOKENS when it is not set: the output cap of
// one call.
const DefaultAIMaxTokens = 1024

// AI configures the AI actions with the variable names users already have
// from the providers' own tools. The keys are secrets: LogValue leaves them
// out, and the ai package hands them to the SDK clients explicitly (the
// SDKs would otherwise read OPENAI_* and ANTHROPIC_* on their own).
type AI struct {
	// Provider is openai, anthropic or offline (AI_PROVIDER). Unset, it is
	// openai when OPENAI_API_KEY is set, else anthropic when
	// ANTHROPIC_API_KEY is set, else offline.
	Provider string
	// OpenAIAPIKey and OpenAIBaseURL (OPENAI_API_KEY, OPENAI_BASE_URL; the
	// base URL includes /v1 and points at any OpenAI-compatible server:
	// Ollama, vLLM, LM Studio).
	OpenAIAPIKey  string
	OpenAIBaseURL string
	// AnthropicAPIKey and AnthropicBaseURL (ANTHROPIC_API_KEY,
	// ANTHROPIC_BASE_URL; host only, the SDK adds /v1/messages).
	AnthropicAPIKey  string
	AnthropicBaseURL string
	// Model overrides the provider's default model (AI_MODEL).
	Model string
	// MaxTokens caps the output tokens of one call (AI_MAX_TOKENS, default
	// 1024).
	MaxTokens int
}

// LogValue leaves the keys out of any log line that prints the settings.
func (a AI) LogValue() slog.Value {
	return slog.GroupValue(slog.String("provider", a.Provider), slog.String("model", a.Model), slog.Int("max_tokens", a.MaxTokens),
		slog.Bool("openai_key", a.OpenAIAPIKey != ""), slog.String("openai_base_url", a.OpenAIBaseURL),
		slog.Bool("anthropic_key", a.AnthropicAPIKey != ""), slog.String("anthropic_base_url", a.AnthropicBaseURL))
}

// String keeps the keys out of %v and %+v.
func (a AI) String() string {
	return fmt.Sprintf("AI{provider:%s model:%s max_tokens:%d}", a.Provider, a.Model, a.MaxTokens)
}

// loadAI reads and checks the AI_* and provider variables.
func loadAI(getenv Getenv) (AI, error) {
	a := AI{
		Provider:         strings.ToLower(strings.TrimSpace(getenv("AI_PROVIDER"))),
		OpenAIAPIKey:     strings.TrimSpace(getenv("OPENAI_API_KEY")),
		OpenAIBaseURL:    strings.TrimSpace(getenv("OPENAI_BASE_URL")),
		AnthropicAPIKey:  strings.TrimSpace(getenv("ANTHROPIC_API_KEY")),
		AnthropicBaseURL: strings.TrimSpace(getenv("ANTHROPIC_BASE_URL")),
		Model:            strings.TrimSpace(getenv("AI_MODEL")),
		MaxTokens:        DefaultAIMaxTokens,
	}
	switch a.Provider {
	case "":
		a.Provider = AIProviderOffline
		if a.AnthropicAPIKey != "" {
			a.Provider = AIProviderAnthropic
		}
		if a.OpenAIAPIKey != "" {
			a.Provider = AIProviderOpenAI
		}
	case AIProviderOpenAI, AIProviderAnthropic, AIProviderOffline:
	default:
		return AI{}, fmt.Errorf("config: AI_PROVIDER must be openai, anthropic or offline, got %q", a.Provider)
	}
	for name, u := range map[string]string{"OPENAI_BASE_URL": a.OpenAIBaseURL, "ANTHROPIC_BASE_URL": a.AnthropicBaseURL} {
		if u != "" && !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			return AI{}, fmt.Errorf("config: %s must be an http or https URL, got %q", name, u)
		}
	}
	if v := strings.TrimSpace(getenv("AI_MAX_TOKENS")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200000 {
			return AI{}, fmt.Errorf("config: AI_MAX_TOKENS must be a whole number from 1 to 200000, got %q", v)
		}
		a.MaxTokens = n
	}
	return a, nil
}
