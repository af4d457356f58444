package delivery

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// API is a lean sendMessage client for the sender: one JSON POST, and only
// message_id decoded from the reply. go-telegram/bot builds a multipart form
// through a pipe and a goroutine per call and decodes the whole message;
// at 1,000 messages/s on two cores that was an eighth of the sender's CPU.
// Errors are go-telegram/bot's (ErrorForbidden, *TooManyRequestsError, …),
// so both clients are handled alike.
type API struct {
	URL    string // e.g. https://api.telegram.org
	Token  string
	Client *http.Client
}

var bufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

type sendBody struct {
	ChatID      int64                      `json:"chat_id"`
	Text        string                     `json:"text"`
	ParseMode   string                     `json:"parse_mode"`
	ReplyMarkup any                        `json:"reply_markup,omitempty"`
	LinkPreview *models.LinkPreviewOptions `json:"link_preview_options,omitempty"`
}

// WireInline is an InlineKeyboardMarkup with only the fields a Button uses,
// for lean JSON clients (go-telegram's type is encoded by reflection over
// many more).
type WireInline struct {
	Rows [][]WireButton `json:"inline_keyboard"`
}

// WireButton is an InlineKeyboardButton as the Bot API spells it.
type WireButton struct {
	Text         string  `json:"text"`
	CallbackData string  `json:"callback_data,omitempty"`
	URL          string  `json:"url,omitempty"`
	WebApp       *WebApp `json:"web_app,omitempty"`
}

// WebApp is the Bot API's WebAppInfo: the URL of a Mini App's page.
type WebApp struct {
	URL string `json:"url"`
}

// Wire converts k for the Bot API; nil for no keyboard.
func Wire(k Keyboard) *WireInline {
	if len(k) == 0 {
		return nil
	}
	rows := make([][]WireButton, len(k))
	for i, r := range k {
		rows[i] = make([]WireButton, len(r))
		for j, b := range r {
			rows[i][j] = WireButton{Text: b.Text, CallbackData: b.Data, URL: b.URL}
			if b.WebApp != "" {
				rows[i][j].WebApp = &WebApp{URL: b.WebApp}
			}
		}
	}
	return &WireInline{rows}
}

type sendReply struct {
	OK          bool   `json:"ok"`
	ErrorCode   int    `json:"error_code"`
	Description string `json:"description"`
	Result      struct {
		MessageID int64 `json:"message_id"`
	} `json:"result"`
	Parameters struct {
		RetryAfter      int   `json:"retry_after"`
		MigrateToChatID int64 `json:"migrate_to_chat_id"`
	} `json:"parameters"`
}

// send posts one message and returns its message_id. commit is called once
// the whole request but its last byte is written, and the last byte goes only
// if it returns nil; otherwise the request is cut short, which Telegram (and
// any HTTP server) discards: see gate.
func (a *API) send(ctx context.Context, chatID int64, p payload, g *gate) (int64, error) {
	buf := bufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufs.Put(buf)
	var markup any
	if len(p.Keyboard) > 0 && p.ContactButton == "" && !p.RemoveKeyboard {
		markup = Wire(p.Keyboard)
	} else if m := p.markup(); m != nil {
		markup = m
	}
	err := json.NewEncoder(buf).Encode(sendBody{ChatID: chatID, Text: p.Text, ParseMode: string(models.ParseModeHTML),
		ReplyMarkup: markup, LinkPreview: &models.LinkPreviewOptions{IsDisabled: bot.True()}})
	if err != nil {
		return 0, err
	}
	g.body = bytes.TrimRight(buf.Bytes(), "\n")
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(a.URL, "/")+"/bot"+a.Token+"/sendMessage", g)
	if err != nil {
		return 0, err
	}
	req.ContentLength = int64(len(g.body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.Client.Do(req)
	g.close()
	if err != nil {
		return 0, fmt.Errorf("error do request for method sendMessage, %s", strings.ReplaceAll(err.Error(), a.Token, "***"))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return 0, fmt.Errorf("error read response body for method sendMessage, %w", err)
	}
	var r sendReply
	if err := json.Unmarshal(data, &r); err != nil {
		return 0, fmt.Errorf("error decode response body for method sendMessage, HTTP %d", resp.StatusCode)
	}
	if r.OK {
		return r.Result.MessageID, nil
	}
	return 0, APIError("sendMessage", r.ErrorCode, r.Description, r.Parameters.RetryAfter, r.Parameters.MigrateToChatID)
}

// APIError turns a Bot API error reply into go-telegram/bot's error values
// (ErrorForbidden, ErrorBadRequest, *TooManyRequestsError, *MigrateError,
// …), so that replies from lean clients and from go-telegram/bot are
// handled alike.
func APIError(method string, code int, desc string, retryAfter int, migrateTo int64) error {
	switch code {
	case http.StatusForbidden:
		return fmt.Errorf("%w, %s", bot.ErrorForbidden, desc)
	case http.StatusBadRequest:
		if migrateTo != 0 {
			return &bot.MigrateError{Message: fmt.Sprintf("%s: %s", bot.ErrorBadRequest, desc), MigrateToChatID: int(migrateTo)}
		}
		return fmt.Errorf("%w, %s", bot.ErrorBadRequest, desc)
	case http.StatusUnauthorized:
		return fmt.Errorf("%w, %s", bot.ErrorUnauthorized, desc)
	case http.StatusNotFound:
		return fmt.Errorf("%w, %s", bot.ErrorNotFound, desc)
	case http.StatusConflict:
		return fmt.Errorf("%w, %s", bot.ErrorConflict, desc)
	case http.StatusTooManyRequests:
		return &bot.TooManyRequestsError{Message: fmt.Sprintf("%s, %s", bot.ErrorTooManyRequests, desc), RetryAfter: retryAfter}
	}
	return fmt.Errorf("error response from telegram for method %s, %d %s", method, code, desc)
}

// gate is a request body that holds back its last byte until commit has
// recorded, in the outbox, that the message is being sent. A crash (even
// SIGKILL) before that leaves the row claimed and the request incomplete, so
// Telegram never saw it and it is sent again; after it, the row says
// "sending", and only the final write is left. This shrinks the window in
// which a crash leaves a message's fate unknown from a whole database round
// trip to one write (docs/decisions/0001-delivery-outbox.md).
type gate struct {
	body   []byte
	commit func() error

	mu        sync.Mutex
	off       int
	committed bool  // commit returned nil: the last byte may go
	err       error // commit failed: nothing was sent
	closed    bool  // the request is over; commit can no longer run
}

// Read implements io.Reader for the HTTP transport.
func (g *gate) Read(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.err != nil {
		return 0, g.err
	}
	if g.off >= len(g.body) {
		return 0, io.EOF
	}
	end := len(g.body) - 1
	if g.off == end && !g.committed {
		if g.closed {
			g.err = errGateClosed
			return 0, g.err
		}
		if err := g.commit(); err != nil {
			g.err = err
			return 0, err
		}
		g.committed = true
	}
	if g.committed {
		end = len(g.body)
	}
	n := copy(p, g.body[g.off:end])
	g.off += n
	return n, nil
}

// Close implements io.Closer (the transport closes request bodies).
func (g *gate) Close() error { return nil }

// close ends the request: a commit not started by now never runs.
func (g *gate) close() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
}

// sent reports whether the last byte was let go (commit succeeded), and
// commit's error when it failed.
func (g *gate) sent() (bool, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.committed, g.err
}

var errGateClosed = errors.New("request ended before its last byte")
