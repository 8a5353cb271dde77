package app

import "testing"

func TestDemoReceiverURL(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]string{
		"127.0.0.1:8080": "http://127.0.0.1:8080/demo/webhook-receiver",
		":8080":          "http://127.0.0.1:8080/demo/webhook-receiver",
		"0.0.0.0:9000":   "http://127.0.0.1:9000/demo/webhook-receiver",
		"[::]:9000":      "http://127.0.0.1:9000/demo/webhook-receiver",
		"[::1]:9000":     "http://[::1]:9000/demo/webhook-receiver",
		"localhost:7000": "http://localhost:7000/demo/webhook-receiver",
	} {
		if got := demoReceiverURL(addr); got != want {
			t.Errorf("demoReceiverURL(%q) = %q; want %q", addr, got, want)
		}
	}
}
