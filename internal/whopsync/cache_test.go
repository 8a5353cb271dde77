package whopsync_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/roster-crm/roster/internal/whop"
	"github.com/roster-crm/roster/internal/whopsync"
)

// TestCaches checks both product caches behave the same: a miss, a hit after
// Set, and expiry after the TTL. Neither test waits for the TTL: the memory
// cache runs on a test clock, and for Redis the test reads the expiry Redis
// holds for the key (Redis's own clock enforces it). The Redis one runs
// against the machine's Redis (REDIS_URL, default redis://127.0.0.1:6379/0);
// it fails if Redis is down.
func TestCaches(t *testing.T) {
	ctx := context.Background()
	url := os.Getenv("REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/0"
	}
	const ttl = time.Hour
	rc, err := whopsync.NewRedisCache(ctx, url, ttl)
	if err != nil {
		t.Fatalf("Redis at %s: %v", url, err)
	}
	defer rc.Close()
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	raw := redis.NewClient(opts)
	defer raw.Close()

	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	mc := whopsync.NewMemoryCache(ttl, func() time.Time { return now })
	for _, tc := range []struct {
		name    string
		c       whopsync.Cache
		expires func(t *testing.T, key string)
	}{
		{"memory", mc, func(t *testing.T, key string) {
			var p whop.Plan
			now = now.Add(ttl - time.Second)
			if !mc.Get(ctx, key, &p) {
				t.Fatal("miss a second before the TTL")
			}
			now = now.Add(time.Second)
			if mc.Get(ctx, key, &p) {
				t.Fatal("hit at the TTL")
			}
		}},
		{"redis", rc, func(t *testing.T, key string) {
			defer raw.Del(ctx, "roster:whop:"+key)
			left, err := raw.PTTL(ctx, "roster:whop:"+key).Result()
			if err != nil || left <= ttl-time.Minute || left > ttl {
				t.Fatalf("Redis PTTL(%s) = %v, %v; want just under %v", key, left, err, ttl)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := "plan:test:" + randHex(6)
			var p whop.Plan
			if tc.c.Get(ctx, key, &p) {
				t.Fatal("hit before Set")
			}
			tc.c.Set(ctx, key, whop.Plan{ID: "plan_1", Title: "Monthly", RenewalPrice: 25})
			if !tc.c.Get(ctx, key, &p) || p.ID != "plan_1" || p.RenewalPrice != 25 {
				t.Fatalf("Get after Set = %+v", p)
			}
			tc.expires(t, key)
		})
	}
}
