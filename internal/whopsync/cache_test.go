package whopsync_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/roster-crm/roster/internal/whop"
	"github.com/roster-crm/roster/internal/whopsync"
)

// TestCaches checks both product caches behave the same: a miss, a hit after
// Set, and expiry. The Redis one runs against the machine's Redis
// (REDIS_URL, default redis://127.0.0.1:6379/0); it fails if Redis is down.
func TestCaches(t *testing.T) {
	ctx := context.Background()
	url := os.Getenv("REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/0"
	}
	rc, err := whopsync.NewRedisCache(ctx, url, time.Second)
	if err != nil {
		t.Fatalf("Redis at %s: %v", url, err)
	}
	defer rc.Close()
	for name, c := range map[string]whopsync.Cache{"memory": whopsync.NewMemoryCache(time.Second), "redis": rc} {
		t.Run(name, func(t *testing.T) {
			key := "plan:test:" + randHex(6)
			var p whop.Plan
			if c.Get(ctx, key, &p) {
				t.Fatal("hit before Set")
			}
			c.Set(ctx, key, whop.Plan{ID: "plan_1", Title: "Monthly", RenewalPrice: 25})
			if !c.Get(ctx, key, &p) || p.ID != "plan_1" || p.RenewalPrice != 25 {
				t.Fatalf("Get after Set = %+v", p)
			}
			time.Sleep(1100 * time.Millisecond)
			if c.Get(ctx, key, &p) {
				t.Fatal("hit after the TTL")
			}
		})
	}
}
