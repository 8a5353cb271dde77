package crm

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"
)

func TestNewIDIsTimeOrderedUUID(t *testing.T) {
	prev := ""
	for range 1000 {
		id := NewID()
		u, err := uuid.Parse(id)
		if err != nil || u.Version() != 7 {
			t.Fatalf("NewID() = %q (%v); want a UUIDv7", id, err)
		}
		if id <= prev {
			t.Fatalf("NewID() = %q after %q; want increasing", id, prev)
		}
		prev = id
	}
}

// TestIDsHaveOneHome: no other package mints UUIDs or takes an ID-making
// function; store rows, records and integration rows all use NewID.
func TestIDsHaveOneHome(t *testing.T) {
	root := filepath.Join("..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		if strings.HasSuffix(filepath.ToSlash(path), "crm/id.go") || strings.Contains(filepath.ToSlash(path), "/whopsim/") {
			return nil // the simulator makes Whop's IDs, not Roster's
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, bad := range []string{"uuid.NewV7(", "uuid.New()", "newID func() string"} {
			if strings.Contains(string(b), bad) {
				t.Errorf("%s contains %q; use crm.NewID", path, bad)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
