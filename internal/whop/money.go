package whop

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/roster-crm/roster/internal/crm"
)

// AmountMicros converts a Whop amount (a JSON number in major units, e.g. 25.99)
// to integer millionths of a unit, the way Roster stores money. It goes through
// the shortest decimal text that round-trips the float (what Whop wrote on the
// wire), then crm.DecimalMicros does the arithmetic on digits, so 0.1+0.2-style
// binary drift never reaches the stored value. Digits beyond the sixth decimal
// round half away from zero.
func AmountMicros(amount float64) (int64, error) {
	if math.IsNaN(amount) || math.IsInf(amount, 0) {
		return 0, fmt.Errorf("whop: amount %v is not a number", amount)
	}
	s := strconv.FormatFloat(amount, 'f', -1, 64)
	m, err := crm.DecimalMicros(s)
	if err != nil {
		return 0, fmt.Errorf("whop: amount %s: %w", s, err)
	}
	return m, nil
}

// CurrencyCode turns Whop's lowercase currency ("usd") into the ISO 4217 form
// Roster stores ("USD").
func CurrencyCode(currency string) string {
	return strings.ToUpper(strings.TrimSpace(currency))
}
