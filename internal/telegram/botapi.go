package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"evalbot/internal/delivery"
)

// BotAPI is a lean client for the two calls made after each button press
// (editMessageText, answerCallbackQuery): one JSON POST each, and only ok and
// the error read from the reply. go-telegram/bot builds a multipart form
// through a pipe and a goroutine per call and decodes the whole edited
// message, a seventh of the process's CPU per press. Errors are
// go-telegram/bot's (ErrorBadRequest, ErrorForbidden, …), so both clients are
// handled alike.
type BotAPI struct {
	URL    string // e.g. https://api.telegram.org
	Token  string
	Client *http.Client
}

var okPrefix = []byte(`{"ok":true,`)

var apiBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

type editBody struct {
	ChatID      int64                      `json:"chat_id"`
	MessageID   int                        `json:"message_id"`
	Text        string                     `json:"text"`
	ParseMode   models.ParseMode           `json:"parse_mode"`
	ReplyMarkup *delivery.WireInline       `json:"reply_markup,omitempty"`
	LinkPreview *models.LinkPreviewOptions `json:"link_preview_options,omitempty"`
}

type answerBody struct {
	CallbackQueryID string `json:"callback_query_id"`
	Text            string `json:"text,omitempty"`
	ShowAlert       bool   `json:"show_alert,omitempty"`
}

// answerReplyBody is answerCallbackQuery as a webhook reply's body.
type answerReplyBody struct {
	Method string `json:"method"`
	answerBody
}

// answerReply is the webhook reply that answers cq with ans (nil: no text),
// or nil when the update is not a callback query.
func answerReply(cq *models.CallbackQuery, ans *answer) []byte {
	if cq == nil {
		return nil
	}
	b := answerReplyBody{Method: "answerCallbackQuery", answerBody: answerBody{CallbackQueryID: cq.ID}}
	ans = fitAnswer(ans)
	if ans != nil {
		b.Text, b.ShowAlert = ans.text, ans.alert
	}
	out, err := json.Marshal(b)
	if err != nil {
		return nil
	}
	return out
}

type apiReply struct {
	OK          bool   `json:"ok"`
	ErrorCode   int    `json:"error_code"`
	Description string `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

func (a *BotAPI) editMessageText(ctx context.Context, e *edit) error {
	return a.call(ctx, "editMessageText", editBody{ChatID: e.chatID, MessageID: e.messageID, Text: e.text,
		ParseMode: models.ParseModeHTML, ReplyMarkup: delivery.Wire(e.kb), LinkPreview: &models.LinkPreviewOptions{IsDisabled: bot.True()}})
}

func (a *BotAPI) answerCallbackQuery(ctx context.Context, id string, ans *answer) error {
	b := answerBody{CallbackQueryID: id}
	if ans != nil {
		b.Text, b.ShowAlert = ans.text, ans.alert
	}
	return a.call(ctx, "answerCallbackQuery", b)
}

func (a *BotAPI) call(ctx context.Context, method string, body any) error {
	buf := apiBufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer apiBufs.Put(buf)
	if err := json.NewEncoder(buf).Encode(body); err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(a.URL, "/")+"/bot"+a.Token+"/"+method, bytes.NewReader(buf.Bytes()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.Client.Do(req)
	if err != nil {
		return fmt.Errorf("error do request for method %s, %s", method, strings.ReplaceAll(err.Error(), a.Token, "***"))
	}
	defer resp.Body.Close()
	// A success starts with okPrefix, as Telegram answers; its result (for
	// an edit, the whole card again) is not needed and is only drained, so
	// the connection is reused.
	var head [16]byte
	n, err := io.ReadFull(resp.Body, head[:len(okPrefix)])
	if err == nil && bytes.Equal(head[:n], okPrefix) {
		_, err = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		if err != nil {
			return fmt.Errorf("error read response body for method %s, %w", method, err)
		}
		return nil
	}
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return fmt.Errorf("error read response body for method %s, %w", method, err)
	}
	rest, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("error read response body for method %s, %w", method, err)
	}
	data := append(head[:n:n], rest...)
	var r apiReply
	if err := json.Unmarshal(data, &r); err != nil {
		return fmt.Errorf("error decode response body for method %s, HTTP %d", method, resp.StatusCode)
	}
	if r.OK {
		return nil
	}
	return delivery.APIError(method, r.ErrorCode, r.Description, r.Parameters.RetryAfter, 0)
}
