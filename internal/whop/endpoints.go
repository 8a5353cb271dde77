package whop

import (
	"context"
	"net/url"
	"time"
)

// Route templates: the per-endpoint rate-limit key, the metrics label and the
// prefix of errors.
const (
	routeListMemberships = "GET /memberships"
	routeGetMembership   = "GET /memberships/{id}"
	routeListMembers     = "GET /members"
	routeListProducts    = "GET /products"
	routeListPlans       = "GET /plans"
	routeListPayments    = "GET /payments"
	routeGetPayment      = "GET /payments/{id}"
)

// ListMembershipsParams filters GET /memberships. Memberships have no
// updated_after filter: changes come from webhooks and full sweeps.
type ListMembershipsParams struct {
	Statuses      []string
	ProductIDs    []string
	PlanIDs       []string
	UserIDs       []string
	CreatedAfter  time.Time
	CreatedBefore time.Time
	// Order and Direction sort the list (e.g. "created_at", "asc"); empty
	// leaves Whop's default.
	Order     string
	Direction string
	// First is the page size; 0 or more than MaxPageSize means MaxPageSize.
	First int
	// After is the cursor to continue after ("" = from the start).
	After string
}

func (p ListMembershipsParams) query(c *Client) url.Values {
	q := c.listQuery(p.First, p.After)
	addArray(q, "statuses", p.Statuses)
	addArray(q, "product_ids", p.ProductIDs)
	addArray(q, "plan_ids", p.PlanIDs)
	addArray(q, "user_ids", p.UserIDs)
	addTime(q, "created_after", p.CreatedAfter)
	addTime(q, "created_before", p.CreatedBefore)
	addString(q, "order", p.Order)
	addString(q, "direction", p.Direction)
	return q
}

// ListMembersParams filters GET /members.
type ListMembersParams struct {
	Statuses   []string
	ProductIDs []string
	PlanIDs    []string
	UserIDs    []string
	First      int
	After      string
}

func (p ListMembersParams) query(c *Client) url.Values {
	q := c.listQuery(p.First, p.After)
	addArray(q, "statuses", p.Statuses)
	addArray(q, "product_ids", p.ProductIDs)
	addArray(q, "plan_ids", p.PlanIDs)
	addArray(q, "user_ids", p.UserIDs)
	return q
}

// ListProductsParams filters GET /products.
type ListProductsParams struct {
	Visibilities []string
	First        int
	After        string
}

func (p ListProductsParams) query(c *Client) url.Values {
	q := c.listQuery(p.First, p.After)
	addAccount(q)
	addArray(q, "visibilities", p.Visibilities)
	return q
}

// ListPlansParams filters GET /plans.
type ListPlansParams struct {
	ProductIDs []string
	First      int
	After      string
}

func (p ListPlansParams) query(c *Client) url.Values {
	q := c.listQuery(p.First, p.After)
	addAccount(q)
	addArray(q, "product_ids", p.ProductIDs)
	return q
}

// addAccount names the company as account_id too: Whop's official SDK lists
// products and plans by account_id (its spec requires it there), while the
// other lists and older API versions take company_id.
func addAccount(q url.Values) {
	addString(q, "account_id", q.Get("company_id"))
}

// ListPaymentsParams filters GET /payments. UpdatedAfter drives incremental
// payment sync.
type ListPaymentsParams struct {
	UpdatedAfter  time.Time
	UpdatedBefore time.Time
	CreatedAfter  time.Time
	CreatedBefore time.Time
	Statuses      []string
	Substatuses   []string
	ProductIDs    []string
	PlanIDs       []string
	Order         string
	Direction     string
	First         int
	After         string
}

func (p ListPaymentsParams) query(c *Client) url.Values {
	q := c.listQuery(p.First, p.After)
	addTime(q, "updated_after", p.UpdatedAfter)
	addTime(q, "updated_before", p.UpdatedBefore)
	addTime(q, "created_after", p.CreatedAfter)
	addTime(q, "created_before", p.CreatedBefore)
	addArray(q, "statuses", p.Statuses)
	addArray(q, "substatuses", p.Substatuses)
	addArray(q, "product_ids", p.ProductIDs)
	addArray(q, "plan_ids", p.PlanIDs)
	addString(q, "order", p.Order)
	addString(q, "direction", p.Direction)
	return q
}

// ListMemberships fetches one page of memberships.
func (c *Client) ListMemberships(ctx context.Context, p ListMembershipsParams) (*Page[Membership], error) {
	return list[Membership](ctx, c, routeListMemberships, "/memberships", p.query(c))
}

// GetMembership fetches a membership by ID (or license key).
func (c *Client) GetMembership(ctx context.Context, id string) (*Membership, error) {
	return getOne[Membership](ctx, c, routeGetMembership, "/memberships/", id)
}

// ListMembers fetches one page of the company's members.
func (c *Client) ListMembers(ctx context.Context, p ListMembersParams) (*Page[Member], error) {
	return list[Member](ctx, c, routeListMembers, "/members", p.query(c))
}

// ListProducts fetches one page of the company's products.
func (c *Client) ListProducts(ctx context.Context, p ListProductsParams) (*Page[Product], error) {
	return list[Product](ctx, c, routeListProducts, "/products", p.query(c))
}

// ListPlans fetches one page of the company's plans.
func (c *Client) ListPlans(ctx context.Context, p ListPlansParams) (*Page[Plan], error) {
	return list[Plan](ctx, c, routeListPlans, "/plans", p.query(c))
}

// ListPayments fetches one page of the company's payments.
func (c *Client) ListPayments(ctx context.Context, p ListPaymentsParams) (*Page[Payment], error) {
	return list[Payment](ctx, c, routeListPayments, "/payments", p.query(c))
}

// GetPayment fetches a payment by ID.
func (c *Client) GetPayment(ctx context.Context, id string) (*Payment, error) {
	return getOne[Payment](ctx, c, routeGetPayment, "/payments/", id)
}

func list[T any](ctx context.Context, c *Client, route, path string, q url.Values) (*Page[T], error) {
	var page Page[T]
	if err := c.get(ctx, route, path, q, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

func getOne[T any](ctx context.Context, c *Client, route, prefix, id string) (*T, error) {
	if id == "" {
		return nil, &APIError{Endpoint: route, Status: 404, Message: "empty id"}
	}
	var v T
	if err := c.get(ctx, route, prefix+url.PathEscape(id), nil, &v); err != nil {
		return nil, err
	}
	return &v, nil
}
