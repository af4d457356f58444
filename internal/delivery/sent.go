package delivery

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/store"
)

// Sent is an outbox message Telegram took: its chat, its message id (to
// edit it: editMessageText), and the official it went to.
type Sent struct {
	ChatID     int64
	MessageID  int
	OfficialID int64
}

// SentByKeys lists the messages of the outbox with one of the dedup keys
// that Telegram took (a message id is known) and that went to an official.
func SentByKeys(ctx context.Context, db store.DB, keys []string) ([]Sent, error) {
	rows, err := db.Query(ctx, `SELECT chat_id, message_id, official_id FROM outbox
		WHERE dedup_key = ANY($1) AND message_id IS NOT NULL AND official_id IS NOT NULL ORDER BY id`, keys)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Sent, error) {
		var s Sent
		return s, r.Scan(&s.ChatID, &s.MessageID, &s.OfficialID)
	})
}

// QueueCardEdits is QueueCardEdit for each of edits, in one round trip of
// the caller's transaction (a decision made outside a button press: the
// sweep or FlushCards sends them once it committed).
func QueueCardEdits(ctx context.Context, tx pgx.Tx, l Limits, edits []CardEdit) error {
	_, err := QueueCardEditsPaced(ctx, tx, l, edits)
	return err
}

// QueuedEdit is an edit QueueCardEditsPaced wrote: its generation in
// card_edits (0 when its chat is not one the database knows: nothing was
// written) and how long to wait for its slot of the chat's pace.
type QueuedEdit struct {
	Gen  int64
	Wait time.Duration
}

// QueueCardEditsPaced is QueueCardEdits returning, per edit in edits'
// order, its generation and its wait: for a caller that sends the edits
// itself once the transaction committed (a press's other cards).
func QueueCardEditsPaced(ctx context.Context, tx pgx.Tx, l Limits, edits []CardEdit) ([]QueuedEdit, error) {
	if len(edits) == 0 {
		return nil, nil
	}
	b := &pgx.Batch{}
	out := make([]QueuedEdit, len(edits))
	for i, e := range edits {
		if err := QueueCardEdit(b, l, e, &out[i].Gen, &out[i].Wait); err != nil {
			return nil, err
		}
	}
	return out, tx.SendBatch(ctx, b).Close()
}

// EnqueueCard writes m to the outbox, in the caller's transaction, as the
// newest card under m.DedupKey (a card key: one followed message per key,
// such as the /report card of an official's week). Unlike Enqueue, a card
// shown again on request (the command repeated) is sent again: the card
// before it gives up the key, renamed "<key>#<its outbox id>", and is no
// longer followed; SentByKeys(key) then finds the newest once Telegram took
// it. m.DedupKey must not be empty.
func EnqueueCard(ctx context.Context, tx pgx.Tx, m Message) error {
	if m.DedupKey == "" {
		return errors.New("delivery: a card needs its key")
	}
	// A concurrent card under the same key, inserted after the rename, makes
	// the insert a no-op: rename that one too, and try again.
	for range 3 {
		if _, err := tx.Exec(ctx, `UPDATE outbox SET dedup_key = dedup_key || '#' || id WHERE dedup_key = $1`, m.DedupKey); err != nil {
			return err
		}
		ok, err := Enqueue(ctx, tx, m)
		if err != nil || ok {
			return err
		}
	}
	return fmt.Errorf("delivery: card %q not queued: its key keeps being taken", m.DedupKey)
}

// CloseCard records that the person closed card chatID/messageID (a report
// card's «✔️ Xong»): the faces that follow it then keep it closed
// (ClosedCards). Kept in bot_state under "card-closed:<chat>:<message>";
// closing it again changes nothing.
func CloseCard(ctx context.Context, db store.DB, chatID int64, messageID int) error {
	_, err := db.Exec(ctx, `INSERT INTO bot_state (key, value) VALUES ($1, '{}') ON CONFLICT (key) DO NOTHING`,
		closedKey(chatID, messageID))
	return err
}

// ClosedCards reports, per card of cards in order, whether it was closed
// (CloseCard).
func ClosedCards(ctx context.Context, db store.DB, cards []Sent) ([]bool, error) {
	keys := make([]string, len(cards))
	for i, c := range cards {
		keys[i] = closedKey(c.ChatID, c.MessageID)
	}
	rows, err := db.Query(ctx, `SELECT key FROM bot_state WHERE key = ANY($1)`, keys)
	if err != nil {
		return nil, err
	}
	found, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	out := make([]bool, len(cards))
	for i, k := range keys {
		out[i] = slices.Contains(found, k)
	}
	return out, nil
}

func closedKey(chatID int64, messageID int) string {
	return "card-closed:" + strconv.FormatInt(chatID, 10) + ":" + strconv.Itoa(messageID)
}
