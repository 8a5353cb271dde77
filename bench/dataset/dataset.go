// Package dataset generates Roster's benchmark data: realistic-looking people,
// companies and opportunities that are pure functions of (seed, index). Any
// record can be regenerated from its index alone, so the query benchmarks
// pick random existing keys (whopUserId, primary email) without keeping a
// million of them in memory, and two runs with the same seed build the same
// data.
package dataset

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/roster-crm/roster/internal/crm"
)

// SmithShare is the share of people whose last name (and so email) contains
// "smi"; the search benchmarks use it to say how selective "%smi%" is.
const SmithShare = 0.015

// WhopShare is the share of people that have a whopUserId.
const WhopShare = 0.7

// Spec sizes a dataset. The zero Seed is a valid seed.
type Spec struct {
	People        int
	Companies     int
	Opportunities int
	Seed          uint64
}

// Scaled returns the spec for n people with the default proportions: one
// company per ten people and three opportunities per ten people.
func Scaled(n int, seed uint64) Spec {
	return Spec{People: n, Companies: max(1, n/10), Opportunities: n * 3 / 10, Seed: seed}
}

// rng returns the generator of one record: stream selects the object so that
// person 5 and company 5 do not share random numbers.
func (s Spec) rng(stream, i int) *rand.Rand {
	return rand.New(rand.NewPCG(s.Seed^uint64(stream)<<56, uint64(i)))
}

func pick[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

// permute is a bijection on uint32 (each step is invertible), so distinct
// indexes give distinct, random-looking external IDs.
func permute(x uint32) uint32 {
	x ^= x >> 16
	x *= 0x7feb352d
	x ^= x >> 15
	x *= 0x846ca68b
	x ^= x >> 16
	return x
}

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// id8 renders a permuted index as 8 base-62 characters (62^8 > 2^32, so it
// stays unique).
func id8(i int, salt uint32) string {
	x := uint64(permute(uint32(i) ^ salt))
	var b [8]byte
	for k := 7; k >= 0; k-- {
		b[k] = base62[x%62]
		x /= 62
	}
	return string(b[:])
}

// PersonKeys are the indexed lookup keys of person i.
type PersonKeys struct {
	FirstName, LastName string
	Email               string
	// WhopUserID is empty for the ~30% of people not linked to Whop.
	WhopUserID string
}

// Keys returns person i's lookup keys without building the whole input.
func (s Spec) Keys(i int) PersonKeys {
	r := s.rng(1, i)
	first := pick(r, firstNames)
	last := pick(r, lastNames)
	if r.Float64() < SmithShare {
		last = pick(r, smiths)
	}
	k := PersonKeys{FirstName: first, LastName: last}
	k.Email = fmt.Sprintf("%s.%s%d@%s", strings.ToLower(first), strings.ToLower(last), i, pick(r, emailDomains))
	if r.Float64() < WhopShare {
		k.WhopUserID = "user_" + id8(i, 0x5eed)
	}
	return k
}

// Person returns the create input of person i; companyID may be empty.
func (s Spec) Person(i int, companyID string) crm.Input {
	k := s.Keys(i)
	r := s.rng(2, i)
	in := crm.Input{
		"name":     map[string]any{"firstName": k.FirstName, "lastName": k.LastName},
		"emails":   map[string]any{"primaryEmail": k.Email},
		"city":     pick(r, cities),
		"jobTitle": pick(r, jobTitles),
		"phones":   map[string]any{"primaryPhoneNumber": fmt.Sprintf("+1555%07d", r.IntN(10_000_000)), "primaryPhoneCountryCode": "US"},
	}
	if k.WhopUserID != "" {
		in["whopUserId"] = k.WhopUserID
		in["whopUsername"] = strings.ToLower(k.FirstName) + id8(i, 0xabc)[:4]
		in["whopCreatedAt"] = time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.IntN(3*365*24)) * time.Hour).Format(time.RFC3339)
	}
	if companyID != "" {
		in["companyId"] = companyID
	}
	return in
}

// Company returns the create input of company i.
func (s Spec) Company(i int) crm.Input {
	r := s.rng(3, i)
	name := pick(r, companyWords) + " " + pick(r, companyWords) + " " + pick(r, companySuffixes)
	slug := strings.ToLower(strings.ReplaceAll(name, " ", "-"))
	return crm.Input{
		"name":                   name,
		"domainName":             map[string]any{"primaryLinkUrl": fmt.Sprintf("https://%s-%d.com", slug, i)},
		"employees":              int64(1 + r.IntN(5000)),
		"address":                map[string]any{"addressCity": pick(r, cities)},
		"annualRecurringRevenue": map[string]any{"amountMicros": int64(r.IntN(10_000_000)) * 1_000_000, "currencyCode": "USD"},
		"idealCustomerProfile":   r.IntN(5) == 0,
	}
}

// Opportunity returns the create input of opportunity i, a Whop membership
// of the given person (and company, which may be empty).
func (s Spec) Opportunity(i int, personID, companyID string) crm.Input {
	r := s.rng(4, i)
	in := crm.Input{
		"name":                 fmt.Sprintf("Membership %s", id8(i, 0x0aa)),
		"amount":               map[string]any{"amountMicros": int64(5+r.IntN(500)) * 1_000_000, "currencyCode": "USD"},
		"stage":                pick(r, stages),
		"pointOfContactId":     personID,
		"whopMembershipId":     "mem_" + id8(i, 0x3e3),
		"whopMembershipStatus": pick(r, membershipState),
		"whopProductId":        "prod_" + id8(r.IntN(50), 0x9),
		"whopPlanId":           "plan_" + id8(r.IntN(200), 0x7),
	}
	if companyID != "" {
		in["companyId"] = companyID
	}
	return in
}
