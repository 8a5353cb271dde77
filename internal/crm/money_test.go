package crm

import "testing"

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
	} {
		if got := FormatMoney(tc.micros, tc.currency); got != tc.want {
			t.Errorf("FormatMoney(%d, %q) = %q; want %q", tc.micros, tc.currency, got, tc.want)
		}
	}
}
