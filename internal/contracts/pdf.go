package contracts

import (
	"bytes"
	_ "embed"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// DejaVu covers Latin with accents, Greek and Cyrillic (fonts/README.md).
var (
	//go:embed fonts/DejaVuSansCondensed.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSansCondensed-Bold.ttf
	fontBold []byte
)

const font = "dejavu"

// document is what a PDF is rendered from. The same contract renders to the
// same bytes (fixed dates, sorted catalogue), which makes the original's
// hash reproducible and the tests' golden values stable.
type document struct {
	c *Contract
	// final stamps the signers' values and appends the audit certificate.
	final  bool
	events []*Event
	// date is the PDF's creation date: the sending time, or completion.
	date time.Time
}

// render draws the contract with fpdf.
func render(d document) ([]byte, error) {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCatalogSort(true)
	f.SetCreationDate(d.date)
	f.SetModificationDate(d.date)
	f.SetTitle(d.c.Name, true)
	f.SetCreator("Roster", true)
	f.AddUTF8FontFromBytes(font, "", fontRegular)
	f.AddUTF8FontFromBytes(font, "B", fontBold)
	f.SetMargins(20, 20, 20)
	f.SetAutoPageBreak(true, 20)
	f.AliasNbPages("{nb}")
	f.SetFooterFunc(func() {
		f.SetY(-14)
		f.SetFont(font, "", 8)
		f.SetTextColor(110, 110, 110)
		f.CellFormat(0, 5, fmt.Sprintf("Contract %s · page %d of {nb}", d.c.ID, f.PageNo()), "", 0, "C", false, 0, "")
		f.SetTextColor(0, 0, 0)
	})
	f.AddPage()
	f.SetFont(font, "B", 18)
	f.MultiCell(0, 9, d.c.Name, "", "L", false)
	f.Ln(3)
	body(f, d.c.Document)
	signatures(f, d)
	if d.final {
		certificate(f, d)
	}
	if err := f.Error(); err != nil {
		return nil, fmt.Errorf("contracts: render pdf: %w", err)
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil, fmt.Errorf("contracts: render pdf: %w", err)
	}
	return buf.Bytes(), nil
}

// body draws the merged text block by block.
func body(f *fpdf.Fpdf, text string) {
	for _, b := range Blocks(text) {
		switch b.Kind {
		case "heading":
			size := map[int]float64{1: 15, 2: 13, 3: 11.5}[b.Level]
			f.SetFont(font, "B", size)
			f.Ln(1.5)
			f.MultiCell(0, size*0.5, b.Text, "", "L", false)
			f.Ln(1.5)
		case "item":
			f.SetFont(font, "", 11)
			x := f.GetX()
			f.CellFormat(6, 5.5, "•", "", 0, "L", false, 0, "")
			f.MultiCell(0, 5.5, b.Text, "", "L", false)
			f.SetX(x)
			f.Ln(1)
		default:
			f.SetFont(font, "", 11)
			f.MultiCell(0, 5.5, b.Text, "", "L", false)
			f.Ln(2.5)
		}
	}
}

// signatures draws each signer's block: their fields, empty in the
// original, filled in the final document.
func signatures(f *fpdf.Fpdf, d document) {
	f.Ln(4)
	f.SetFont(font, "B", 13)
	f.MultiCell(0, 7, "Signatures", "", "L", false)
	for _, g := range d.c.Signers {
		if f.GetY() > 230 {
			f.AddPage()
		}
		f.Ln(3)
		f.SetFont(font, "B", 11)
		f.MultiCell(0, 5.5, fmt.Sprintf("%s: %s <%s>", g.Role, g.Name, g.Email), "", "L", false)
		for _, fl := range d.c.Fields {
			if fl.Role != g.Role {
				continue
			}
			var v string
			if d.final {
				v = g.Values[fl.ID]
				if fl.Type == FieldDateSigned && g.SignedAt != nil {
					v = g.SignedAt.UTC().Format("January 2, 2006 15:04 UTC")
				}
			}
			stamp(f, g, fl, v)
		}
		if d.final && g.SignedAt != nil {
			f.SetFont(font, "", 8)
			f.SetTextColor(80, 80, 80)
			f.MultiCell(0, 4, fmt.Sprintf("Signed electronically on %s (signature ID %s)", g.SignedAt.UTC().Format(time.RFC3339), g.ID), "", "L", false)
			f.SetTextColor(0, 0, 0)
		}
	}
}

// stamp draws one field with its value (empty in the original).
func stamp(f *fpdf.Fpdf, g *Signer, fl Field, v string) {
	f.SetFont(font, "", 9)
	f.SetTextColor(80, 80, 80)
	f.MultiCell(0, 5, fl.Label, "", "L", false)
	f.SetTextColor(0, 0, 0)
	x, y := f.GetX(), f.GetY()
	switch fl.Type {
	case FieldSignature, FieldInitials:
		w, h := 80.0, 22.0
		if fl.Type == FieldInitials {
			w = 35
		}
		f.Rect(x, y, w, h, "D")
		if png, ok := pngData(v); ok {
			name := "sig-" + g.ID + "-" + fl.ID
			f.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(png))
			f.ImageOptions(name, x+1, y+1, w-2, h-2, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
		} else if v != "" {
			f.SetFont(font, "B", 16)
			f.SetXY(x+2, y+5)
			f.CellFormat(w-4, 12, v, "", 0, "L", false, 0, "")
		}
		f.SetXY(x, y+h+2)
	case FieldCheckbox:
		f.Rect(x, y, 5, 5, "D")
		if v == "true" {
			f.SetFont(font, "B", 10)
			f.SetXY(x, y)
			f.CellFormat(5, 5, "✓", "", 0, "C", false, 0, "")
		}
		f.SetXY(x, y+7)
	default:
		f.SetFont(font, "", 11)
		f.CellFormat(100, 7, v, "B", 1, "L", false, 0, "")
		f.Ln(2)
	}
}

// pngData decodes a drawn signature (a data: URL holding a PNG).
func pngData(v string) ([]byte, bool) {
	const prefix = "data:image/png;base64,"
	if !strings.HasPrefix(v, prefix) {
		return nil, false
	}
	b, err := base64.StdEncoding.DecodeString(v[len(prefix):])
	if err != nil || !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
		return nil, false
	}
	return b, true
}

// certificate appends the audit certificate: the document's identity and
// original hash, each signer's consent, address, browser and times, and
// every event of the audit trail. The final hash cannot be printed in the
// file it is the hash of; it is stored with the contract.
func certificate(f *fpdf.Fpdf, d document) {
	c := d.c
	f.AddPage()
	f.SetFont(font, "B", 16)
	f.MultiCell(0, 8, "Certificate of completion", "", "L", false)
	f.Ln(2)
	row := func(k, v string) {
		f.SetFont(font, "B", 9)
		f.CellFormat(45, 5, k, "", 0, "L", false, 0, "")
		f.SetFont(font, "", 9)
		f.MultiCell(0, 5, v, "", "L", false)
	}
	row("Document", c.Name)
	row("Contract ID", c.ID)
	row("Original SHA-256", c.OriginalSHA256)
	row("Consent text version", c.ConsentVersion)
	if c.SentAt != nil {
		row("Sent", c.SentAt.UTC().Format(time.RFC3339))
	}
	if c.CompletedAt != nil {
		row("Completed", c.CompletedAt.UTC().Format(time.RFC3339))
	}
	row("Seal", "This file is sealed with the sender's server certificate (PKCS#7 detached signature); any change to it breaks the seal.")
	f.Ln(3)
	f.SetFont(font, "B", 12)
	f.MultiCell(0, 6, "Signers", "", "L", false)
	for _, g := range c.Signers {
		f.Ln(1.5)
		row("Signer", fmt.Sprintf("%s <%s>, %s (order %d)", g.Name, g.Email, g.Role, g.Order))
		row("Status", g.Status)
		if g.ConsentAt != nil {
			row("Consent accepted", fmt.Sprintf("%s, text version %s", g.ConsentAt.UTC().Format(time.RFC3339), g.ConsentVersion))
		}
		if g.SignedAt != nil {
			row("Signed", fmt.Sprintf("%s by %s signature", g.SignedAt.UTC().Format(time.RFC3339), g.SignatureMethod))
		}
		row("IP address", g.IP)
		row("User agent", g.UserAgent)
		row("Authentication", "single-use link sent to the signer's email address")
	}
	f.Ln(3)
	f.SetFont(font, "B", 12)
	f.MultiCell(0, 6, "Audit trail (UTC)", "", "L", false)
	for _, e := range d.events {
		f.SetFont(font, "B", 8.5)
		f.MultiCell(0, 4.5, e.At.UTC().Format("2006-01-02 15:04:05")+"  "+e.Type, "", "L", false)
		f.SetFont(font, "", 8.5)
		var parts []string
		for _, p := range []string{e.Actor, e.Detail, ipUA(e)} {
			if p != "" {
				parts = append(parts, p)
			}
		}
		if len(parts) > 0 {
			f.MultiCell(0, 4.5, strings.Join(parts, " · "), "", "L", false)
		}
		f.Ln(1)
	}
}

func ipUA(e *Event) string {
	if e.IP == "" && e.UserAgent == "" {
		return ""
	}
	return "IP " + e.IP + ", " + e.UserAgent
}
