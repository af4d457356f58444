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
// replaces one still waiting, which is never made. Both clients.
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
		// Waits for the press, not for its edit's retry (h.Wait would).
		press := func(id int64) {
			must(t, h.WaitUpdate(id))
			must(t, h.FlushMessages())
		}
		h.Srv.FailNextMethod("editMessageText", 1, 429) // retry after 1 s
		press(A.User.PressData(now(), now().Keyboard[0][4].Data))
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
		before := edits()
		h.Srv.FailNextMethod("editMessageText", 1, 429)
		press(A.User.PressData(now(), now().Keyboard[0][2].Data)) // 1: refused, waits
		press(A.User.PressData(now(), now().Keyboard[0][3].Data)) // 2: goes with the retry
		waitFor(t, "score 2 shown", func() bool { return score(3) == "•2•" })
		time.Sleep(300 * time.Millisecond)
		if score(3) != "•2•" || edits() != before+1 {
			t.Errorf("lean %v: score 2 shows %q after %d edits; want •2• after 1 (score 1's never made)", lean, score(3), edits()-before)
		}
		checkAnswers(t, h)
	}
}
