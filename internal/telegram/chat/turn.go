// Package chat is the contract between the chat face's machinery
// (internal/telegram: one transaction per update, the outbox, the paced
// direct sends, the edits after a press) and the sub-packages that handle a
// world of their own (internal/telegram/citizenchat): the turn they are
// handed, the callback data codec, and the small renderers both use.
//
// Dependencies point one way: internal/telegram imports its sub-packages
// and this one; a sub-package imports this one, never internal/telegram
// (docs/decisions/0021-citizens-chat-package.md).
package chat

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/calendar"
	"evalbot/internal/delivery"
	"evalbot/internal/grading"
	"evalbot/internal/locale"
	"evalbot/internal/roster"
)

// Turn is one update being handled, as a sub-package sees it: who sent it,
// its transaction, how to answer. Everything it queues goes out once the
// transaction has committed (replies through the outbox, edits, answers,
// direct sends), except Photo and Document, which are sent at once.
// internal/telegram implements it over its turn.
type Turn interface {
	// Ctx is the update's context (its deadline is the update's).
	Ctx() context.Context
	// Tx is the update's one transaction.
	Tx() pgx.Tx
	// Me is the sender's active roster row, nil for a stranger (a citizen).
	Me() *roster.Official
	// UserID is the sender's Telegram user id; ChatID the chat it came
	// from (for a press, the pressed message's chat).
	UserID() int64
	ChatID() int64
	// Lang is the language replies are rendered in ("vi" or "en").
	Lang() string

	// Now is the bot's clock; Today its date in Asia/Ho_Chi_Minh.
	Now() time.Time
	Today() calendar.Date
	// Calendar is the working-day calendar.
	Calendar() *calendar.Calendar
	// Log is the bot's logger (never given personal data or ids of citizens).
	Log() *slog.Logger
	// BotName is the bot's username, for deep links (t.me/<name>?start=…).
	BotName() string

	// T renders message id of locales/ in the sender's language (HTML,
	// values escaped); N renders a plural one with count n.
	T(id string, data map[string]any) string
	N(id string, n int, data map[string]any) string
	// Percent renders a percentage held in hundredths in the sender's
	// language: 9375 → "93,75%" (vi), "93.75%" (en); 7500 → "75%".
	Percent(p grading.Points) string
	// Catalog is the messages of locales/, for another language (a message
	// to someone else, a printed sign) and for the use cases that render.
	Catalog() *locale.Catalog

	// Reply puts a message to the sender's chat in the outbox.
	Reply(text string, kb delivery.Keyboard) error
	// Send puts m in the outbox.
	Send(m delivery.Message) error
	// Enqueued tells the turn that something else put rows in the outbox
	// in its transaction, so the sender is woken after the commit.
	Enqueued()
	// SendDirect sends text to the sender's own chat after the commit, not
	// through the outbox (whose rows keep the chat id): a citizen's reply.
	// It is fitted to Telegram's limits and keeps the chat's pace.
	SendDirect(text string, kb delivery.Keyboard)
	// RefuseStranger tells someone not on the roster that they are not,
	// and offers to share their phone number.
	RefuseStranger() error
	// Photo and Document send a PNG with an HTML caption (cut to Telegram's
	// 1024) to the sender's chat, an official's, at once: within the chat's
	// pace and again after a 429's retry_after; a failure is logged.
	Photo(filename string, png []byte, caption string)
	Document(filename string, png []byte, caption string)

	// Ack answers the callback query with a toast, Alert with a dialog.
	Ack(text string)
	Alert(text string)
	// Pressed is the pressed message (never fails: its MessageID is 0 when
	// Telegram did not send it to the bot).
	Pressed() CardRef
	// EditPressed brings the pressed message to text and kb after the
	// commit; ShowCard does so for the message at ref (a new message when
	// ref.MessageID is 0).
	EditPressed(text string, kb delivery.Keyboard)
	ShowCard(ref CardRef, text string, kb delivery.Keyboard)

	// CanReview reports from the database whether the sender may review
	// official id today (access.CanReview).
	CanReview(officialID int64) (bool, error)
}

// CardRef names a message of the bot's that shows a card: its chat and its
// message id (0: unknown).
type CardRef struct {
	ChatID    int64
	MessageID int
}
