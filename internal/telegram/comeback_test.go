package telegram_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"evalbot/internal/pgtest"
	"evalbot/internal/sim"
)

// Issue 20, point 11: «a person who blocked the bot and comes back with
// /start never gets the grade card or prompt that was refused meanwhile».
// A blocks the bot on Sunday (Telegram tells the bot: A is unreachable, and
// Monday's plan campaign skips A); on Monday A comes back with /start and
// gets the week's plan prompt, once, however often A says /start.
// (What Telegram refused with a 403 — a grade card — is queued again by
// delivery: TestComebackGetsWhatIsStillCurrentOnce.)
func TestBackAfterABlockGetsTheSkippedPrompt(t *testing.T) {
	pool := pgtest.New(t)
	h, err := sim.New(pool, at(2026, 11, 22, 10), io.Discard)
	must(t, err)
	defer h.Close()
	must(t, h.ImportCSV(units, officials))
	ps, err := h.Onboard()
	must(t, err)
	A := ps["A"]
	ctx := context.Background()
	h.Srv.Block(A.User.ID)
	deadline := time.Now().Add(10 * time.Second)
	for reachable := true; reachable; {
		must(t, pool.QueryRow(ctx, `SELECT reachable FROM officials WHERE id = $1`, A.ID).Scan(&reachable))
		if time.Now().After(deadline) {
			t.Fatal("the block was not seen")
		}
		time.Sleep(10 * time.Millisecond)
	}
	const prompt = "Kế hoạch công tác tuần 23/11"
	prompts := func() (n int) {
		for _, m := range A.User.Messages() {
			if strings.Contains(m.Text, prompt) {
				n++
			}
		}
		return n
	}
	must(t, h.At(at(2026, 11, 23, 8)))
	if _, ok := findMsg(ps["B"].User.Messages(), "Work plan for the week 23/11"); !ok {
		t.Fatal("the week's plan campaign did not run")
	}
	if n := prompts(); n != 0 {
		t.Fatalf("A, who blocked the bot, got %d prompts", n)
	}
	h.Clock.Set(at(2026, 11, 23, 10))
	must(t, h.Command(A, "start"))
	must(t, h.Command(A, "start"))
	if n := prompts(); n != 1 {
		t.Errorf("A, back with /start, got the week's plan prompt %d times, want 1; last: %q", n, lastText(A))
	}
	checkLimits(t, h)
}
