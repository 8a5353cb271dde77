package ai_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// fake is an OpenAI and Anthropic server speaking their documented wire
// formats: POST /v1/chat/completions and POST /v1/messages answer from a
// FIFO of scripted replies per route and record every request (headers
// and decoded JSON). An unscripted request fails the test.
type fake struct {
	t   *testing.T
	srv *httptest.Server
	mu  sync.Mutex
	// replies per path
	replies map[string][]reply
	reqs    []recorded
}

type reply struct {
	status int
	header map[string]string
	body   string
}

type recorded struct {
	path   string
	header http.Header
	body   map[string]any
}

func newFake(t *testing.T) *fake {
	f := &fake{t: t, replies: map[string][]reply{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

const (
	chatPath     = "/v1/chat/completions"
	messagesPath = "/v1/messages"
)

func (f *fake) push(path string, r ...reply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.replies[path] = append(f.replies[path], r...)
}

func (f *fake) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

func (f *fake) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		f.t.Errorf("fake: %s body is not JSON: %s", r.URL.Path, raw)
	}
	f.mu.Lock()
	f.reqs = append(f.reqs, recorded{path: r.URL.Path, header: r.Header.Clone(), body: body})
	q := f.replies[r.URL.Path]
	if r.Method != http.MethodPost || len(q) == 0 {
		f.mu.Unlock()
		f.t.Errorf("fake: unexpected %s %s", r.Method, r.URL.Path)
		http.Error(w, `{"error":{"message":"not scripted","type":"invalid_request_error"}}`, http.StatusNotFound)
		return
	}
	rep := q[0]
	f.replies[r.URL.Path] = q[1:]
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	for k, v := range rep.header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(rep.status)
	_, _ = io.WriteString(w, rep.body)
}

// jsonString quotes s as a JSON string.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// openAIOK is a Chat Completions answer with content and usage.
func openAIOK(content string, in, cached, out int) reply {
	return reply{status: 200, body: `{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4.1-mini-2025-04-14",
"choices":[{"index":0,"message":{"role":"assistant","content":` + jsonString(content) + `,"refusal":null},"finish_reason":"stop"}],
"usage":{"prompt_tokens":` + itoa(in) + `,"completion_tokens":` + itoa(out) + `,"total_tokens":` + itoa(in+out) + `,"prompt_tokens_details":{"cached_tokens":` + itoa(cached) + `}}}`}
}

func openAIFinish(finish, content, refusal string) reply {
	ref := "null"
	if refusal != "" {
		ref = jsonString(refusal)
	}
	return reply{status: 200, body: `{"id":"chatcmpl-2","object":"chat.completion","created":1,"model":"gpt-4.1-mini",
"choices":[{"index":0,"message":{"role":"assistant","content":` + jsonString(content) + `,"refusal":` + ref + `},"finish_reason":"` + finish + `"}],
"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}`}
}

func openAIError(status int, typ, code, msg string, header map[string]string) reply {
	return reply{status: status, header: header, body: `{"error":{"message":` + jsonString(msg) + `,"type":"` + typ + `","param":null,"code":"` + code + `"}}`}
}

// anthropicTool is a Messages answer with one forced tool_use block.
func anthropicTool(name, input string, in, cacheRead, out int) reply {
	return reply{status: 200, header: map[string]string{"request-id": "req_1"}, body: `{"id":"msg_1","type":"message","role":"assistant","model":"claude-haiku-4-5-20251001",
"content":[{"type":"tool_use","id":"toolu_1","name":"` + name + `","input":` + input + `}],"stop_reason":"tool_use","stop_sequence":null,
"usage":{"input_tokens":` + itoa(in) + `,"output_tokens":` + itoa(out) + `,"cache_read_input_tokens":` + itoa(cacheRead) + `,"cache_creation_input_tokens":0}}`}
}

func anthropicText(text, stop string) reply {
	return reply{status: 200, body: `{"id":"msg_2","type":"message","role":"assistant","model":"claude-haiku-4-5-20251001",
"content":[{"type":"text","text":` + jsonString(text) + `}],"stop_reason":"` + stop + `","stop_sequence":null,"usage":{"input_tokens":12,"output_tokens":4}}`}
}

func anthropicError(status int, typ, msg, errorCode string, header map[string]string) reply {
	details := ""
	if errorCode != "" {
		details = `,"details":{"error_code":"` + errorCode + `"}`
	}
	return reply{status: status, header: header, body: `{"type":"error","error":{"type":"` + typ + `","message":` + jsonString(msg) + details + `},"request_id":"req_e"}`}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// path reads a value from a decoded JSON body by dotted path (numbers
// index arrays).
func path(v any, p string) any {
	for _, seg := range strings.Split(p, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[seg]
		case []any:
			i := 0
			for _, c := range seg {
				i = i*10 + int(c-'0')
			}
			if i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}
