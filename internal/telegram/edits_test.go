package telegram_test

import (
	"net/http"
	"testing"
	"time"

	"evalbot/internal/botapitest"
	"evalbot/internal/telegram"
)

// A card's edit that Telegram refuses with 429 is made again after
// retry_after, so the card shows the score pressed. A newer press's edit
// supersedes one still waiting, which never lands after it. Both clients.
func TestCardEditRetriedAfterFloodControl(t *testing.T) {
	for _, lean := range []bool{false, true} {
		h, A, card, _ := cardOfA(t)
		if lean {
			h.App.API = &telegram.BotAPI{URL: h.Srv.URL(), Token: h.Srv.Token(), Client: &http.Client{Timeout: 10 * time.Second}}
		}
		now := func() botapitest.Message {
			m, _ := h.Srv.Message(card.ChatID, card.ID)
			return m
		}
		score := func(col int) string { return now().Keyboard[0][col].Text }
		h.Srv.FailNextMethod("editMessageText", 1, 429) // retry after 1 s
		must(t, h.Wait(A.User.PressData(now(), now().Keyboard[0][4].Data)))
		if score(4) == "•3•" {
			t.Fatal("the refused edit shows at once")
		}
		waitFor(t, "the refused edit made again", func() bool { return score(4) == "•3•" })

		edits := func() (n int) {
			for _, e := range h.Srv.Transcript() {
				if e.Kind == "edit" && e.Err == "" {
					n++
				}
			}
			return n
		}
		h.Srv.FailNextMethod("editMessageText", 1, 429)
		must(t, h.Wait(A.User.PressData(now(), now().Keyboard[0][2].Data))) // 1: refused, waits
		must(t, h.Wait(A.User.PressData(now(), now().Keyboard[0][3].Data))) // 2: shown
		before := edits()
		time.Sleep(1500 * time.Millisecond) // past the refused edit's retry_after
		if score(3) != "•2•" || edits() != before {
			t.Errorf("lean %v: after the waiting edit's time, score 2 shows %q and %d more edits; want •2• and none", lean, score(3), edits()-before)
		}
		checkAnswers(t, h)
	}
}
