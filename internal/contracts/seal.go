package contracts

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/sign"
	"github.com/digitorus/pdfsign/verify"
)

// documentSigningEKU is RFC 9336's Document Signing extended key usage,
// which pdfsign's verifier asks of a seal certificate by default.
var documentSigningEKU = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 36}

// sealer is a certificate chain and the key that seals PDFs.
type sealer struct {
	chain []*x509.Certificate
	key   crypto.Signer
}

// ParseSealPEM reads a seal certificate (leaf first, then its chain) and
// its private key (PKCS#8, PKCS#1 or SEC 1) from PEM. It is how a
// certificate from a CA is configured in production.
func ParseSealPEM(certPEM, keyPEM []byte) (chain []*x509.Certificate, key crypto.Signer, err error) {
	for rest := certPEM; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, nil, fmt.Errorf("contracts: seal certificate: %w", err)
		}
		chain = append(chain, c)
	}
	if len(chain) == 0 {
		return nil, nil, errors.New("contracts: seal certificate: no CERTIFICATE block")
	}
	b, _ := pem.Decode(keyPEM)
	if b == nil {
		return nil, nil, errors.New("contracts: seal key: no PEM block")
	}
	var k any
	if k, err = x509.ParsePKCS8PrivateKey(b.Bytes); err != nil {
		if k, err = x509.ParsePKCS1PrivateKey(b.Bytes); err != nil {
			if k, err = x509.ParseECPrivateKey(b.Bytes); err != nil {
				return nil, nil, errors.New("contracts: seal key: not a PKCS#8, PKCS#1 or EC private key")
			}
		}
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return nil, nil, errors.New("contracts: seal key: cannot sign")
	}
	return chain, signer, nil
}

// GenerateSealCertificate makes a self-signed seal certificate: RSA-2048,
// valid for 20 years, with the digitalSignature and nonRepudiation key
// usages and the Document Signing EKU. Readers show such a seal as
// "validity unknown" (no trusted CA) while still detecting any change.
func GenerateSealCertificate(commonName string, now time.Time) (certPEM, keyPEM []byte, err error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, nil, fmt.Errorf("contracts: generate seal key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: commonName, Organization: []string{"Roster"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(20, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment | x509.KeyUsageCertSign,
		UnknownExtKeyUsage:    []asn1.ObjectIdentifier{documentSigningEKU},
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("contracts: generate seal certificate: %w", err)
	}
	pk, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk}), nil
}

func sealKeyAD(workspaceID string) []byte { return []byte("contract_settings.seal_key:" + workspaceID) }

// sealerFor returns the certificate and key a workspace's PDFs are sealed
// with: the configured one, or the workspace's own, generated (and its key
// sealed at rest) on first use inside tx.
func (s *Service) sealerFor(ctx context.Context, tx *sql.Tx, workspaceID string) (*sealer, error) {
	if len(s.cfg.SealCertificatePEM) > 0 && len(s.cfg.SealKeyPEM) > 0 {
		chain, key, err := ParseSealPEM(s.cfg.SealCertificatePEM, s.cfg.SealKeyPEM)
		if err != nil {
			return nil, err
		}
		return &sealer{chain: chain, key: key}, nil
	}
	st, err := s.settingsTx(ctx, tx, workspaceID)
	if err != nil {
		return nil, err
	}
	if st.SealCertificate == "" {
		certPEM, keyPEM, err := GenerateSealCertificate("Roster contract seal "+workspaceID, s.now())
		if err != nil {
			return nil, err
		}
		sealed, err := s.cfg.Sealer.Seal(keyPEM, sealKeyAD(workspaceID))
		if err != nil {
			return nil, fmt.Errorf("contracts: seal the seal key: %w", err)
		}
		st.SealCertificate, st.SealKeySealed, st.UpdatedAt = string(certPEM), sealed, s.now()
		if err := s.cfg.Store.ContractSettingsSave(ctx, tx, st); err != nil {
			return nil, err
		}
	}
	keyPEM, err := s.cfg.Sealer.Open(st.SealKeySealed, sealKeyAD(workspaceID))
	if err != nil {
		return nil, fmt.Errorf("contracts: open the seal key: %w", err)
	}
	chain, key, err := ParseSealPEM([]byte(st.SealCertificate), keyPEM)
	if err != nil {
		return nil, err
	}
	return &sealer{chain: chain, key: key}, nil
}

// seal signs a finished PDF once (an incremental update with a PKCS#7
// detached signature, certification level "no changes allowed"). Nothing
// may rewrite the file afterwards.
func (s *Service) seal(pdfBytes []byte, sl *sealer, c *Contract, at time.Time) ([]byte, error) {
	rdr, err := pdf.NewReader(bytes.NewReader(pdfBytes), int64(len(pdfBytes)))
	if err != nil {
		return nil, fmt.Errorf("contracts: seal: read pdf: %w", err)
	}
	var out bytes.Buffer
	data := sign.SignData{
		Signature: sign.SignDataSignature{
			CertType:   sign.CertificationSignature,
			DocMDPPerm: sign.DoNotAllowAnyChangesPerms,
			Info: sign.SignDataSignatureInfo{
				Name: "Roster", Reason: "Signed by all parties of contract " + c.ID, Location: s.cfg.BaseURL,
				ContactInfo: s.cfg.BaseURL, Date: at,
			},
		},
		Signer: sl.key, DigestAlgorithm: crypto.SHA256, Certificate: sl.chain[0],
	}
	if len(sl.chain) > 1 {
		data.CertificateChains = [][]*x509.Certificate{sl.chain}
	}
	if s.cfg.TSAURL != "" {
		data.TSA = sign.TSA{URL: s.cfg.TSAURL}
	}
	if err := sign.Sign(bytes.NewReader(pdfBytes), &out, rdr, int64(len(pdfBytes)), data); err != nil {
		return nil, fmt.Errorf("contracts: seal: %w", err)
	}
	return out.Bytes(), nil
}

// Verification is what /contracts/verify says about a PDF.
type Verification struct {
	// Valid: the file carries a seal whose signature checks out over the
	// whole signed range.
	Valid bool
	// Known: the file is, byte for byte, a signed contract of this
	// workspace (its SHA-256 is a contract's finalSha256).
	Known       bool
	SHA256      string
	ContractID  string
	Name        string
	CompletedAt *time.Time
	// Problem says why the file is not valid, in words.
	Problem string
}

// VerifyPDF checks a PDF's seal with pdfsign's verifier and whether the
// workspace (any workspace when workspaceID is empty: the public page)
// sealed exactly this file. A tampered file still parses: the
// verifier reports the broken digest in its response, which is read here,
// never its error alone.
func (s *Service) VerifyPDF(ctx context.Context, workspaceID string, file []byte) (*Verification, error) {
	sum := sha256.Sum256(file)
	v := &Verification{SHA256: hex.EncodeToString(sum[:])}
	opts := verify.DefaultVerifyOptions()
	opts.AllowUntrustedRoots = true // self-signed seals; what matters is integrity and whose seal
	resp, err := verify.VerifyWithOptions(bytes.NewReader(file), int64(len(file)), opts)
	switch {
	case err != nil:
		v.Problem = "no valid seal: " + err.Error()
	case resp.Error != "":
		v.Problem = "the seal does not match the content: the file was changed after sealing"
	case len(resp.Signers) == 0:
		v.Problem = "no seal found"
	default:
		v.Valid = true
		for _, sg := range resp.Signers {
			if !sg.ValidSignature {
				v.Valid = false
				v.Problem = "the seal does not match the content: the file was changed after sealing"
			}
		}
	}
	c, err := s.cfg.Store.ContractByFinalSHA(ctx, v.SHA256)
	if err != nil {
		return nil, err
	}
	if c != nil && (workspaceID == "" || c.WorkspaceID == workspaceID) {
		v.Known, v.ContractID, v.Name, v.CompletedAt = true, c.ID, c.Name, c.CompletedAt
	}
	if v.Valid && !v.Known {
		v.Problem = "the seal is intact, but this is not a contract Roster sealed here"
	}
	return v, nil
}
