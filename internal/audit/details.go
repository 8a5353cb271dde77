package audit

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// secretWords are what a details key that holds a secret is called. A key
// containing one of them (in any case) is refused whatever its value: the
// log is read by every admin and kept for 400 days, so a secret must not
// reach it even by a careless caller.
var secretWords = []string{"password", "secret", "token", "plaintext", "apikey", "api_key", "authorization", "cookie", "credential"}

// apiKeyLike matches a Roster API key (package auth's format) anywhere in
// a value.
var apiKeyLike = regexp.MustCompile(`rk_[a-z2-7]{52}`)

// maxDetailsDepth bounds how deeply details nest; entries are small facts.
const maxDetailsDepth = 4

// checkDetails refuses details that could carry a secret.
func checkDetails(m map[string]any) error {
	return checkValue("details", m, 0)
}

func checkValue(path string, v any, depth int) error {
	if depth > maxDetailsDepth {
		return fmt.Errorf("audit: %s nests deeper than %d levels", path, maxDetailsDepth)
	}
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			lk := strings.ToLower(k)
			for _, w := range secretWords {
				if strings.Contains(lk, w) {
					return crmSecret(path + "." + k)
				}
			}
			if err := checkValue(path+"."+k, e, depth+1); err != nil {
				return err
			}
		}
	case map[string]string:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = e
		}
		return checkValue(path, m, depth)
	case []any:
		for i, e := range x {
			if err := checkValue(fmt.Sprintf("%s[%d]", path, i), e, depth+1); err != nil {
				return err
			}
		}
	case []string:
		for i, e := range x {
			if err := checkValue(fmt.Sprintf("%s[%d]", path, i), e, depth+1); err != nil {
				return err
			}
		}
	case string:
		if apiKeyLike.MatchString(x) {
			return crmSecret(path)
		}
	}
	return nil
}

// ErrSecret is why Record refuses details that may hold a secret. It is a
// programming error (the caller built the entry), not input a user could
// fix, so it fails the action as an internal error.
var ErrSecret = errors.New("audit entries never hold secrets")

func crmSecret(path string) error {
	return fmt.Errorf("audit: %s: %w", path, ErrSecret)
}
