package telegram

import (
	"bytes"
	"context"
	"log/slog"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/jackc/pgx/v5"

	"evalbot/internal/calendar"
	"evalbot/internal/delivery"
	"evalbot/internal/grading"
	"evalbot/internal/locale"
	"evalbot/internal/roster"
	"evalbot/internal/telegram/chat"
)

// chatTurn is the turn as the chat sub-packages see it (chat.Turn): they
// import internal/telegram/chat, never this package
// (docs/decisions/0021-citizens-chat-package.md).
type chatTurn struct{ t *turn }

var _ chat.Turn = chatTurn{}

func (c chatTurn) Ctx() context.Context                    { return c.t.ctx }
func (c chatTurn) Tx() pgx.Tx                              { return c.t.tx }
func (c chatTurn) Me() *roster.Official                    { return c.t.me }
func (c chatTurn) UserID() int64                           { return c.t.userID }
func (c chatTurn) ChatID() int64                           { return c.t.chatID }
func (c chatTurn) Lang() string                            { return c.t.lang }
func (c chatTurn) Now() time.Time                          { return c.t.a().Now() }
func (c chatTurn) Today() calendar.Date                    { return c.t.a().today() }
func (c chatTurn) Calendar() *calendar.Calendar            { return c.t.a().Cal }
func (c chatTurn) Log() *slog.Logger                       { return c.t.a().Log }
func (c chatTurn) BotName() string                         { return c.t.a().botName(c.t) }
func (c chatTurn) Percent(p grading.Points) string         { return pct(c.t.lang, p) }
func (c chatTurn) Catalog() *locale.Catalog                { return c.t.a().Cat }
func (c chatTurn) T(id string, data map[string]any) string { return c.t.t(id, data) }
func (c chatTurn) N(id string, n int, data map[string]any) string {
	return c.t.T(id, n, data)
}
func (c chatTurn) Reply(text string, kb delivery.Keyboard) error { return c.t.reply(text, kb) }
func (c chatTurn) Send(m delivery.Message) error                 { return c.t.send(m) }
func (c chatTurn) Enqueued()                                     { c.t.enqueued = true }
func (c chatTurn) RefuseStranger() error                         { return c.t.a().refuseStranger(c.t) }
func (c chatTurn) Ack(text string)                               { c.t.ack(text) }
func (c chatTurn) Alert(text string)                             { c.t.alert(text) }
func (c chatTurn) CanReview(officialID int64) (bool, error)      { return c.t.canReview(officialID) }

func (c chatTurn) Pressed() chat.CardRef {
	r := c.t.pressed()
	return chat.CardRef{ChatID: r.chatID, MessageID: r.messageID}
}

func (c chatTurn) EditPressed(text string, kb delivery.Keyboard) { c.t.editPressed(text, kb) }

func (c chatTurn) ShowCard(ref chat.CardRef, text string, kb delivery.Keyboard) {
	c.t.showCard(cardRef{chatID: ref.ChatID, messageID: ref.MessageID}, text, kb)
}

// SendDirect sends a message to the sender's own chat, bypassing the
// outbox, whose rows keep the chat id: used for everything the rating flow
// says to the rater, so that a citizen's Telegram id is never stored. It
// goes once the update has committed, within the chat's pace, and again
// after a 429's retry_after (postDirect); failures are logged without ids.
func (c chatTurn) SendDirect(text string, kb delivery.Keyboard) {
	c.t.queueDirect(text, delivery.InlineMarkup(c.t.a().fitKeyboard(kb, "sendMessage")))
}

// Photo sends a PNG as a photo to the sender's (an official's) chat now,
// through App.direct: within the chat's pace and again after a 429's
// retry_after; direct logs a failure.
func (c chatTurn) Photo(filename string, png []byte, caption string) {
	a, t := c.t.a(), c.t
	caption = a.fitText(caption, delivery.MaxCaption, "sendPhoto")
	_ = a.direct(t.ctx, true, t.chatID, func(ctx context.Context) error {
		_, err := a.Bot.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: t.chatID,
			Photo:   &models.InputFileUpload{Filename: filename, Data: bytes.NewReader(png)},
			Caption: caption, ParseMode: models.ParseModeHTML})
		return err
	})
}

// Document sends a PNG as a document (a photo would be recompressed), as
// Photo does.
func (c chatTurn) Document(filename string, png []byte, caption string) {
	a, t := c.t.a(), c.t
	caption = a.fitText(caption, delivery.MaxCaption, "sendDocument")
	_ = a.direct(t.ctx, true, t.chatID, func(ctx context.Context) error {
		_, err := a.Bot.SendDocument(ctx, &bot.SendDocumentParams{ChatID: t.chatID,
			Document: &models.InputFileUpload{Filename: filename, Data: bytes.NewReader(png)},
			Caption:  caption, ParseMode: models.ParseModeHTML})
		return err
	})
}
