package whop

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/roster-crm/roster/internal/whop/whopsim"
)

// TestClientAgainstSimulator: the client reads every list the sync uses from
// the simulator at Roster's pinned Api-Version-Date and at the one Whop's
// official SDK sends, and finds the fields the sync relies on. The
// simulator's shapes follow the SDK's types (whopsim's TestOfficialSDK).
func TestClientAgainstSimulator(t *testing.T) {
	t.Parallel()
	const key, company = "apik_client_test", "biz_ClientTest0001"
	sim := whopsim.New(whopsim.Config{Seed: 5, RateLimit: -1, APIKeys: []whopsim.APIKey{{Key: key, CompanyID: company}}})
	sim.Generate(whopsim.GenerateParams{CompanyID: company, Users: 30})
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	ctx := context.Background()
	for _, date := range []string{DefaultAPIVersionDate, "2026-07-20"} {
		t.Run(date, func(t *testing.T) {
			t.Parallel()
			c, err := NewClient(ClientConfig{BaseURL: srv.URL + "/api/v1", Token: StaticToken(key), CompanyID: company,
				APIVersionDate: date, RatePerMinute: -1})
			if err != nil {
				t.Fatal(err)
			}
			ms, err := c.ListMemberships(ctx, ListMembershipsParams{})
			if err != nil || len(ms.Data) == 0 {
				t.Fatalf("ListMemberships = %v, %v; want memberships", ms, err)
			}
			for _, m := range ms.Data {
				if m.ID == "" || m.Status == "" || m.User.ID == "" || m.User.Username == "" || m.Member.ID == "" ||
					m.Product.ID == "" || m.Product.Title == "" || m.Plan.ID == "" || m.Company.ID != company || m.UpdatedAt.IsZero() {
					t.Errorf("membership = %+v; want id, status, user, member, product, plan, company and updated_at", m)
				}
			}
			members, err := c.ListMembers(ctx, ListMembersParams{})
			if err != nil || len(members.Data) != 30 {
				t.Fatalf("ListMembers = %v, %v; want 30 members", members, err)
			}
			for _, m := range members.Data {
				if m.User.ID == "" || m.Status == "" || m.CreatedAt.IsZero() {
					t.Errorf("member = %+v; want user, status and created_at", m)
				}
			}
			products, err := c.ListProducts(ctx, ListProductsParams{})
			if err != nil || len(products.Data) == 0 || products.Data[0].Title == "" {
				t.Fatalf("ListProducts = %v, %v; want titled products", products, err)
			}
			plans, err := c.ListPlans(ctx, ListPlansParams{})
			if err != nil || len(plans.Data) == 0 {
				t.Fatalf("ListPlans = %v, %v; want plans", plans, err)
			}
			for _, p := range plans.Data {
				if p.Product.ID == "" || p.PlanType == "" || p.Currency == "" {
					t.Errorf("plan = %+v; want product, plan_type and currency", p)
				}
			}
			pays, err := c.ListPayments(ctx, ListPaymentsParams{})
			if err != nil || len(pays.Data) == 0 {
				t.Fatalf("ListPayments = %v, %v; want payments", pays, err)
			}
			for _, p := range pays.Data {
				if p.Membership.ID == "" || p.User.ID == "" || p.Product.ID == "" || p.Currency == "" || p.Substatus == "" {
					t.Errorf("payment = %+v; want membership, user, product, currency and substatus", p)
				}
			}
		})
	}
}
