package ai

import (
	"math"
	"strings"
)

// Price is a model's list price in USD per million tokens.
type Price struct {
	Input, CachedInput, Output float64
}

// Default models when AI_MODEL and the workspace name none.
const (
	DefaultOpenAIModel    = "gpt-4.1-mini"
	DefaultAnthropicModel = "claude-haiku-4-5"
)

// prices are the providers' published list prices (USD per 1M tokens) as
// of this release; docs/ai.md carries the same table. A model is matched by
// the longest name that its own name starts with, so dated snapshots
// ("gpt-4o-2024-08-06", "claude-haiku-4-5-20251001") take their family's
// price. A model not listed here (a local model, a new release) has no
// price: its usage rows carry a null cost, never 0.
var prices = map[string]Price{
	"gpt-4o":            {2.50, 1.25, 10.00},
	"gpt-4o-mini":       {0.15, 0.075, 0.60},
	"gpt-4.1":           {2.00, 0.50, 8.00},
	"gpt-4.1-mini":      {0.40, 0.10, 1.60},
	"gpt-4.1-nano":      {0.10, 0.025, 0.40},
	"gpt-5":             {1.25, 0.125, 10.00},
	"gpt-5-mini":        {0.25, 0.025, 2.00},
	"gpt-5-nano":        {0.05, 0.005, 0.40},
	"claude-haiku-4-5":  {1.00, 0.10, 5.00},
	"claude-3-5-haiku":  {0.80, 0.08, 4.00},
	"claude-sonnet-4":   {3.00, 0.30, 15.00},
	"claude-sonnet-4-5": {3.00, 0.30, 15.00},
	"claude-opus-4":     {15.00, 1.50, 75.00},
	"claude-opus-4-1":   {15.00, 1.50, 75.00},
	"claude-opus-4-5":   {5.00, 0.50, 25.00},
}

// PriceOf returns a model's price; ok is false for a model without one.
// The offline provider's methods cost nothing.
func PriceOf(provider, model string) (Price, bool) {
	if provider == ProviderOffline {
		return Price{}, true
	}
	best := ""
	for name := range prices {
		if strings.HasPrefix(model, name) && len(name) > len(best) {
			best = name
		}
	}
	if best == "" {
		return Price{}, false
	}
	return prices[best], true
}

// CostMicros is the cost of a call in micro-USD: tokens times USD per
// million tokens is exactly micro-USD. inputTokens includes cachedTokens,
// which are charged at the cached rate. ok is false for a model without a
// price.
func CostMicros(provider, model string, inputTokens, cachedTokens, outputTokens int64) (int64, bool) {
	p, ok := PriceOf(provider, model)
	if !ok {
		return 0, false
	}
	uncached := max(0, inputTokens-cachedTokens)
	return int64(math.Round(float64(uncached)*p.Input + float64(cachedTokens)*p.CachedInput + float64(outputTokens)*p.Output)), true
}
