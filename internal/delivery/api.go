package delivery

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
	ReplyMarkup models.ReplyMarkup         `json:"reply_markup,omitempty"`
	LinkPreview *models.LinkPreviewOptions `json:"link_preview_options,omitempty"`
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

// send posts one message and returns its message_id.
func (a *API) send(ctx context.Context, chatID int64, p payload) (int64, error) {
	buf := bufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufs.Put(buf)
	err := json.NewEncoder(buf).Encode(sendBody{ChatID: chatID, Text: p.Text, ParseMode: string(models.ParseModeHTML),
		ReplyMarkup: p.markup(), LinkPreview: &models.LinkPreviewOptions{IsDisabled: bot.True()}})
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(a.URL, "/")+"/bot"+a.Token+"/sendMessage", bytes.NewReader(buf.Bytes()))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.Client.Do(req)
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
	switch r.ErrorCode {
	case http.StatusForbidden:
		return 0, fmt.Errorf("%w, %s", bot.ErrorForbidden, r.Description)
	case http.StatusBadRequest:
		if r.Parameters.MigrateToChatID != 0 {
			return 0, &bot.MigrateError{Message: fmt.Sprintf("%s: %s", bot.ErrorBadRequest, r.Description), MigrateToChatID: int(r.Parameters.MigrateToChatID)}
		}
		return 0, fmt.Errorf("%w, %s", bot.ErrorBadRequest, r.Description)
	case http.StatusUnauthorized:
		return 0, fmt.Errorf("%w, %s", bot.ErrorUnauthorized, r.Description)
	case http.StatusNotFound:
		return 0, fmt.Errorf("%w, %s", bot.ErrorNotFound, r.Description)
	case http.StatusConflict:
		return 0, fmt.Errorf("%w, %s", bot.ErrorConflict, r.Description)
	case http.StatusTooManyRequests:
		return 0, &bot.TooManyRequestsError{Message: fmt.Sprintf("%s, %s", bot.ErrorTooManyRequests, r.Description), RetryAfter: r.Parameters.RetryAfter}
	}
	return 0, fmt.Errorf("error response from telegram for method sendMessage, %d %s", r.ErrorCode, r.Description)
}
