package crm

import (
	"fmt"
	"strings"
)

// FormatMoney renders an amount in micros for people, with thousands
// separators: "$25.00", "€9.99", "25.00 SEK".
func FormatMoney(micros int64, currency string) string {
	neg := micros < 0
	if neg {
		micros = -micros
	}
	cents := (micros + 5_000) / 10_000
	s := fmt.Sprintf("%d.%02d", cents/100, cents%100)
	// thousands separators
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	s = b.String() + "." + frac
	sign := ""
	if neg {
		sign = "-"
	}
	switch strings.ToUpper(currency) {
	case "USD":
		return sign + "$" + s
	case "EUR":
		return sign + "€" + s
	case "GBP":
		return sign + "£" + s
	case "":
		return sign + s
	}
	return sign + s + " " + strings.ToUpper(currency)
}
