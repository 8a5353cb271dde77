package crm

// Limits on page sizes.
const (
	DefaultPageSize = 60
	MaxPageSize     = 200
)

// PageSize is the one check of a requested page size, wherever it comes
// from (GraphQL first/last, REST limit, the store). Zero means
// DefaultPageSize; a negative size or one over MaxPageSize is refused with
// an error on arg, the parameter's name as the caller spelled it.
func PageSize(arg string, n int) (int, error) {
	switch {
	case n == 0:
		return DefaultPageSize, nil
	case n < 0:
		return 0, Invalid(arg, CodeInvalidValue, "%s %d must not be negative", arg, n)
	case n > MaxPageSize:
		return 0, Invalid(arg, CodeInvalidValue, "%s %d is over the maximum of %d", arg, n, MaxPageSize)
	}
	return n, nil
}
