package ratelimit

import (
	"testing"
	"time"
)

func TestWindow(t *testing.T) {
	w := New(3, time.Minute)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 3; i++ {
		if ok, _ := w.Allow("a", t0.Add(time.Duration(i)*time.Second)); !ok {
			t.Fatalf("Allow() #%d = false; want true", i)
		}
	}
	ok, retry := w.Allow("a", t0.Add(10*time.Second))
	if ok || retry != 50*time.Second {
		t.Fatalf("4th Allow() = %v, %s; want false, 50s", ok, retry)
	}
	if ok, _ := w.Allow("b", t0); !ok {
		t.Fatal("another key is limited")
	}
	if ok, _ := w.Allow("a", t0.Add(61*time.Second)); !ok {
		t.Fatal("Allow() after the window = false")
	}
	w.Hit("c", t0)
	w.Hit("c", t0)
	w.Hit("c", t0)
	if blocked, _ := w.Blocked("c", t0); !blocked {
		t.Fatal("Blocked() after 3 hits = false")
	}
	w.Reset("c")
	if blocked, _ := w.Blocked("c", t0); blocked {
		t.Fatal("Blocked() after Reset = true")
	}
}
