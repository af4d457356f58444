package delivery

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/store"
)

// A chat's pace (chat_pace, GCRA) is shared by everything the bot sends to
// it: the outbox's sends advance it when they are marked, and a card's edit
// reserves its slot in the transaction of the change that asks for it
// (QueueCardEdit, QueueReserve), so that Telegram's 1/s per chat (burst 3)
// and 20/min per group hold for sends and edits together, across replicas
// (docs/decisions/0003-telegram-limits-and-durable-edits.md).

// reserveSQL advances chat $1's pace by one message and returns the seconds
// to wait before that message may go (0 when at once): the slot is
// tat − interval − tolerance of the advanced tat. $2 is the interval, $3 the
// tolerance, in seconds.
const reserveSQL = `INSERT INTO chat_pace (chat_id, tat) VALUES ($1, clock_timestamp() + make_interval(secs => $2::float8))
	ON CONFLICT (chat_id) DO UPDATE SET tat = greatest(chat_pace.tat, clock_timestamp()) + make_interval(secs => $2::float8)
	RETURNING greatest(extract(epoch FROM tat - clock_timestamp())::float8 - $2::float8 - $3::float8, 0)`

// ReserveChat takes the next slot of chatID's pace for one message that is
// not sent through the outbox (a card's edit), and returns how long to wait
// before sending it.
func ReserveChat(ctx context.Context, db store.DB, l Limits, chatID int64) (time.Duration, error) {
	iv, tol := l.normalized().chatInterval(chatID)
	var secs float64
	if err := db.QueryRow(ctx, reserveSQL, chatID, iv, tol).Scan(&secs); err != nil {
		return 0, err
	}
	return seconds(secs), nil
}

// QueueReserve is ReserveChat queued in b, for a chat the database already
// knows: an official's private chat (whose id is their Telegram user id),
// or a group (chatID < 0). For any other chat (a citizen, a stranger, whose
// ids are never stored) nothing is written, *wait stays 0 and *known false.
// A score press queues it before its COMMIT: no round trip of its own.
func QueueReserve(b *pgx.Batch, l Limits, chatID int64, wait *time.Duration, known *bool) {
	iv, tol := l.normalized().chatInterval(chatID)
	b.Queue(`INSERT INTO chat_pace (chat_id, tat)
		SELECT $1::bigint, clock_timestamp() + make_interval(secs => $2::float8)
		WHERE $1::bigint < 0 OR EXISTS (SELECT 1 FROM officials WHERE telegram_user_id = $1::bigint AND chat_id = $1::bigint)
		ON CONFLICT (chat_id) DO UPDATE SET tat = greatest(chat_pace.tat, clock_timestamp()) + make_interval(secs => $2::float8)
		RETURNING greatest(extract(epoch FROM tat - clock_timestamp())::float8 - $2::float8 - $3::float8, 0)`,
		chatID, iv, tol).QueryRow(func(r pgx.Row) error {
		var secs float64
		err := r.Scan(&secs)
		if err == pgx.ErrNoRows {
			return nil
		}
		*wait, *known = seconds(secs), err == nil
		return err
	})
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// CardEdit is an editMessageText a state change requires (Bot API): message
// MessageID of chat ChatID must come to show Text (HTML) and Keyboard.
type CardEdit struct {
	ChatID    int64
	MessageID int
	Text      string
	Keyboard  Keyboard
}

// QueueCardEdit writes e to card_edits in the caller's transaction (the one
// of the change that requires it: the edit is then as durable as the
// change) and reserves its slot in the chat's pace, in one statement. Per
// message the newest edit wins: *gen is its generation, which CardEditsDone
// needs; *wait is how long to wait before sending it. Only a chat the
// database knows is written (a group, or an official's private chat, whose
// id is their Telegram user id); for another (a citizen's, whose id is never
// stored) nothing is written and *gen stays 0: the caller paces it itself.
func QueueCardEdit(b *pgx.Batch, l Limits, e CardEdit, gen *int64, wait *time.Duration) error {
	p, err := json.Marshal(payload{Text: e.Text, Keyboard: e.Keyboard})
	if err != nil {
		return err
	}
	iv, tol := l.normalized().chatInterval(e.ChatID)
	b.Queue(`WITH k AS (SELECT 1 WHERE $1::bigint < 0 OR EXISTS (SELECT 1 FROM officials WHERE telegram_user_id = $1::bigint AND chat_id = $1::bigint)),
		e AS (INSERT INTO card_edits (chat_id, message_id, payload) SELECT $1, $2, $3 FROM k
			ON CONFLICT (chat_id, message_id) DO UPDATE SET payload = excluded.payload, gen = card_edits.gen + 1, updated_at = now()
			RETURNING gen),
		p AS (INSERT INTO chat_pace (chat_id, tat) SELECT $1, clock_timestamp() + make_interval(secs => $4::float8) FROM k
			ON CONFLICT (chat_id) DO UPDATE SET tat = greatest(chat_pace.tat, clock_timestamp()) + make_interval(secs => $4::float8)
			RETURNING greatest(extract(epoch FROM tat - clock_timestamp())::float8 - $4::float8 - $5::float8, 0) AS wait)
		SELECT e.gen, p.wait FROM e, p`, e.ChatID, e.MessageID, p, iv, tol).QueryRow(func(r pgx.Row) error {
		var secs float64
		err := r.Scan(gen, &secs)
		if err == pgx.ErrNoRows {
			return nil
		}
		*wait = seconds(secs)
		return err
	})
	return nil
}

// PendingCardEdit is a card_edits row: an edit not yet confirmed by Telegram.
type PendingCardEdit struct {
	CardEdit
	Gen int64
}

// PendingCardEdits lists the card edits not yet confirmed that were asked for
// before olderThan ago (0: all), oldest first: at start every one (the
// process that asked for them may have died while one waited for a
// retry_after), later the ones a dead replica left.
func PendingCardEdits(ctx context.Context, db store.DB, olderThan time.Duration) ([]PendingCardEdit, error) {
	rows, err := db.Query(ctx, `SELECT chat_id, message_id, payload, gen FROM card_edits
		WHERE updated_at <= now() - make_interval(secs => $1::float8) ORDER BY updated_at LIMIT 10000`, olderThan.Seconds())
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (PendingCardEdit, error) {
		var e PendingCardEdit
		var raw []byte
		if err := r.Scan(&e.ChatID, &e.MessageID, &raw, &e.Gen); err != nil {
			return e, err
		}
		var p payload
		if err := json.Unmarshal(raw, &p); err != nil {
			return e, err
		}
		e.Text, e.Keyboard = p.Text, p.Keyboard
		return e, nil
	})
}

// CardEditsDone removes the card_edits rows of edits Telegram took (or
// refused for good), in one statement; a row asked for again since (a newer
// gen) stays.
func CardEditsDone(ctx context.Context, db store.DB, done []PendingCardEdit) error {
	if len(done) == 0 {
		return nil
	}
	chats := make([]int64, len(done))
	msgs := make([]int32, len(done))
	gens := make([]int64, len(done))
	for i, d := range done {
		chats[i], msgs[i], gens[i] = d.ChatID, int32(d.MessageID), d.Gen
	}
	_, err := db.Exec(ctx, `DELETE FROM card_edits c USING unnest($1::bigint[], $2::int[], $3::bigint[]) AS v(chat_id, message_id, gen)
		WHERE c.chat_id = v.chat_id AND c.message_id = v.message_id AND c.gen = v.gen`, chats, msgs, gens)
	return err
}

// PauseChat makes every message to chatID wait d (a 429's retry_after for a
// request made outside the outbox): the chat's pace moves past it.
func PauseChat(ctx context.Context, db store.DB, chatID int64, d time.Duration) error {
	_, err := db.Exec(ctx, `INSERT INTO chat_pace (chat_id, tat) VALUES ($1, clock_timestamp() + make_interval(secs => $2::float8))
		ON CONFLICT (chat_id) DO UPDATE SET tat = greatest(chat_pace.tat, excluded.tat)`, chatID, d.Seconds())
	return err
}
