package contracts

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/roster-crm/roster/internal/crm"
	"github.com/roster-crm/roster/internal/records"
)

// complete finishes a contract everyone signed, inside tx (which holds the
// contract's lock). With the built-in provider it renders the document
// again with every value stamped in and the audit certificate appended,
// and seals it once; a provider's completion passes the provider's signed
// PDF instead. Then the signed PDF becomes an attachment of the
// opportunity, and the opportunity moves to the configured stage, exactly
// once: a completed contract is never completed again, so duplicate or
// reordered completion events change nothing.
func (s *Service) complete(ctx context.Context, tx *sql.Tx, c *Contract, providerPDF []byte, now time.Time) error {
	if c.Status == StatusSigned {
		return nil
	}
	c.Status, c.CompletedAt, c.UpdatedAt = StatusSigned, &now, now
	if err := s.event(ctx, tx, c, nil, EventCompleted, "Roster", "all signers signed", Visit{}, now); err != nil {
		return err
	}
	final := providerPDF
	if final == nil {
		events, err := s.cfg.Store.ContractEvents(ctx, tx, c.WorkspaceID, c.ID)
		if err != nil {
			return err
		}
		unsealed, err := render(document{c: c, final: true, events: events, date: now})
		if err != nil {
			return err
		}
		sl, err := s.sealerFor(ctx, tx, c.WorkspaceID)
		if err != nil {
			return err
		}
		if final, err = s.seal(unsealed, sl, c, now); err != nil {
			return err
		}
	}
	sum := sha256.Sum256(final)
	c.FinalSHA256 = hex.EncodeToString(sum[:])
	att := &Attachment{ID: crm.NewID(), WorkspaceID: c.WorkspaceID, Name: fileName(c.Name, "signed"), FileType: "application/pdf",
		Size: int64(len(final)), SHA256: c.FinalSHA256, Content: final, ContractID: &c.ID, OpportunityID: c.OpportunityID,
		PersonID: c.PersonID, CompanyID: c.CompanyID, CreatedAt: now}
	if err := s.cfg.Store.AttachmentInsert(ctx, tx, att); err != nil {
		return err
	}
	c.SignedAttachmentID = &att.ID
	if err := s.event(ctx, tx, c, nil, EventSealed, "Roster", "final SHA-256 "+c.FinalSHA256, Visit{}, now); err != nil {
		return err
	}
	if err := s.moveOpportunity(ctx, tx, c, att, now); err != nil {
		return err
	}
	if err := s.cfg.Store.ContractUpdate(ctx, tx, c); err != nil {
		return err
	}
	return s.timeline(ctx, tx, c, "signed", crm.Actor{}, now)
}

// moveOpportunity moves the contract's opportunity to the signed stage
// and puts a note with the signed PDF's link on it, once per contract.
func (s *Service) moveOpportunity(ctx context.Context, tx *sql.Tx, c *Contract, att *Attachment, now time.Time) error {
	if c.OpportunityID == nil || c.StageMoved {
		return nil
	}
	st, err := s.settingsTx(ctx, tx, c.WorkspaceID)
	if err != nil {
		return err
	}
	actor := crm.Actor{Source: crm.SourceSystem, Name: "Contracts"}
	_, _, err = s.cfg.Records.UpdateTx(ctx, tx, records.UpdateParams{WorkspaceID: c.WorkspaceID, Object: crm.OpportunityObject,
		Actor: actor, ID: *c.OpportunityID, Input: crm.Input{"stage": st.SignedStage}})
	if err != nil {
		return fmt.Errorf("contracts: move opportunity: %w", err)
	}
	c.StageMoved = true
	body := fmt.Sprintf("All signers signed \"%s\". [Download the signed PDF](%s/attachments/%s) (SHA-256 %s).",
		c.Name, s.cfg.BaseURL, att.ID, c.FinalSHA256)
	notes, err := s.cfg.Records.CreateTx(ctx, tx, records.CreateParams{WorkspaceID: c.WorkspaceID, Object: crm.NoteObject, Actor: actor,
		Inputs: []crm.Input{{"title": "Signed contract: " + c.Name, "bodyV2": map[string]any{"markdown": body}}}})
	if err != nil {
		return fmt.Errorf("contracts: note on opportunity: %w", err)
	}
	if _, err := s.cfg.Records.CreateTargetTx(ctx, tx, records.TargetParams{WorkspaceID: c.WorkspaceID, Actor: actor,
		Parent: crm.ObjectNote, ParentID: notes[0].Meta().ID, OpportunityID: c.OpportunityID}); err != nil {
		return fmt.Errorf("contracts: note on opportunity: %w", err)
	}
	return s.event(ctx, tx, c, nil, EventStageMoved, "Roster", "opportunity moved to "+st.SignedStage, Visit{}, now)
}
