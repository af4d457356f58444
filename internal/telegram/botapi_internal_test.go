package telegram

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot"
)

// TestBotAPIReplies: a success is known by its first bytes and the rest only
// drained; anything else is decoded for Telegram's error.
func TestBotAPIReplies(t *testing.T) {
	big := `{"ok":true,"result":{"message_id":7,"text":"` + strings.Repeat("Tiêu chí ", 20000) + `"}}`
	for _, tc := range []struct {
		name   string
		status int
		body   string
		check  func(error) bool
	}{
		{"ok", 200, `{"ok":true,"result":true}`, func(err error) bool { return err == nil }},
		{"ok with a large result", 200, big, func(err error) bool { return err == nil }},
		{"429", 429, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 3","parameters":{"retry_after":3}}`,
			func(err error) bool {
				var tm *bot.TooManyRequestsError
				return errors.As(err, &tm) && tm.RetryAfter == 3
			}},
		{"403", 403, `{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}`,
			func(err error) bool { return errors.Is(err, bot.ErrorForbidden) }},
		{"short", 502, `{}`, func(err error) bool { return err != nil }},
		{"empty", 502, ``, func(err error) bool { return err != nil }},
		{"not JSON", 502, `<html>Bad Gateway</html>`, func(err error) bool { return err != nil && strings.Contains(err.Error(), "HTTP 502") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			api := &BotAPI{URL: srv.URL, Token: "123:abc", Client: &http.Client{Timeout: 5 * time.Second}}
			// Twice: the second call reuses the connection the first drained.
			for range 2 {
				if err := api.answerCallbackQuery(context.Background(), "q1", nil); !tc.check(err) {
					t.Fatalf("error %v", err)
				}
			}
		})
	}
}
