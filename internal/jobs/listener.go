package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
)

// listenerPool opens the small pgx pool that River's PostgreSQL driver uses
// only for LISTEN connections. It copies the connection settings of db (host,
// credentials, TLS, search_path) from a live connection, so it reaches the
// same database and schema without Roster keeping the URL around. River
// hijacks its connection for the client's lifetime, so one is enough.
func listenerPool(ctx context.Context, db *sql.DB) (*pgxpool.Pool, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("jobs: listener config: %w", err)
	}
	defer conn.Close()
	var cc *pgx.ConnConfig
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return errors.New("not a pgx connection")
		}
		cc = c.Conn().Config()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: listener config: %w", err)
	}
	pc, err := pgxpool.ParseConfig("")
	if err != nil {
		return nil, fmt.Errorf("jobs: listener config: %w", err)
	}
	// The copied config carries the source connection's notification hook;
	// clear it so each listener connection buffers its own notifications
	// (otherwise they go to the database/sql connection and are lost).
	cc.OnNotification = nil
	pc.ConnConfig = cc
	pc.MinConns = 0
	pc.MaxConns = 1
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("jobs: listener pool: %w", err)
	}
	return pool, nil
}
