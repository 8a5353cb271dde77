package config

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestLoadAI(t *testing.T) {
	key := base64.StdEncoding.EncodeToString(make([]byte, 32))
	for _, tc := range []struct {
		name    string
		env     map[string]string
		want    AI
		wantErr string
	}{
		{"offline without keys", map[string]string{}, AI{Provider: "offline", MaxTokens: 1024}, ""},
		{"openai when its key is set", map[string]string{"OPENAI_API_KEY": "sk-1", "ANTHROPIC_API_KEY": "ak-1"},
			AI{Provider: "openai", OpenAIAPIKey: "sk-1", AnthropicAPIKey: "ak-1", MaxTokens: 1024}, ""},
		{"anthropic when only its key is set", map[string]string{"ANTHROPIC_API_KEY": "ak-1"},
			AI{Provider: "anthropic", AnthropicAPIKey: "ak-1", MaxTokens: 1024}, ""},
		{"explicit provider wins", map[string]string{"AI_PROVIDER": "Offline", "OPENAI_API_KEY": "sk-1"},
			AI{Provider: "offline", OpenAIAPIKey: "sk-1", MaxTokens: 1024}, ""},
		{"everything", map[string]string{"AI_PROVIDER": "openai", "OPENAI_API_KEY": "ollama", "OPENAI_BASE_URL": "http://127.0.0.1:11434/v1/",
			"ANTHROPIC_BASE_URL": "http://127.0.0.1:9", "AI_MODEL": "llama3.2", "AI_MAX_TOKENS": "300"},
			AI{Provider: "openai", OpenAIAPIKey: "ollama", OpenAIBaseURL: "http://127.0.0.1:11434/v1/", AnthropicBaseURL: "http://127.0.0.1:9", Model: "llama3.2", MaxTokens: 300}, ""},
		{"unknown provider", map[string]string{"AI_PROVIDER": "gemini"}, AI{}, `AI_PROVIDER must be openai, anthropic or offline, got "gemini"`},
		{"max tokens not a number", map[string]string{"AI_MAX_TOKENS": "lots"}, AI{}, "AI_MAX_TOKENS must be a whole number from 1 to 200000"},
		{"max tokens zero", map[string]string{"AI_MAX_TOKENS": "0"}, AI{}, "AI_MAX_TOKENS must be a whole number"},
		{"base url without scheme", map[string]string{"OPENAI_BASE_URL": "localhost:11434/v1"}, AI{}, "OPENAI_BASE_URL must be an http or https URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.env["ROSTER_ENCRYPTION_KEY"] = key
			c, err := Load(env(tc.env), Options{})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Load() error = %v; want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load() = %v", err)
			}
			if c.AI != tc.want {
				t.Errorf("Load().AI = %+v; want %+v", c.AI, tc.want)
			}
		})
	}
}

func TestAIKeysStayOutOfLogsAndPrints(t *testing.T) {
	a := AI{Provider: "openai", OpenAIAPIKey: "sk-secret-openai", AnthropicAPIKey: "sk-ant-secret", MaxTokens: 1024}
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("config", "ai", a)
	for _, out := range []string{buf.String(), fmt.Sprintf("%v %+v %s", a, a, a)} {
		if strings.Contains(out, "secret") {
			t.Errorf("output shows a key: %s", out)
		}
	}
	if !strings.Contains(buf.String(), "openai_key=true") {
		t.Errorf("log = %s; want it to say a key is set", buf.String())
	}
}
