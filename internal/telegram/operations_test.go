package telegram_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/pgtest"
	"evalbot/internal/sim"
)

// TestStatusDelegationEscalationPublication: /status and its reminder (once a
// day), a deputy approving on the head's behalf, escalation to the superior
// after the configured working days, publication to the unit's group, the
// lock, and a reconsideration kept and one accepted.
func TestStatusDelegationEscalationPublication(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	h, err := sim.New(pool, at(2026, 11, 30, 8), io.Discard)
	must(t, err)
	defer h.Close()
	must(t, h.ImportCSV(units, officials))
	ps, err := h.Onboard()
	must(t, err)
	S, H, A, B, C := ps["S"], ps["H"], ps["A"], ps["B"], ps["C"]
	month := calendar.Month{Year: 2026, Month: time.November}

	must(t, h.At(at(2026, 11, 30, 9)))
	must(t, h.Tap(A, "📨 Gửi đánh giá"))
	must(t, h.Tap(B, "📨 Submit assessment"))

	// /status: C is missing; the reminder goes once a day.
	must(t, h.Command(H, "/status"))
	if !strings.Contains(lastText(H), "Chưa tự đánh giá: Đỗ Văn Cường") {
		t.Fatalf("status: %q", lastText(H))
	}
	before := len(C.User.Messages())
	_, lbl, ok := sim.ButtonStartingWith(H.User.Messages(), "🔔")
	if !ok {
		t.Fatal("no reminder button")
	}
	must(t, h.Tap(H, lbl))
	if len(C.User.Messages()) != before+1 || !strings.Contains(lastText(C), "chưa gửi tự đánh giá") {
		t.Fatalf("C not reminded: %q", lastText(C))
	}
	must(t, h.Tap(H, lbl))
	if ans := H.User.Answers(); !strings.Contains(ans[len(ans)-1].Text, "đã nhắc") || len(C.User.Messages()) != before+1 {
		t.Fatalf("second reminder the same day: %+v", ans[len(ans)-1])
	}

	// Delegation: B reviews on H's behalf for 7 days.
	must(t, h.Command(H, "/delegate"))
	must(t, h.Tap(H, "Phạm Thị Bình — Chuyên viên"))
	must(t, h.Tap(H, "7 ngày"))
	if !strings.Contains(lastText(B), "Trần Thị Trưởng") {
		t.Fatalf("B's delegation notice: %q", lastText(B))
	}
	must(t, h.Command(B, "/pending"))
	if !strings.Contains(lastText(B), "Lê Văn An") || strings.Contains(lastText(B), "Phạm Thị Bình —") {
		t.Fatalf("deputy's pending list: %q", lastText(B))
	}
	// The deputy opens A's card in their own chat (in English) and approves.
	must(t, h.Tap(B, "📄 Lê Văn An"))
	must(t, h.Tap(B, "✏️ Adjust"))
	must(t, h.Tap(B, "✍️ Enter task score"))
	must(t, h.Say(B, "65"))
	must(t, h.Tap(B, "✅ Approve as adjusted"))
	if !strings.Contains(lastText(A), "thay mặt Trần Thị Trưởng") {
		t.Fatalf("A's card should name the head: %q", lastText(A))
	}
	// A deputy never reviews themself.
	cardB, _ := findMsg(H.User.Messages(), "Phạm Thị Bình", "Đánh giá tháng")
	must(t, h.TapOn(B, cardB, "✏️ Điều chỉnh"))
	if ans := B.User.Answers(); !strings.Contains(ans[len(ans)-1].Text, "permission") && !strings.Contains(ans[len(ans)-1].Text, "not allowed") {
		t.Fatalf("self review answered %+v", ans[len(ans)-1])
	}
	must(t, h.Command(H, "/undelegate"))

	// Escalation: B's submission waits 2 working days → the head is
	// reminded; 4 → the superior is told.
	must(t, h.At(at(2026, 12, 2, 8)))
	if !strings.Contains(lastText(H), "chờ duyệt") {
		t.Fatalf("H not reminded: %q", lastText(H))
	}
	if _, ok := findMsg(S.User.Messages(), "chưa duyệt"); ok {
		t.Fatal("escalated too early")
	}
	must(t, h.At(at(2026, 12, 4, 8)))
	if _, ok := findMsg(S.User.Messages(), "Trần Thị Trưởng", "chưa duyệt"); !ok {
		t.Fatalf("S not told: %q", lastText(S))
	}

	// The head finishes: B approved, C assessed alone, the head by S.
	cardB, _ = findMsg(H.User.Messages(), "Phạm Thị Bình", "Đánh giá tháng")
	must(t, h.TapOn(H, cardB, "✏️ Điều chỉnh"))
	must(t, h.Tap(H, "✍️ Nhập điểm nhiệm vụ"))
	must(t, h.Say(H, "62"))
	must(t, h.Tap(H, "✅ Duyệt theo điều chỉnh"))
	must(t, h.Command(H, "/pending"))
	must(t, h.Tap(H, "✍️ Đánh giá thay: Đỗ Văn Cường"))
	must(t, h.Tap(H, "✍️ Nhập điểm nhiệm vụ"))
	must(t, h.Say(H, "50"))
	must(t, h.Tap(H, "✅ Duyệt theo điều chỉnh"))
	must(t, h.Tap(H, "📨 Gửi đánh giá"))
	must(t, h.Command(H, "/pending"))

	// The unit's group, bound by its head.
	g := h.Srv.NewGroup(-1001, "Phòng Thử")
	must(t, h.Wait(g.SendText(H.User, "/bindgroup@"+h.Srv.BotUsername())))
	if !strings.Contains(g.Last().Text, "Phòng Thử") {
		t.Fatalf("group bind: %q", g.Last().Text)
	}
	// A stranger's /bindgroup in a group does nothing.
	g2 := h.Srv.NewGroup(-1002, "Khác")
	must(t, h.Wait(g2.SendText(A.User, "/bindgroup")))
	if len(g2.Messages()) != 0 {
		t.Fatal("a non-head bound a group")
	}

	// 7 Dec 2026, the 5th working day: publication and lock.
	must(t, h.At(at(2026, 12, 7, 8)))
	pub := g.Last().Text
	for _, name := range []string{"Lê Văn An", "Phạm Thị Bình", "Đỗ Văn Cường"} {
		if !strings.Contains(pub, name) {
			t.Fatalf("publication lacks %s: %q", name, pub)
		}
	}
	if !strings.Contains(lastText(A), "/reconsider") {
		t.Fatalf("A's publication notice: %q", lastText(A))
	}
	asA, err := evaluation.FindAssessment(ctx, pool, A.ID, month)
	must(t, err)
	if asA.LockedAt == nil {
		t.Fatal("A's month is not locked")
	}
	fw, _ := grading.Preset(grading.DefaultFrameworkID)
	if _, err := evaluation.AdjustCriterion(ctx, pool, asA.ID, fw, ps["H"].ID, "ethics", 300); !errors.Is(err, evaluation.ErrLocked) {
		t.Fatalf("an edit after the lock: %v", err)
	}

	// Reconsideration: A's is kept with a reason; B's is accepted and reviewed again.
	must(t, h.Command(A, "/reconsider"))
	must(t, h.Say(A, "Tôi đã hoàn thành thêm việc đột xuất"))
	msgRA, ok := findMsg(H.User.Messages(), "Lê Văn An", "xem xét lại")
	if !ok {
		t.Fatalf("no request at the head; A sees %q", lastText(A))
	}
	must(t, h.TapOn(H, msgRA, "Giữ nguyên kết quả"))
	must(t, h.Say(H, "Việc đột xuất chưa có trong kế hoạch được duyệt"))
	if !strings.Contains(lastText(A), "chưa có trong kế hoạch") {
		t.Fatalf("A's decision: %q", lastText(A))
	}
	must(t, h.Command(B, "/reconsider"))
	must(t, h.Say(B, "Please check task 2 again"))
	msgRB, _ := findMsg(H.User.Messages(), "Phạm Thị Bình", "xem xét lại")
	must(t, h.TapOn(H, msgRB, "🔄 Xem xét lại"))
	asB, err := evaluation.FindAssessment(ctx, pool, B.ID, month)
	must(t, err)
	if asB.Status != evaluation.AssessSubmitted || asB.LockedAt != nil {
		t.Fatalf("B reopened: %s %v", asB.Status, asB.LockedAt)
	}
	must(t, h.Tap(H, "✅ Duyệt"))
	// Everything was audited, and /history shows it.
	must(t, h.Command(B, "/history"))
	if !strings.Contains(lastText(B), "accepted the reconsideration") {
		t.Fatalf("B's history: %q", lastText(B))
	}
	for id, n := range h.Srv.AnswerCounts() {
		if n != 1 {
			t.Errorf("callback %s answered %d times", id, n)
		}
	}
}

// /export sends the head an XLSX of the unit's month; an official gets nothing.
func TestExportInTelegram(t *testing.T) {
	pool := pgtest.New(t)
	h, err := sim.New(pool, at(2026, 12, 1, 8), io.Discard)
	must(t, err)
	defer h.Close()
	must(t, h.ImportCSV(units, officials))
	ps, err := h.Onboard()
	must(t, err)
	must(t, h.Command(ps["H"], "/export 2026-11"))
	doc := ps["H"].User.Last()
	if len(doc.Document) < 1000 || !strings.HasSuffix(doc.FileName, ".xlsx") || !strings.Contains(doc.Caption, "11/2026") {
		t.Fatalf("export: %d bytes, %q, %q", len(doc.Document), doc.FileName, doc.Caption)
	}
	must(t, h.Command(ps["A"], "/export"))
	if len(ps["A"].User.Last().Document) != 0 {
		t.Fatal("an official got an export")
	}
	must(t, h.Command(ps["H"], "/export tháng 11"))
	if !strings.Contains(lastText(ps["H"]), "2026-11") {
		t.Fatalf("bad month: %q", lastText(ps["H"]))
	}
}

// An admin of the organization department sees every unit below theirs in
// /status; granting is from the database, not from anything the user sends.
func TestAdminStatusAcrossUnits(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	h, err := sim.New(pool, at(2026, 11, 30, 10), io.Discard)
	must(t, err)
	defer h.Close()
	must(t, h.ImportCSV(units, officials))
	ps, err := h.Onboard()
	must(t, err)
	A := ps["A"]
	must(t, h.Command(A, "/status"))
	if !strings.Contains(lastText(A), "không phụ trách") {
		t.Fatalf("an official's /status: %q", lastText(A))
	}
	if _, err := pool.Exec(ctx, `INSERT INTO admins (official_id, unit_id) SELECT $1, id FROM units WHERE code = 'ROOT'`, A.ID); err != nil {
		t.Fatal(err)
	}
	must(t, h.Command(A, "/status"))
	for _, unit := range []string{"Phường Thử", "Phòng Thử"} {
		if !strings.Contains(lastText(A), unit) {
			t.Fatalf("admin's /status lacks %s: %q", unit, lastText(A))
		}
	}
}
