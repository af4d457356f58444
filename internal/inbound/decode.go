package inbound

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/go-telegram/bot/models"
	gojson "github.com/goccy/go-json"
)

// ErrBadUpdate is returned by Decode for a body that is not an update.
var ErrBadUpdate = errors.New("inbound: not a Telegram update")

// pressProbe reads a body as far as a callback query needs; the decoder skips
// everything else in one pass.
type pressProbe struct {
	UpdateID      int64 `json:"update_id"`
	CallbackQuery *struct {
		ID      string      `json:"id"`
		From    models.User `json:"from"`
		Message *struct {
			MessageID int         `json:"message_id"`
			Date      int         `json:"date"`
			Chat      models.Chat `json:"chat"`
		} `json:"message"`
		InlineMessageID string `json:"inline_message_id"`
		ChatInstance    string `json:"chat_instance"`
		Data            string `json:"data"`
		GameShortName   string `json:"game_short_name"`
	} `json:"callback_query"`
}

// Decode reads an update (a webhook body, one getUpdates result); Keep gives
// the bytes to store when it must be stored.
//
// A callback query carries the whole message its button was on: for a
// self-assessment card, kilobytes of text and 60 buttons, which
// go-telegram/bot's MaybeInaccessibleMessage parses three times. The
// handlers use only that message's chat and id (every card is rebuilt from
// the database, DESIGN.md §6), so a callback query is kept as its id, sender,
// data and the message's id, date and chat. Every other update is decoded
// whole. The update never shares body's memory: the webhook reads bodies
// into reused buffers. The probe is read with goccy/go-json, which skips
// what it does not need in one pass: 42 → 3.7 µs for a card's press
// (BenchmarkDecodeCardPress); encoding/json checks the whole body first.
//
// Errors: ErrBadUpdate for invalid JSON or an update_id that is not positive.
func Decode(body []byte) (*models.Update, error) {
	var p pressProbe
	if err := gojson.Unmarshal(body, &p); err != nil || p.UpdateID <= 0 {
		return nil, ErrBadUpdate
	}
	if p.CallbackQuery == nil || p.CallbackQuery.Message == nil {
		// Not a press on one of our messages (an inline query's buttons
		// have no message): small, kept whole.
		u := &models.Update{}
		if err := json.Unmarshal(body, u); err != nil {
			return nil, ErrBadUpdate
		}
		return u, nil
	}
	q := p.CallbackQuery
	cq := &models.CallbackQuery{ID: q.ID, From: q.From, InlineMessageID: q.InlineMessageID,
		ChatInstance: q.ChatInstance, Data: q.Data, GameShortName: q.GameShortName}
	m := q.Message
	if m.Date == 0 {
		// Telegram sends date 0 for a message the bot can no longer see.
		cq.Message = models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeInaccessibleMessage,
			InaccessibleMessage: &models.InaccessibleMessage{Chat: m.Chat, MessageID: m.MessageID}}
	} else {
		cq.Message = models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeMessage,
			Message: &models.Message{ID: m.MessageID, Date: m.Date, Chat: m.Chat}}
	}
	return &models.Update{ID: p.UpdateID, CallbackQuery: cq}, nil
}

// Keep returns the bytes to store for u, which Decode read from body: a
// press on a message is encoded again from what Decode kept (a few hundred
// bytes), any other update is body, copied.
func Keep(u *models.Update, body []byte) ([]byte, error) {
	if cq := u.CallbackQuery; cq != nil && (cq.Message.Message != nil || cq.Message.InaccessibleMessage != nil) {
		return json.Marshal(u)
	}
	return bytes.Clone(body), nil
}
