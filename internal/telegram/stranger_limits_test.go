package telegram_test

import (
	"io"
	"testing"

	"evalbot/internal/pgtest"
	"evalbot/internal/sim"
)

// Issue 20, point 2: «a stranger who sends `/start`, a text, `/assess` and
// `/start <bad code>` within 2 s gets no answer to the fourth ("reply to a
// stranger failed … retry after 1" in the log)». With Telegram's limits on
// (1/s per chat, burst 3), each of the four gets its answer, and the fake
// refuses none.
func TestStrangerRepliesKeepToTheChatLimit(t *testing.T) {
	pool := pgtest.New(t)
	h, err := sim.New(pool, at(2026, 11, 24, 10), io.Discard)
	must(t, err)
	defer h.Close()
	must(t, h.ImportCSV(units, officials))
	u := h.Srv.NewUser(900001, "Lạ", "vi")
	ids := []int64{u.Start(""), u.SendText("Cho tôi hỏi thủ tục"), u.Command("assess"), u.Start("khongcoma123")}
	for _, id := range ids {
		must(t, h.WaitUpdate(id))
	}
	must(t, h.Flush())
	if got := len(u.Messages()); got != 4 {
		t.Errorf("the stranger got %d answers to 4 messages", got)
	}
	checkLimits(t, h)
}
