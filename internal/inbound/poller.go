package inbound

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/store"
)

// offsetKey is the bot_state row that holds the next getUpdates offset.
const offsetKey = "updates_offset"

// pollLock is the advisory lock held by the one replica that polls: Telegram
// answers 409 to a second concurrent getUpdates.
const pollLock = 7_346_821_001

// Poller is long polling with a persisted offset: a batch of updates is
// stored, and the offset past it written in the same transaction, before
// the next getUpdates confirms them to Telegram. It calls getUpdates itself
// (go-telegram/bot has no public getUpdates, and its own poller advances the
// offset before handling).
type Poller struct {
	Pool    *pgxpool.Pool
	D       *Dispatcher
	APIURL  string // e.g. https://api.telegram.org
	Token   string
	Client  *http.Client // its timeout must exceed Timeout
	Timeout time.Duration
	Log     *slog.Logger
	// Allowed lists the update kinds asked for (Telegram's allowed_updates).
	Allowed []string
	// Idle, when set, is called after each getUpdates that returned nothing.
	Idle func()
}

type apiReply struct {
	OK          bool              `json:"ok"`
	Result      []json.RawMessage `json:"result"`
	ErrorCode   int               `json:"error_code"`
	Description string            `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// LoadOffset reads the persisted offset (0 when none).
func LoadOffset(ctx context.Context, db store.DB) (int64, error) {
	var off int64
	err := db.QueryRow(ctx, `SELECT (value #>> '{}')::bigint FROM bot_state WHERE key = $1`, offsetKey).Scan(&off)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return off, err
}

// Run polls until ctx ends. Only the replica holding the advisory lock polls.
func (p *Poller) Run(ctx context.Context) {
	if p.Timeout <= 0 {
		p.Timeout = 30 * time.Second
	}
	if p.Client == nil {
		p.Client = &http.Client{Timeout: p.Timeout + 15*time.Second}
	}
	for ctx.Err() == nil {
		conn, err := p.Pool.Acquire(ctx)
		if err != nil {
			p.sleep(ctx, 2*time.Second)
			continue
		}
		var got bool
		if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, int64(pollLock)).Scan(&got); err != nil || !got {
			conn.Release()
			p.sleep(ctx, 5*time.Second)
			continue
		}
		p.Log.Info("inbound: long polling")
		p.poll(ctx, conn.Conn())
		// Unlock (or drop the connection, which unlocks) before leaving.
		uctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		if _, err := conn.Exec(uctx, `SELECT pg_advisory_unlock($1)`, int64(pollLock)); err != nil {
			_ = conn.Conn().Close(uctx)
		}
		cancel()
		conn.Release()
	}
}

// poll runs while ctx lives and the lock's connection works.
func (p *Poller) poll(ctx context.Context, lockConn *pgx.Conn) {
	offset, err := LoadOffset(ctx, p.Pool)
	for err != nil && ctx.Err() == nil {
		p.Log.Error("inbound: load offset", "err", err)
		p.sleep(ctx, time.Second)
		offset, err = LoadOffset(ctx, p.Pool)
	}
	backoff := time.Second
	lastCheck := time.Now()
	for ctx.Err() == nil {
		if time.Since(lastCheck) > 10*time.Second {
			if err := lockConn.Ping(ctx); err != nil {
				return // the lock went with the connection
			}
			lastCheck = time.Now()
		}
		raws, retryAfter, err := p.getUpdates(ctx, offset)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			wait := backoff
			if retryAfter > 0 {
				wait = time.Duration(retryAfter) * time.Second
			}
			p.Log.Warn("inbound: getUpdates", "err", err, "retry_in", wait.String())
			p.sleep(ctx, wait)
			backoff = min(backoff*2, 30*time.Second)
			continue
		}
		backoff = time.Second
		if len(raws) == 0 {
			if p.Idle != nil {
				p.Idle()
			}
			continue
		}
		us, next, err := p.store(ctx, raws, offset)
		if err != nil {
			if ctx.Err() == nil {
				p.Log.Error("inbound: store updates", "err", err)
				p.sleep(ctx, time.Second)
			}
			continue // the same batch comes again: offset was not advanced
		}
		offset = next
		for _, u := range us {
			p.D.Submit(u)
		}
	}
}

// store writes a batch and the next offset in one transaction; it returns
// the updates that are new.
func (p *Poller) store(ctx context.Context, raws []json.RawMessage, offset int64) ([]*models.Update, int64, error) {
	next := offset
	var fresh []*models.Update
	err := store.InTx(ctx, p.Pool, func(tx pgx.Tx) error {
		fresh = fresh[:0]
		next = offset
		for _, raw := range raws {
			u, err := Decode(raw)
			var keep []byte
			if err == nil {
				keep, err = Keep(u, raw)
			}
			if err != nil {
				p.Log.Error("inbound: unreadable update", "err", err)
				var id struct {
					UpdateID int64 `json:"update_id"`
				}
				if json.Unmarshal(raw, &id) == nil && id.UpdateID >= next {
					next = id.UpdateID + 1
				}
				continue
			}
			tag, err := tx.Exec(ctx, storeSQL, u.ID, p.D.box.Seal(u.ID, keep))
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 1 {
				fresh = append(fresh, u)
			}
			if u.ID >= next {
				next = u.ID + 1
			}
		}
		_, err := tx.Exec(ctx, `INSERT INTO bot_state (key, value) VALUES ($1, to_jsonb($2::bigint))
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, offsetKey, next)
		return err
	})
	return fresh, next, err
}

func (p *Poller) getUpdates(ctx context.Context, offset int64) ([]json.RawMessage, int, error) {
	params := map[string]any{"timeout": int(p.Timeout.Seconds()), "limit": 100}
	if offset > 0 {
		params["offset"] = offset
	}
	if len(p.Allowed) > 0 {
		params["allowed_updates"] = p.Allowed
	}
	body, _ := json.Marshal(params)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(p.APIURL, "/")+"/bot"+p.Token+"/getUpdates", bytes.NewReader(body))
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.Client.Do(req)
	if err != nil {
		return nil, 0, errors.New(strings.ReplaceAll(err.Error(), p.Token, "***"))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, 0, err
	}
	var r apiReply
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, 0, fmt.Errorf("getUpdates: HTTP %d, unreadable reply", resp.StatusCode)
	}
	if !r.OK {
		return nil, r.Parameters.RetryAfter, fmt.Errorf("getUpdates: %d %s", r.ErrorCode, r.Description)
	}
	return r.Result, 0, nil
}

func (p *Poller) sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
