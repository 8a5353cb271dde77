package crm

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestFormatMoney(t *testing.T) {
	for _, tc := range []struct {
		micros   int64
		currency string
		want     string
	}{
		{25_000_000, "usd", "$25.00"},
		{9_990_000, "EUR", "€9.99"},
		{1_234_567_890_000, "USD", "$1,234,567.89"},
		{-5_000_000, "gbp", "-£5.00"},
		{19_995_000, "SEK", "20.00 SEK"},
		{1_000_000, "", "1.00"},
		{1_995_000, "USD", "$2.00"}, // the rounded cent carries into the units
		{1_500_000_000, "JPY", "1,500 JPY"},
		{1_499_500, "JPY", "1 JPY"},
		{1_995_000, "KWD", "1.995 KWD"},
		{1_999_500, "BHD", "2.000 BHD"},
		{-4_000, "USD", "$0.00"}, // rounds to zero: no sign
		{math.MinInt64, "USD", "-$9,223,372,036,854.78"},
	} {
		if got := FormatMoney(tc.micros, tc.currency); got != tc.want {
			t.Errorf("FormatMoney(%d, %q) = %q; want %q", tc.micros, tc.currency, got, tc.want)
		}
	}
}

func TestFormatAmount(t *testing.T) {
	for _, tc := range []struct {
		micros   int64
		currency string
		want     string
	}{
		{25_000_000, "USD", "25.00"},
		{1_995_000, "USD", "2.00"}, // was "1.100"
		{1_994_999, "USD", "1.99"},
		{-1_995_000, "USD", "-2.00"},
		{5_000, "USD", "0.01"},
		{4_999, "USD", "0.00"},
		{-4_999, "USD", "0.00"},
		{1_500_000_000, "JPY", "1500"},
		{1_500_000, "jpy", "2"},
		{1_995_000, "KWD", "1.995"},
		{1_999_500, "BHD", "2.000"},
		{123_456_789, "CLF", "123.4568"},
		{7, "", "0.00"},
	} {
		if got := FormatAmount(tc.micros, tc.currency); got != tc.want {
			t.Errorf("FormatAmount(%d, %q) = %q; want %q", tc.micros, tc.currency, got, tc.want)
		}
	}
}

func TestParseAmount(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		err  error
	}{
		{"25", 25_000_000, nil},
		{"25.5", 25_500_000, nil},
		{" -1,234.56 ", -1_234_560_000, nil},
		{".5", 500_000, nil},
		{"+3", 3_000_000, nil},
		{"0.000001", 1, nil},
		{"9223372036854.775807", math.MaxInt64, nil},
		{"-9223372036854.775807", -math.MaxInt64, nil},
		{"0.0000001", 0, ErrAmountDecimals},
		{"9223372036854.775808", 0, ErrAmountRange},
		{"99999999999999999999", 0, ErrAmountRange},
		{"", 0, ErrAmountSyntax},
		{".", 0, ErrAmountSyntax},
		{"-", 0, ErrAmountSyntax},
		{"1e5", 0, ErrAmountSyntax},
		{"12a", 0, ErrAmountSyntax},
		{"1.2.3", 0, ErrAmountSyntax},
		{"--1", 0, ErrAmountSyntax},
	} {
		got, err := ParseAmount(tc.in)
		if got != tc.want || !errors.Is(err, tc.err) {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
	if got, err := DecimalMicros("0.0000005"); got != 1 || err != nil {
		t.Errorf("DecimalMicros(0.0000005) = %d, %v; want 1 (half rounds away from zero)", got, err)
	}
	if got, err := DecimalMicros("-0.00000049"); got != 0 || err != nil {
		t.Errorf("DecimalMicros(-0.00000049) = %d, %v; want 0", got, err)
	}
}

// moneySamples are micros worth trying: edges, every sub-cent remainder
// around a few amounts, and random values of every size and sign.
func moneySamples() []int64 {
	out := []int64{0, 1, -1, 499, 500, 4_999, 5_000, 9_999, 995_000, 1_995_000, 999_999_999, math.MaxInt64, math.MinInt64, math.MaxInt64 - 500_000, math.MinInt64 + 1}
	for _, base := range []int64{0, 1_000_000, 19_990_000, 1_234_567_000_000} {
		for r := int64(-1_000); r <= 1_000; r += 37 {
			out = append(out, base+r, -base+r, base+r*1_000)
		}
	}
	rng := rand.New(rand.NewPCG(7, 11))
	for range 20_000 {
		n := rng.Int64N(1 << uint(rng.IntN(62)+1))
		if rng.IntN(2) == 0 {
			n = -n
		}
		out = append(out, n)
	}
	return out
}

var moneyCurrencies = []string{"USD", "EUR", "JPY", "KRW", "KWD", "BHD", "TND", "CLF", "", "XYZ"}

// TestAmountRoundTrip is the property the edit form relies on: what
// FormatAmount shows reads back (ParseAmount) as the stored value rounded to
// the currency's minor unit, half away from zero, within half a minor unit;
// FormatMoney shows the same digits; and a form saved untouched
// (ParseAmountEdit) keeps the stored micros exactly.
func TestAmountRoundTrip(t *testing.T) {
	for _, cur := range moneyCurrencies {
		step := int64(pow10[6-CurrencyDecimals(cur)])
		for _, m := range moneySamples() {
			shown := FormatAmount(m, cur)
			if kept, err := ParseAmountEdit(shown, m, cur); err != nil || kept != m {
				t.Fatalf("ParseAmountEdit(%q, %d, %q) = %d, %v; want the stored %d", shown, m, cur, kept, err, m)
			}
			if d := CurrencyDecimals(cur); d > 0 && !strings.Contains(shown, ".") || d > 0 && len(shown)-strings.IndexByte(shown, '.')-1 != d {
				t.Fatalf("FormatAmount(%d, %q) = %q; want %d decimals", m, cur, shown, d)
			}
			plain := strings.NewReplacer(",", "", "$", "", "€", "", " "+cur, "").Replace(FormatMoney(m, cur))
			if plain != shown {
				t.Fatalf("FormatMoney(%d, %q) digits %q; FormatAmount %q", m, cur, plain, shown)
			}
			back, err := ParseAmount(shown)
			if err != nil {
				// Only a value within half a minor unit of the int64 edge
				// can round past it.
				if m < math.MaxInt64-step && m > math.MinInt64+step {
					t.Fatalf("ParseAmount(FormatAmount(%d, %q) = %q): %v", m, cur, shown, err)
				}
				continue
			}
			diff := back - m
			if diff*2 > step || diff*2 < -step || back%step != 0 {
				t.Fatalf("ParseAmount(FormatAmount(%d, %q) = %q) = %d; want a multiple of %d within half of it", m, cur, shown, back, step)
			}
			if diff*2 == step && m < 0 || diff*2 == -step && m > 0 {
				t.Fatalf("FormatAmount(%d, %q) = %q rounds a half towards zero", m, cur, shown)
			}
			if again := FormatAmount(back, cur); again != shown {
				t.Fatalf("FormatAmount(%d, %q) = %q; the rounded value shows as %q", m, cur, shown, again)
			}
		}
	}
}

func TestParseAmountEditChanges(t *testing.T) {
	for _, tc := range []struct {
		text     string
		was      int64
		currency string
		want     int64
	}{
		{"2.00", 1_995_000, "USD", 1_995_000}, // untouched
		{"2", 1_995_000, "USD", 1_995_000},    // retyped as the same amount
		{"2.01", 1_995_000, "USD", 2_010_000}, // edited
		{"1.995", 1_995_000, "USD", 1_995_000},
		{"1.99", 1_995_000, "USD", 1_990_000},
		{"2", 1_500_000, "JPY", 1_500_000},
		{"3", 1_500_000, "JPY", 3_000_000},
		{"1.995", 1_995_400, "KWD", 1_995_400},
		{"1.996", 1_995_400, "KWD", 1_996_000},
	} {
		got, err := ParseAmountEdit(tc.text, tc.was, tc.currency)
		if err != nil || got != tc.want {
			t.Errorf("ParseAmountEdit(%q, %d, %q) = %d, %v; want %d", tc.text, tc.was, tc.currency, got, err, tc.want)
		}
	}
	if _, err := ParseAmountEdit("abc", 1, "USD"); err == nil {
		t.Error("ParseAmountEdit(abc) = nil error")
	}
}

func TestNormalizeCurrencyCode(t *testing.T) {
	for _, tc := range []struct{ in, want string }{{"USD", "USD"}, {"usd", "USD"}, {"Jpy", "JPY"}, {"KWD", "KWD"}, {"", ""}} {
		if got, err := NormalizeCurrencyCode(tc.in); err != nil || got != tc.want {
			t.Errorf("NormalizeCurrencyCode(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"US", "USDX", "ÜSD", "ÜS", "XYZ", "XAU", " USD", "U$D", "123"} {
		if got, err := NormalizeCurrencyCode(bad); err == nil {
			t.Errorf("NormalizeCurrencyCode(%q) = %q, nil; want an error", bad, got)
		}
	}
	for code, d := range currencyDecimals {
		if len(code) != 3 || strings.ToUpper(code) != code || d < 0 || d > 6 {
			t.Errorf("currency table entry %q: %d", code, d)
		}
	}
}
