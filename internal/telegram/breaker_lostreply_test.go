package telegram_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-telegram/bot"

	"evalbot/internal/inbound"
)

// The webhook's 200, which carries the press's answer, does not reach
// Telegram (the connection drops after the handler settled, or the process
// dies between the commit and the write). Telegram posts the update again;
// the repeat changes nothing but answers the press again, in its own 200, so
// the spinner stops. Found by a breaker: the repeat answered nothing.
func TestLostWebhookReplyIsAnsweredOnTheRepeat(t *testing.T) {
	h, A, chatID, msgID := webhookCardOfA(t)
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	box, err := inbound.NewBox([]byte("lost-reply"))
	must(t, err)
	d := inbound.NewDispatcher(h.Pool, h.App.HandleUpdate, quiet, inbound.Options{Workers: 2, Box: box})
	defer d.Stop(5 * time.Second)
	wh := &inbound.Webhook{D: d, Secret: "s", Log: quiet}
	var posts atomic.Int32
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if posts.Add(1) == 1 {
			// The bot handles the update and writes its 200, which is lost.
			rec := httptest.NewRecorder()
			wh.ServeHTTP(rec, r)
			t.Logf("first post: %d %q", rec.Code, rec.Body.String())
			panic(http.ErrAbortHandler) // Telegram sees the connection drop
		}
		wh.ServeHTTP(w, r)
	}))
	defer hs.Close()
	if _, err := h.Bot.SetWebhook(ctx, &bot.SetWebhookParams{URL: hs.URL, SecretToken: "s"}); err != nil {
		t.Fatal(err)
	}
	m, _ := h.Srv.Message(chatID, msgID)
	id := A.User.PressData(m, m.Keyboard[0][4].Data)
	waitFor(t, "the fake Telegram got its 200", func() bool { return h.Srv.Posted(id) })
	raw, _ := h.Srv.Update(id)
	var u struct {
		CallbackQuery struct {
			ID string `json:"id"`
		} `json:"callback_query"`
	}
	must(t, json.Unmarshal(raw, &u))
	if n := posts.Load(); n != 2 {
		t.Fatalf("posted %d times, want 2", n)
	}
	if n := h.Srv.AnswerCounts()[u.CallbackQuery.ID]; n != 1 {
		t.Errorf("press answered %d times, want 1 (unanswered: %v) calls %v reply %v", n, h.Srv.Unanswered(), h.Srv.Calls(), h.Srv.ReplyCalls())
		for _, e := range h.Srv.Transcript() {
			if e.Kind == "answer" {
				t.Logf("%+v", e)
			}
		}
	}
}
