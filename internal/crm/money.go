package crm

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// Money is stored as integer micros (millionths of a unit) beside an ISO 4217
// code. This file is the one home of turning micros into text and text into
// micros: pages, timeline lines, the edit form and the Whop client all call
// it, so an amount reads, rounds and parses the same everywhere. Every step
// works on digits (never floating point), and display rounds to the
// currency's minor unit (CurrencyDecimals) half away from zero.

// microsPerUnit is how many micros make one unit of a currency.
const microsPerUnit = 1_000_000

// pow10 are the powers of ten up to a micro.
var pow10 = [...]uint64{1, 10, 100, 1_000, 10_000, 100_000, 1_000_000}

// roundedDigits splits |micros| rounded to the currency's minor unit into
// whole units and the minor-unit digits (zero-padded to decimals), and
// reports the sign. It works on uint64, so math.MinInt64 and carries such
// as 1.995 -> 2.00 are exact.
func roundedDigits(micros int64, currency string) (neg bool, whole uint64, frac string) {
	decimals := CurrencyDecimals(currency)
	abs := uint64(micros)
	if micros < 0 {
		neg, abs = true, uint64(-(micros+1))+1
	}
	step := pow10[6-decimals] // micros per minor unit
	minor := abs/step + (abs%step*2)/step
	if decimals == 0 {
		return neg, minor, ""
	}
	whole, rest := minor/pow10[decimals], minor%pow10[decimals]
	frac = strconv.FormatUint(rest, 10)
	return neg, whole, strings.Repeat("0", decimals-len(frac)) + frac
}

// FormatMoney renders an amount in micros for people, rounded to the
// currency's minor unit, with thousands separators: "$25.00", "€9.99",
// "1,500 JPY", "1.995 KWD", "25.00 SEK". A negative amount keeps its sign before
// the symbol ("-£5.00"); an amount that rounds to zero has no sign.
func FormatMoney(micros int64, currency string) string {
	neg, whole, frac := roundedDigits(micros, currency)
	digits := strconv.FormatUint(whole, 10)
	var b strings.Builder
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	s := b.String()
	if frac != "" {
		s += "." + frac
	}
	sign := ""
	if neg && strings.Trim(s, "0,.") != "" {
		sign = "-"
	}
	code := strings.ToUpper(currency)
	switch code {
	case "USD":
		return sign + "$" + s
	case "EUR":
		return sign + "€" + s
	case "GBP":
		return sign + "£" + s
	case "":
		return sign + s
	}
	return sign + s + " " + code
}

// FormatAmount renders micros as the plain decimal an amount input holds,
// rounded to the currency's minor unit, without separators or symbol:
// 25_000_000 USD -> "25.00", 1_995_000 USD -> "2.00", 1_995_000 KWD ->
// "1.995", 1_500_000_000 JPY -> "1500". ParseAmount reads it back.
func FormatAmount(micros int64, currency string) string {
	neg, whole, frac := roundedDigits(micros, currency)
	s := strconv.FormatUint(whole, 10)
	if frac != "" {
		s += "." + frac
	}
	if neg && strings.Trim(s, "0.") != "" {
		s = "-" + s
	}
	return s
}

// Errors of ParseAmount, for callers that word their own message.
var (
	ErrAmountSyntax   = errors.New("not a decimal amount")
	ErrAmountDecimals = errors.New("more than six decimals")
	ErrAmountRange    = errors.New("amount out of range")
)

// ParseAmount reads an amount a person typed, in units ("25", "25.5",
// "-1,234.56", ".5"), exactly into micros. Commas are taken as thousands
// separators and dropped. More than six decimals is an error rather than a
// silent rounding: what was typed is what is stored.
func ParseAmount(s string) (int64, error) {
	return parseDecimal(strings.ReplaceAll(strings.TrimSpace(s), ",", ""), false)
}

// DecimalMicros converts a decimal written by a machine (e.g. Whop's JSON
// number as its shortest text, "19.99" or "1e-7" already expanded) into
// micros, rounding digits beyond the sixth decimal half away from zero.
func DecimalMicros(s string) (int64, error) {
	return parseDecimal(s, true)
}

// parseDecimal converts "[-+]digits[.digits]" to micros; round says what
// to do with digits beyond the sixth decimal (round, or refuse).
func parseDecimal(s string, round bool) (int64, error) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" || !allDigits(whole) || !allDigits(frac) {
		return 0, ErrAmountSyntax
	}
	up := false
	if len(frac) > 6 {
		if !round {
			return 0, ErrAmountDecimals
		}
		up, frac = frac[6] >= '5', frac[:6]
	}
	frac += strings.Repeat("0", 6-len(frac))
	whole = strings.TrimLeft(whole, "0")
	if whole == "" {
		whole = "0"
	}
	w, err := strconv.ParseUint(whole, 10, 64)
	if err != nil || w > math.MaxInt64/microsPerUnit {
		return 0, ErrAmountRange
	}
	f, _ := strconv.ParseUint(frac, 10, 64)
	m := w*microsPerUnit + f
	if up {
		m++
	}
	if m > math.MaxInt64 {
		return 0, ErrAmountRange
	}
	if neg {
		return -int64(m), nil
	}
	return int64(m), nil
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// ParseAmountEdit reads the amount of an edit form whose input was filled
// with FormatAmount(was, wasCurrency). When the text still reads as that
// value (the person did not touch it, or retyped the same amount), it returns
// was itself, so a stored 1.995 shown as "2.00" is not rewritten as 2.00
// behind the person's back; otherwise it returns what was typed.
func ParseAmountEdit(text string, was int64, wasCurrency string) (int64, error) {
	shown := FormatAmount(was, wasCurrency)
	if strings.TrimSpace(text) == shown {
		return was, nil
	}
	m, err := ParseAmount(text)
	if err != nil {
		return 0, err
	}
	if s, err := ParseAmount(shown); err == nil && s == m {
		return was, nil
	}
	return m, nil
}
