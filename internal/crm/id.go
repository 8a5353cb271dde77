package crm

import (
	"fmt"

	"github.com/google/uuid"
)

// NewID is the one way Roster makes an ID, for records and for its own rows
// alike: a UUIDv7, so IDs sort by creation time and index well.
func NewID() string {
	id, err := uuid.NewV7()
	if err != nil {
		panic(fmt.Sprintf("crm: new id: %v", err)) // only fails if the system RNG does
	}
	return id.String()
}
