package telegram_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/pgtest"
	"evalbot/internal/sim"
)

const yearUnits = `code,name,parent_code,exceptional
ROOT,Phường Thử,,
CU,Phòng Cũ,ROOT,
MOI,Phòng Mới,ROOT,
`

// Before July: Mai (M) works in Phòng Cũ.
const yearOfficialsJune = `employee_code,full_name,unit_code,category,position,is_head,phone,language
S,Nguyễn Văn Sếp,ROOT,Cán bộ,Chủ tịch,true,0912000001,vi
H1,Trần Văn Cũ,CU,Công chức,Trưởng phòng,true,0912000002,vi
H2,Lê Thị Mới,MOI,Công chức,Trưởng phòng,true,0912000003,vi
M,Phạm Thị Mai,CU,Công chức,Chuyên viên,,0912000004,vi
P,Đỗ Văn Phúc,MOI,Công chức,Chuyên viên,,0912000005,en
Q1,Hoàng Văn Quang,MOI,Công chức,Chuyên viên,,0912000006,vi
Q2,Vũ Thị Quyên,MOI,Công chức,Chuyên viên,,0912000007,vi
`

// From July: Mai works in Phòng Mới.
var yearOfficialsJuly = strings.Replace(yearOfficialsJune, "M,Phạm Thị Mai,CU,", "M,Phạm Thị Mai,MOI,", 1)

// TestDecemberCampaign drives the yearly evaluation through the fake
// Telegram with its limits on (Decree 335/2025/NĐ-CP Art. 21): the months
// January–November are stored as the bot approves them (Mai moved from Phòng
// Cũ to Phòng Mới in July); on 1 December at 08:00 the campaign sends each
// person their year's summary and each head the yearly table. Mai's summary
// counts every month once (January–June in the old unit, July–November in
// the new); the head of the new unit adjusts Phúc's grade with a typed
// reason, confirms everyone else at once (two As over the unit's quota of one
// are held), confirms one A and, for the other, chooses who moves to B; each
// person is told their final yearly grade. No 429, no dead letter.
func TestDecemberCampaign(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	h, err := sim.New(pool, at(2026, 11, 30, 18), io.Discard)
	must(t, err)
	defer h.Close()
	must(t, h.ImportCSV(yearUnits, yearOfficialsJune))
	ps, err := h.Onboard()
	must(t, err)
	S, H1, H2, M, P, Q1, Q2 := ps["S"], ps["H1"], ps["H2"], ps["M"], ps["P"], ps["Q1"], ps["Q2"]

	// The year's months, approved by each month's head (hanoi-3814-2018).
	fw, err := grading.Preset(grading.DefaultFrameworkID)
	must(t, err)
	month := func(p *sim.Person, m int, total grading.Points, reviewer *sim.Person) {
		t.Helper()
		a, err := evaluation.OpenAssessment(ctx, pool, p.ID, calendar.Month{Year: 2026, Month: time.Month(m)}, fw)
		must(t, err)
		graded, grade := total >= 0, any(nil)
		if graded {
			grade = string(fw.Band(total))
		}
		_, err = pool.Exec(ctx, `UPDATE assessments SET status = 'approved', graded = $2, total = $3, grade = $4, reviewer_id = $5,
			approved_at = now() WHERE id = $1`, a.ID, graded, max(int64(total), 0), grade, reviewer.ID)
		must(t, err)
	}
	for m := 1; m <= 11; m++ {
		if m == 7 {
			must(t, h.ImportCSV(yearUnits, yearOfficialsJuly)) // Mai moves to Phòng Mới
		}
		if m <= 6 {
			month(M, m, 8800, H1) // 88.00, B, in Phòng Cũ
		} else {
			month(M, m, 8400, H2) // 84.00, B, in Phòng Mới
		}
		switch {
		case m == 3:
			month(P, m, -1, H2) // sick most of March: not graded
		default:
			month(P, m, 9000, H2) // 90.00, A
		}
		month(Q1, m, 9600, H2) // A
		month(Q2, m, 9400, H2) // A
		month(H2, m, 8000, S)  // B
		month(H1, m, 8000, S)
	}

	// 1 December 07:00: nothing yet; 08:00: the campaign.
	must(t, h.At(at(2026, 12, 1, 7)))
	if _, ok := findMsg(M.User.Messages(), "Tổng hợp kết quả năm 2026"); ok {
		t.Fatal("the summary went out before 08:00")
	}
	must(t, h.At(at(2026, 12, 1, 8)))
	sum, ok := findMsg(M.User.Messages(), "Tổng hợp kết quả năm 2026")
	if !ok {
		t.Fatalf("Mai has no summary: %q", lastText(M))
	}
	// (6 × 88 + 5 × 84) / 11 = 86.1818… → 86.18: B.
	for _, want := range []string{"Số tháng được xếp loại: 11", "Điểm bình quân: 86,18", "A: 0 · B: 11 · C: 0 · D: 0",
		"dự kiến: loại B", "Phòng Cũ: tháng 1–6", "Phòng Mới: tháng 7–11", "tháng 12: chưa đến kỳ đánh giá"} {
		if !strings.Contains(sum.Text, want) {
			t.Errorf("Mai's summary lacks %q:\n%s", want, sum.Text)
		}
	}
	psum, ok := findMsg(P.User.Messages(), "Your year 2026")
	if !ok || !strings.Contains(psum.Text, "month(s) 3: too few days worked") || !strings.Contains(psum.Text, "Months graded: 10") {
		t.Fatalf("Phúc's summary (English): %q", psum.Text)
	}
	// The head of Phòng Mới gets the table: Mai is there, the old head's is without her.
	tbl, ok := findMsg(H2.User.Messages(), "Xếp loại năm 2026")
	if !ok || !strings.Contains(tbl.Text, "Phạm Thị Mai") || !strings.Contains(tbl.Text, "cần chọn 2 người chuyển sang loại B") {
		t.Fatalf("H2's table: %q", tbl.Text)
	}
	if old, ok := findMsg(H1.User.Messages(), "Xếp loại năm 2026"); ok && strings.Contains(old.Text, "Phạm Thị Mai") {
		t.Fatalf("the head of the unit Mai left lists her: %q", old.Text)
	}
	// The chairman, whom nobody reviews here, gets the table of the heads, no summary.
	if _, ok := findMsg(S.User.Messages(), "Tổng hợp kết quả năm"); ok {
		t.Fatal("the chairman got a summary")
	}
	if st, ok := findMsg(S.User.Messages(), "Xếp loại năm 2026"); !ok || !strings.Contains(st.Text, "Lê Thị Mới") {
		t.Fatalf("the chairman's table: %q", st.Text)
	}
	// The campaign runs once: a second wake-up sends nothing again.
	before := len(M.User.Messages())
	must(t, h.At(at(2026, 12, 1, 9)))
	if n := len(M.User.Messages()); n != before {
		t.Fatalf("a second run sent Mai %d more messages", n-before)
	}

	// Mai's old head cannot decide her year (forged press of the new head's button).
	must(t, h.TapOn(H1, tbl, "✅ Phạm Thị Mai"))
	if s := grade(t, pool, M.ID); s != "draft B" {
		t.Fatalf("the old head's press decided: %s", s)
	}

	// Phúc: adjusted to B with a typed reason.
	must(t, h.Tap(H2, "✏️ Đỗ Văn Phúc"))
	must(t, h.Tap(H2, "Loại B"))
	if !strings.Contains(lastText(H2), "lý do điều chỉnh") {
		t.Fatalf("reason asked: %q", lastText(H2))
	}
	must(t, h.Say(H2, "Chưa hoàn thành chỉ tiêu cải cách hành chính quý IV"))
	if !strings.Contains(lastText(H2), "Đã điều chỉnh xếp loại năm của Đỗ Văn Phúc sang loại B") {
		t.Fatalf("after the reason: %q", lastText(H2))
	}
	if !strings.Contains(lastText(P), "Your yearly grade for 2026: grade B") ||
		!strings.Contains(lastText(P), "Reason: Chưa hoàn thành chỉ tiêu cải cách hành chính quý IV") {
		t.Fatalf("Phúc is told: %q", lastText(P))
	}

	// A month reconsidered after the table was shown: «confirm all» on it
	// confirms nothing, says so and shows the table as it is now.
	all, ok := sim.FindButton(H2.User.Messages(), "✅ Xác nhận tất cả (3)")
	if !ok {
		t.Fatalf("no «confirm all» for the 3 drafts left: %q", lastText(H2))
	}
	_, err = pool.Exec(ctx, `UPDATE assessments SET total = 9300 WHERE official_id = $1 AND month = '2026-11-01'`, Q2.ID)
	must(t, err)
	must(t, h.TapOn(H2, all, "✅ Xác nhận tất cả (3)"))
	if s := grade(t, pool, M.ID); s != "draft B" {
		t.Fatalf("confirm all on a changed table decided: %s", s)
	}
	if fresh, _ := findMsg(H2.User.Messages(), "Xếp loại năm 2026"); !strings.Contains(fresh.Text, "Vũ Thị Quyên — 11 tháng, 93,91 điểm") {
		t.Fatalf("the table after a stale «confirm all»: %q", fresh.Text)
	}
	// Confirm all: Mai is confirmed and told; the two As over the quota are held.
	all, _ = sim.FindButton(H2.User.Messages(), "✅ Xác nhận tất cả (3)")
	must(t, h.TapOn(H2, all, "✅ Xác nhận tất cả (3)"))
	if s := grade(t, pool, M.ID); s != "confirmed B" {
		t.Fatalf("Mai after confirm all: %s", s)
	}
	if !strings.Contains(lastText(M), "Kết quả xếp loại năm 2026 của anh/chị: loại B") {
		t.Fatalf("Mai is told: %q", lastText(M))
	}
	for _, q := range []*sim.Person{Q1, Q2} {
		if s := grade(t, pool, q.ID); s != "draft A" {
			t.Fatalf("%s over the quota after confirm all: %s", q.Name, s)
		}
	}
	// A double tap confirms nothing more, and tells nobody again.
	told := len(M.User.Messages())
	must(t, h.TapOn(H2, all, "✅ Xác nhận tất cả (3)"))
	if n := len(M.User.Messages()); n != told {
		t.Fatalf("a double tap told Mai again (%d messages)", n-told)
	}

	// Quang's A fits the quota (⌊30 % × 5⌋ = 1); Quyên's does not: the head
	// chooses, and moves Quang to B so that Quyên keeps the A.
	must(t, h.Tap(H2, "✅ Hoàng Văn Quang"))
	if s := grade(t, pool, Q1.ID); s != "confirmed A" {
		t.Fatalf("Quang: %s", s)
	}
	must(t, h.Tap(H2, "✅ Vũ Thị Quyên"))
	if s := grade(t, pool, Q2.ID); s != "draft A" {
		t.Fatalf("Quyên's A confirmed over the quota: %s", s)
	}
	must(t, h.Tap(H2, "⬇️ Hoàng Văn Quang chuyển loại B"))
	if a, b := grade(t, pool, Q1.ID), grade(t, pool, Q2.ID); a != "adjusted B" || b != "confirmed A" {
		t.Fatalf("after the choice: Quang %s, Quyên %s", a, b)
	}
	if !strings.Contains(lastText(Q1), "loại B") || !strings.Contains(lastText(Q1), "Tỷ lệ loại A của năm") ||
		!strings.Contains(lastText(Q2), "loại A") {
		t.Fatalf("told: Quang %q; Quyên %q", lastText(Q1), lastText(Q2))
	}
	var as int
	must(t, pool.QueryRow(ctx, `SELECT count(*) FROM period_results r JOIN units u ON u.id = r.unit_id
		WHERE u.code = 'MOI' AND r.year = 2026 AND r.quarter = 0 AND r.grade = 'A'`).Scan(&as))
	if as != 1 {
		t.Fatalf("Phòng Mới has %d A for the year, the quota allows 1", as)
	}
	if end, _ := findMsg(H2.User.Messages(), "Xếp loại năm 2026"); !strings.Contains(end.Text, "Đã xác nhận xếp loại năm của tất cả mọi người") {
		t.Fatalf("the table at the end: %q", end.Text)
	}
	// /year shows Mai her year as decided.
	must(t, h.Command(M, "year"))
	if !strings.Contains(lastText(M), "Xếp loại năm: loại B (Hoàn thành tốt nhiệm vụ) — lãnh đạo đã xác nhận.") {
		t.Fatalf("/year: %q", lastText(M))
	}
	checkLimits(t, h)
}

// grade is a person's stored yearly status and grade («confirmed B»).
func grade(t *testing.T, pool *pgxpool.Pool, id int64) string {
	t.Helper()
	var s string
	must(t, pool.QueryRow(context.Background(), `SELECT status || coalesce(' ' || grade, '') FROM period_results
		WHERE official_id = $1 AND year = 2026 AND quarter = 0`, id).Scan(&s))
	return s
}

// Someone who blocked the bot before 1 December is skipped by the December
// campaign (as by every campaign) and, back with /start while the campaign's
// period lasts, gets their year's summary, once however often they start.
func TestBackAfterABlockGetsTheYearSummary(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	h, err := sim.New(pool, at(2026, 11, 30, 18), io.Discard)
	must(t, err)
	defer h.Close()
	must(t, h.ImportCSV(yearUnits, yearOfficialsJuly))
	ps, err := h.Onboard()
	must(t, err)
	M := ps["M"]
	h.Srv.Block(M.User.ID)
	deadline := time.Now().Add(10 * time.Second)
	for reachable := true; reachable; {
		must(t, pool.QueryRow(ctx, `SELECT reachable FROM officials WHERE id = $1`, M.ID).Scan(&reachable))
		if time.Now().After(deadline) {
			t.Fatal("the block was not seen")
		}
		time.Sleep(10 * time.Millisecond)
	}
	summaries := func() (n int) {
		for _, m := range M.User.Messages() {
			if strings.Contains(m.Text, "Tổng hợp kết quả năm 2026") {
				n++
			}
		}
		return n
	}
	must(t, h.At(at(2026, 12, 1, 8)))
	if _, ok := findMsg(ps["Q1"].User.Messages(), "Tổng hợp kết quả năm 2026"); !ok {
		t.Fatal("the December campaign did not run")
	}
	if n := summaries(); n != 0 {
		t.Fatalf("Mai, who blocked the bot, got %d summaries", n)
	}
	h.Clock.Set(at(2026, 12, 2, 10))
	must(t, h.Command(M, "start"))
	must(t, h.Command(M, "start"))
	if n := summaries(); n != 1 {
		t.Errorf("Mai, back with /start, got the summary %d times, want 1; last: %q", n, lastText(M))
	}
	checkLimits(t, h)
}
