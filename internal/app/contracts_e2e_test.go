package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/roster-crm/roster/internal/audit"
	"github.com/roster-crm/roster/internal/auth"
)

// TestContractsEndToEnd runs the composed application: an admin's key
// makes a template and sends a contract over GraphQL, reads the signer's
// link as signers { signingUrl }, the signer signs on the public page, and
// the contract comes back SIGNED over GraphQL and REST with its sealed PDF,
// which REST verifies; the opportunity moved to CUSTOMER. Workspace B's key
// sees none of it.
func TestContractsEndToEnd(t *testing.T) {
	for _, d := range dialects(t) {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			a, h := startApp(t, d, bytes.Repeat([]byte{3}, 32), false)
			keys := map[string]string{}
			for _, name := range []string{"A", "B"} {
				ws, _, err := a.Auth.CreateWorkspace(ctx, auth.CreateWorkspaceParams{Name: name, AdminEmail: strings.ToLower(name) + "@x.io", AdminPassword: "password-" + name})
				if err != nil {
					t.Fatal(err)
				}
				if _, keys[name], err = a.Auth.CreateAPIKey(ctx, auth.CreateAPIKeyParams{WorkspaceID: ws.ID, Name: "k", By: audit.System("test")}); err != nil {
					t.Fatal(err)
				}
			}
			A, B := client{t, h, keys["A"]}, client{t, h, keys["B"]}

			out := A.gql(`mutation { createPerson(data: {name: {firstName: "Jürgen", lastName: "Öztürk"}, emails: {primaryEmail: "jurgen@example.com"}}) { id } }`, nil)
			person := dig(out, "data", "createPerson", "id").(string)
			out = A.gql(`mutation($p: UUID) { createOpportunity(data: {name: "Agency retainer", stage: "PROPOSAL", pointOfContactId: $p, amount: {amountMicros: 3000000000, currencyCode: "USD"}}) { id } }`, map[string]any{"p": person})
			opp := dig(out, "data", "createOpportunity", "id").(string)

			out = A.gql(`mutation($d: ContractTemplateInput!) { createContractTemplate(data: $d) { id version fields { id type } } }`, map[string]any{"d": map[string]any{
				"name": "Retainer", "body": "# Retainer\n\n{{person.name}} pays {{opportunity.amount}} per month.",
				"signerRoles": []any{map[string]any{"role": "Client", "order": 1}},
				"fields":      []any{map[string]any{"id": "sig", "role": "Client", "type": "SIGNATURE", "required": true}},
			}})
			tpl := dig(out, "data", "createContractTemplate", "id").(string)
			out = A.gql(`query($t: ID!, $r: [ID!]!) { previewContract(templateId: $t, recordIds: $r) { document } }`, map[string]any{"t": tpl, "r": []string{opp}})
			if doc := dig(out, "data", "previewContract", "document").(string); !strings.Contains(doc, "Jürgen Öztürk pays $3,000.00 per month.") {
				t.Errorf("previewContract = %q", doc)
			}
			out = A.gql(`mutation($in: SendContractInput!) { sendContract(input: $in) { id status originalSha256 signers { email status signingUrl } } }`,
				map[string]any{"in": map[string]any{"templateId": tpl, "opportunityId": opp, "expiresInDays": 14}})
			id := dig(out, "data", "sendContract", "id").(string)
			signer := dig(out, "data", "sendContract", "signers").([]any)[0].(map[string]any)
			link, _ := signer["signingUrl"].(string)
			if signer["email"] != "jurgen@example.com" || !strings.HasPrefix(link, "http://roster.test/sign/") {
				t.Fatalf("sendContract signers = %v; want the opportunity's contact with a link", signer)
			}
			path := strings.TrimPrefix(link, "http://roster.test")

			// The signer, with no account, on the public page.
			post := func(p string, form url.Values) int {
				req := httptest.NewRequest("POST", p, strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				return rec.Code
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
			if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Jürgen Öztürk pays $3,000.00 per month.") {
				t.Fatalf("GET %s = %d", path, rec.Code)
			}
			if code := post(path+"/consent", url.Values{"consent": {"yes"}}); code != http.StatusSeeOther {
				t.Fatalf("consent = %d", code)
			}
			if code := post(path, url.Values{"intent": {"yes"}, "v.sig": {"Jürgen Öztürk"}}); code != http.StatusOK {
				t.Fatalf("sign = %d", code)
			}

			out = A.gql(`query($id: ID!) { contract(id: $id) { status finalSha256 signedPdfUrl signers { status signingUrl } events { type } } }`, map[string]any{"id": id})
			c := dig(out, "data", "contract").(map[string]any)
			if c["status"] != "SIGNED" || c["finalSha256"] == nil || c["signers"].([]any)[0].(map[string]any)["signingUrl"] != nil {
				t.Fatalf("contract after signing = %v", c)
			}
			code, list := A.do("GET", "/rest/contracts?status=SIGNED", nil)
			if code != 200 || len(dig(list, "data", "contracts").([]any)) != 1 {
				t.Fatalf("GET /rest/contracts?status=SIGNED = %d %v", code, list)
			}
			pdfURL := strings.TrimPrefix(c["signedPdfUrl"].(string), "http://roster.test")
			req := httptest.NewRequest("GET", "/rest"+pdfURL, nil)
			req.Header.Set("Authorization", "Bearer "+keys["A"])
			rec = httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			pdf := rec.Body.Bytes()
			sum := sha256.Sum256(pdf)
			if rec.Code != 200 || hex.EncodeToString(sum[:]) != c["finalSha256"] {
				t.Fatalf("GET /rest%s = %d, sha %x; want the sealed PDF", pdfURL, rec.Code, sum)
			}
			req = httptest.NewRequest("POST", "/rest/contracts/verify", bytes.NewReader(pdf))
			req.Header.Set("Authorization", "Bearer "+keys["A"])
			req.Header.Set("Content-Type", "application/pdf")
			rec = httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if body, _ := io.ReadAll(rec.Body); rec.Code != 200 || !strings.Contains(string(body), `"valid":true`) || !strings.Contains(string(body), `"known":true`) {
				t.Errorf("verify = %d %s", rec.Code, body)
			}
			out = A.gql(`query($p: String!) { verifyContractPdf(pdfBase64: $p) { valid known } }`, map[string]any{"p": base64.StdEncoding.EncodeToString(pdf)})
			if v := dig(out, "data", "verifyContractPdf").(map[string]any); v["valid"] != true || v["known"] != true {
				t.Errorf("verifyContractPdf = %v", v)
			}
			out = A.gql(`query($id: UUID!) { opportunity(id: $id) { stage } }`, map[string]any{"id": opp})
			if st := dig(out, "data", "opportunity", "stage"); st != "CUSTOMER" {
				t.Errorf("opportunity stage = %v; want CUSTOMER", st)
			}

			// Workspace B sees nothing of A's contract.
			out = B.gql(`query($id: ID!) { contract(id: $id) { id } }`, map[string]any{"id": id})
			if dig(out, "data", "contract") != nil {
				t.Errorf("B read A's contract")
			}
			if code, _ := B.do("GET", "/rest/contracts/"+id, nil); code != 404 {
				t.Errorf("B GET /rest/contracts/{A's} = %d", code)
			}
			if code, _ := B.do("GET", "/rest"+pdfURL, nil); code != 404 {
				t.Errorf("B downloaded A's PDF: %d", code)
			}
			out = B.gql(`mutation($id: ID!) { voidContract(id: $id, reason: "x") { id } }`, map[string]any{"id": id})
			if out["errors"] == nil {
				t.Errorf("B voided A's contract")
			}
			out = A.gql(`mutation($id: ID!) { voidContract(id: $id, reason: "late") { id } }`, map[string]any{"id": id})
			if errs, _ := out["errors"].([]any); len(errs) == 0 || !strings.Contains(errs[0].(map[string]any)["message"].(string), "cannot be voided") {
				t.Errorf("voiding a signed contract = %v; want refused", out)
			}
		})
	}
}
