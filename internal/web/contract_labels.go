package web

import "strings"

func init() {
	funcs["contractStatus"] = contractStatusLabel
	funcs["pageBlocks"] = pageBlocks
	funcs["inc"] = func(i int) int { return i + 1 }
}

// contractStatusLabel puts a contract or signer status in words:
// PARTIALLY_SIGNED is "Partially signed".
func contractStatusLabel(s string) string {
	if s == "" {
		return ""
	}
	s = strings.ToLower(strings.ReplaceAll(s, "_", " "))
	return strings.ToUpper(s[:1]) + s[1:]
}
