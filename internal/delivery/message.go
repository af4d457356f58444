// Package delivery is the outbox: outgoing Telegram messages are written to
// PostgreSQL in the transaction of the change that causes them, and a sender
// delivers them within Telegram's limits, retrying what can be retried.
package delivery

import (
	"context"
	"encoding/json"

	"evalbot/internal/store"
)

// Button is one inline keyboard button: Data is callback_data (1–64 bytes)
// or URL opens a link.
type Button struct {
	Text string `json:"text"`
	Data string `json:"data,omitempty"`
	URL  string `json:"url,omitempty"`
	// WebApp is the https URL of a Mini App page the button opens inside
	// Telegram (web_app; private chats only).
	WebApp string `json:"web_app,omitempty"`
}

// Keyboard is an inline keyboard, rows of buttons (Bot API InlineKeyboardMarkup).
type Keyboard [][]Button

// Message is one sendMessage call (Bot API), text in parse_mode HTML.
type Message struct {
	ChatID     int64
	OfficialID int64  // the recipient, when an official; 0 otherwise
	DedupKey   string // unique per message; "" for none. A second Enqueue with the same key is a no-op.
	Text       string
	Keyboard   Keyboard
	// ContactButton, when set, shows a reply keyboard with one
	// request_contact button of this text ("Share my phone number").
	ContactButton string
	// RemoveKeyboard removes a reply keyboard shown before.
	RemoveKeyboard bool
}

type payload struct {
	Text           string   `json:"text"`
	Keyboard       Keyboard `json:"keyboard,omitempty"`
	ContactButton  string   `json:"contact_button,omitempty"`
	RemoveKeyboard bool     `json:"remove_keyboard,omitempty"`
}

// Enqueue writes m to the outbox inside db (the caller's transaction). It
// reports whether a row was written (false when DedupKey was seen before).
func Enqueue(ctx context.Context, db store.DB, m Message) (bool, error) {
	p, err := json.Marshal(payload{Text: m.Text, Keyboard: m.Keyboard, ContactButton: m.ContactButton, RemoveKeyboard: m.RemoveKeyboard})
	if err != nil {
		return false, err
	}
	var key, official any
	if m.DedupKey != "" {
		key = m.DedupKey
	}
	if m.OfficialID != 0 {
		official = m.OfficialID
	}
	tag, err := db.Exec(ctx, `INSERT INTO outbox (dedup_key, chat_id, official_id, payload)
		VALUES ($1, $2, $3, $4) ON CONFLICT (dedup_key) DO NOTHING`, key, m.ChatID, official, p)
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}
