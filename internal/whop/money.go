package whop

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// AmountMicros converts a Whop amount (a JSON number in major units, e.g. 25.99)
// to integer millionths of a unit, the way Roster stores money. It goes through
// the shortest decimal text that round-trips the float (what Whop wrote on the
// wire), then does the arithmetic on digits, so 0.1+0.2-style binary drift never
// reaches the stored value. Digits beyond the sixth decimal round half away
// from zero.
func AmountMicros(amount float64) (int64, error) {
	if math.IsNaN(amount) || math.IsInf(amount, 0) {
		return 0, fmt.Errorf("whop: amount %v is not a number", amount)
	}
	return decimalMicros(strconv.FormatFloat(amount, 'f', -1, 64))
}

// decimalMicros converts a plain decimal string ("-12.345") to micros.
func decimalMicros(s string) (int64, error) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	intPart, frac, _ := strings.Cut(s, ".")
	if intPart == "" {
		intPart = "0"
	}
	round := false
	if len(frac) > 6 {
		round = frac[6] >= '5'
		frac = frac[:6]
	}
	frac += strings.Repeat("0", 6-len(frac))
	whole, err := strconv.ParseInt(intPart, 10, 64)
	if err != nil || whole > math.MaxInt64/1_000_000-1 {
		return 0, fmt.Errorf("whop: amount %q out of range", s)
	}
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("whop: amount %q is not a decimal", s)
	}
	micros := whole*1_000_000 + f
	if round {
		micros++
	}
	if neg {
		micros = -micros
	}
	return micros, nil
}

// CurrencyCode turns Whop's lowercase currency ("usd") into the ISO 4217 form
// Roster stores ("USD").
func CurrencyCode(currency string) string {
	return strings.ToUpper(strings.TrimSpace(currency))
}
