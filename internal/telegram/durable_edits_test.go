package telegram_test

import (
	"io"
	"testing"

	"evalbot/internal/pgtest"
	"evalbot/internal/sim"
)

// buttonsOf returns message id of chat as it shows now, and its button texts.
func buttonsOf(h *sim.Harness, chatID int64, id int) (sim.Message, []string) {
	m, _ := h.Srv.Message(chatID, id)
	var out []string
	for _, row := range m.Keyboard {
		for _, b := range row {
			out = append(out, b.Text)
		}
	}
	return m, out
}

// Issue 20, point 4: «after `kill -9` while card edits waited out a 429, the
// head's plan card still shows ✅ Duyệt / ↩️ Trả lại for an approved plan and
// an official's draft still shows «📨 Gửi duyệt»». Both edits are refused
// with a 429, the bot is killed while they wait for the retry_after, and a
// new bot starts on the same database: every card must come to the buttons
// of its state.
func TestCardEditsSurviveACrash(t *testing.T) {
	pool := pgtest.New(t)
	h, err := sim.New(pool, at(2026, 11, 23, 7), io.Discard)
	must(t, err)
	defer h.Close()
	must(t, h.ImportCSV(units, officials))
	ps, err := h.Onboard()
	must(t, err)
	H, A := ps["H"], ps["A"]
	must(t, h.At(at(2026, 11, 23, 8)))
	must(t, h.Say(A, "Soạn báo cáo tháng | 26/11 | 2\nTiếp nhận hồ sơ"))
	draft, ok := sim.FindButton(A.User.Messages(), "📨 Gửi duyệt")
	if !ok {
		t.Fatalf("A has no draft card: %q", lastText(A))
	}

	// A submits; the draft card's edit is refused with a 429.
	h.Srv.TooManyNextMethod("editMessageText", 1, 2)
	id, err := A.User.Press(draft, "📨 Gửi duyệt")
	must(t, err)
	must(t, h.WaitUpdate(id))
	must(t, h.FlushMessages())
	card, ok := sim.FindButton(H.User.Messages(), "✅ Duyệt")
	if !ok {
		t.Fatalf("H did not get A's plan: %q", lastText(H))
	}
	// H approves; the plan card's edit is refused with a 429 too.
	h.Srv.TooManyNextMethod("editMessageText", 1, 2)
	id, err = H.User.Press(card, "✅ Duyệt")
	must(t, err)
	must(t, h.WaitUpdate(id))
	if m, _ := buttonsOf(h, draft.ChatID, draft.ID); !hasButton(m, "📨 Gửi duyệt") {
		t.Fatal("the staged 429 did not hold the draft's edit back")
	}
	if m, _ := buttonsOf(h, card.ChatID, card.ID); !hasButton(m, "✅ Duyệt") {
		t.Fatal("the staged 429 did not hold the plan card's edit back")
	}

	// kill -9 while both edits wait for their retry_after; a new process.
	h.Crash()
	must(t, h.Restart())
	must(t, h.Flush())

	if m, bs := buttonsOf(h, draft.ChatID, draft.ID); hasButton(m, "📨 Gửi duyệt") {
		t.Errorf("A's submitted plan still shows «📨 Gửi duyệt»: %v", bs)
	}
	if m, bs := buttonsOf(h, card.ChatID, card.ID); hasButton(m, "✅ Duyệt") || hasButton(m, "↩️ Trả lại") {
		t.Errorf("H's card of an approved plan still shows %v", bs)
	}
	h.App.RecordEditsDone()
	var left int
	must(t, pool.QueryRow(t.Context(), `SELECT count(*) FROM card_edits`).Scan(&left))
	if left != 0 {
		t.Errorf("%d card edit(s) left unconfirmed", left)
	}
	checkLimits(t, h)
}
