package whopsync

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Cache holds Whop products and plans between syncs and webhook events, so
// mapping a membership does not re-read them for every row. Entries expire
// after the TTL (24 h): catalogue changes are picked up by the next sync.
type Cache interface {
	Get(ctx context.Context, key string, dst any) bool
	Set(ctx context.Context, key string, v any)
}

// MemoryCache is a per-process Cache.
type MemoryCache struct {
	ttl time.Duration
	now func() time.Time
	mu  sync.Mutex
	m   map[string]memEntry
}

type memEntry struct {
	b   []byte
	exp time.Time
}

// NewMemoryCache returns an empty in-process cache whose entries expire ttl
// after they are set, by the clock now (time.Now when nil; tests pass their
// own, so expiry is tested without waiting for it).
func NewMemoryCache(ttl time.Duration, now func() time.Time) *MemoryCache {
	if now == nil {
		now = time.Now
	}
	return &MemoryCache{ttl: ttl, now: now, m: map[string]memEntry{}}
}

// Get decodes the entry into dst and reports whether it was there.
func (c *MemoryCache) Get(_ context.Context, key string, dst any) bool {
	c.mu.Lock()
	e, ok := c.m[key]
	if ok && !c.now().Before(e.exp) {
		delete(c.m, key)
		ok = false
	}
	c.mu.Unlock()
	return ok && json.Unmarshal(e.b, dst) == nil
}

// Set stores v. Entries are JSON so both caches behave the same.
func (c *MemoryCache) Set(_ context.Context, key string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) > 100_000 { // a bound, not an LRU: the catalogue is small
		c.m = map[string]memEntry{}
	}
	c.m[key] = memEntry{b: b, exp: c.now().Add(c.ttl)}
}

// RedisCache is a Cache shared by every replica (REDIS_URL).
type RedisCache struct {
	client *redis.Client
	ttl    time.Duration
	prefix string
}

// NewRedisCache connects to url (redis://host:port/db) and checks it answers.
func NewRedisCache(ctx context.Context, url string, ttl time.Duration) (*RedisCache, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, err
	}
	c := redis.NewClient(opts)
	if err := c.Ping(ctx).Err(); err != nil {
		c.Close()
		return nil, err
	}
	return &RedisCache{client: c, ttl: ttl, prefix: "roster:whop:"}, nil
}

// Get reads an entry; a Redis error is a miss (the database is the truth).
func (c *RedisCache) Get(ctx context.Context, key string, dst any) bool {
	b, err := c.client.Get(ctx, c.prefix+key).Bytes()
	return err == nil && json.Unmarshal(b, dst) == nil
}

// Set writes an entry with the TTL; failures only cost a later miss.
func (c *RedisCache) Set(ctx context.Context, key string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	c.client.Set(ctx, c.prefix+key, b, c.ttl)
}

// Close releases the connection pool.
func (c *RedisCache) Close() error { return c.client.Close() }
