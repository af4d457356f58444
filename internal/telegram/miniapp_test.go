package telegram_test

import (
	"context"
	"io"
	"testing"

	"evalbot/internal/app/access"
	"evalbot/internal/calendar"
	"evalbot/internal/pgtest"
	"evalbot/internal/sim"
	"evalbot/internal/telegram"
)

// TestBoardButtons: a head's /pending and /status carry «📋 Mở bảng duyệt»,
// a web_app button opening the review board, in their private chat; an
// official gets none; every head's private chat gets the menu button
// «Bảng duyệt», and a deputy's only while a delegation is in force.
func TestBoardButtons(t *testing.T) {
	pool := pgtest.New(t)
	h, err := sim.New(pool, at(2026, 11, 30, 10), io.Discard, sim.WithoutLimits())
	must(t, err)
	defer h.Close()
	const board = "https://danhgia.phuong.gov.vn/tg"
	h.App.BoardURL = board
	must(t, h.ImportCSV(units, officials))
	ps, err := h.Onboard()
	must(t, err)
	S, H, A := ps["S"], ps["H"], ps["A"]
	for _, cmd := range []string{"/pending", "/status"} {
		must(t, h.Command(H, cmd))
		kb := H.User.Last().Keyboard
		if len(kb) == 0 || kb[0][0].Text != "📋 Mở bảng duyệt" || kb[0][0].WebApp != board {
			t.Fatalf("H's %s: first row %+v; want the board's web_app button", cmd, kb)
		}
	}
	must(t, h.Command(A, "/pending"))
	for _, row := range A.User.Last().Keyboard {
		for _, b := range row {
			if b.WebApp != "" {
				t.Fatalf("A (no head) got the board's button: %+v", b)
			}
		}
	}

	ctx := context.Background()
	n, err := h.App.SetBoardMenus(ctx, 1000)
	if err != nil || n != 2 {
		t.Fatalf("menus set: %d, %v; want S's and H's", n, err)
	}
	for _, p := range []*sim.Person{S, H} {
		if m := h.Srv.MenuButtonOf(p.User.ID); m.Type != "web_app" || m.Text != "Bảng duyệt" || m.URL != board {
			t.Errorf("%s's menu button: %+v", p.Code, m)
		}
	}
	if m := h.Srv.MenuButtonOf(A.User.ID); m.Type != "default" {
		t.Errorf("A's menu button before a delegation: %+v", m)
	}
	if _, _, err := access.Delegate(ctx, pool, H.ID, A.ID, 3, calendar.DateOf(h.Clock.Now())); err != nil {
		t.Fatal(err)
	}
	if n, err := h.App.SetBoardMenus(ctx, 1000); err != nil || n != 1 {
		t.Fatalf("menus with A delegated: %d, %v; want A's only (S's and H's are set)", n, err)
	}
	if m := h.Srv.MenuButtonOf(A.User.ID); m.Type != "web_app" {
		t.Errorf("A's menu button under the delegation: %+v", m)
	}
	// Three days later the delegation has ended: A's menu goes back.
	h.Clock.Set(h.Clock.Now().AddDate(0, 0, 3))
	if n, err := h.App.SetBoardMenus(ctx, 1000); err != nil || n != 1 {
		t.Fatalf("menus after the delegation: %d, %v; want A's reset only", n, err)
	}
	if m := h.Srv.MenuButtonOf(A.User.ID); m.Type != "default" {
		t.Errorf("A's menu button after the delegation: %+v", m)
	}
	// Nothing differs: no call at all (the serve loop runs every ten minutes).
	calls := h.Srv.Calls()["setChatMenuButton"]
	if n, err := h.App.SetBoardMenus(ctx, 1000); err != nil || n != 0 || h.Srv.Calls()["setChatMenuButton"] != calls {
		t.Fatalf("a run with nothing to change: %d, %v, %d calls", n, err, h.Srv.Calls()["setChatMenuButton"]-calls)
	}
	// H stops being a head (a roster change): the board's button goes, as a
	// former deputy's did; it used to stay for good.
	if _, err := pool.Exec(ctx, `UPDATE officials SET is_head = false WHERE id = $1`, H.ID); err != nil {
		t.Fatal(err)
	}
	if n, err := h.App.SetBoardMenus(ctx, 1000); err != nil || n != 1 {
		t.Fatalf("menus after H stopped being a head: %d, %v", n, err)
	}
	if m := h.Srv.MenuButtonOf(H.User.ID); m.Type != "default" {
		t.Errorf("H's menu button as a former head: %+v", m)
	}
	// S switches to English: the button's text follows on the next run.
	if _, err := pool.Exec(ctx, `UPDATE officials SET language = 'en' WHERE id = $1`, S.ID); err != nil {
		t.Fatal(err)
	}
	if n, err := h.App.SetBoardMenus(ctx, 1000); err != nil || n != 1 {
		t.Fatalf("menus after S chose English: %d, %v", n, err)
	}
	if m := h.Srv.MenuButtonOf(S.User.ID); m.Type != "web_app" || m.Text != "Review board" {
		t.Errorf("S's menu button in English: %+v", m)
	}
	if got := telegram.MiniAppLink("evalbot_phuong_bot", "duyet", "board"); got != "https://t.me/evalbot_phuong_bot/duyet?startapp=board" {
		t.Errorf("MiniAppLink: %q", got)
	}
}
