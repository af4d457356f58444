package telegram_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/pgtest"
	"evalbot/internal/report"
	"evalbot/internal/roster"
	"evalbot/internal/sim"
)

const catalogueCSV = `code,name,measure,factor,applies_to
TD01,Thẩm định hồ sơ cấp phép xây dựng,hồ sơ,"1,5",Chuyên viên xây dựng
VB01,Soạn thảo văn bản hành chính,văn bản,1,
`

// A unit under Decree 335 with two task groups: «Xây dựng» (A, and five
// others) and «Văn phòng» (Y and one other).
const units335 = `code,name,parent_code,exceptional
ROOT,Phường Thử,,
U,Phòng Kinh tế,ROOT,
`

const officials335 = `employee_code,full_name,unit_code,category,position,is_head,phone,language,task_group
S,Nguyễn Văn Sếp,ROOT,Cán bộ,Chủ tịch,true,0912000001,vi,
H,Trần Thị Trưởng,U,Công chức,Trưởng phòng,true,0912000002,vi,
A,Lê Văn An,U,Công chức,Chuyên viên xây dựng,,0912000003,vi,Xây dựng
X2,Phạm Văn Hai,U,Công chức,Chuyên viên xây dựng,,0912000004,vi,Xây dựng
X3,Đỗ Văn Ba,U,Công chức,Chuyên viên xây dựng,,0912000005,vi,Xây dựng
X4,Vũ Thị Bốn,U,Công chức,Chuyên viên xây dựng,,0912000006,vi,Xây dựng
X5,Bùi Văn Năm,U,Công chức,Chuyên viên xây dựng,,0912000007,vi,Xây dựng
X6,Hồ Thị Sáu,U,Công chức,Chuyên viên xây dựng,,0912000008,vi,Xây dựng
Y,Ngô Thị Yến,U,Công chức,Chuyên viên,,0912000009,vi,Văn phòng
Y2,Lý Văn Hùng,U,Công chức,Chuyên viên,,0912000010,vi,Văn phòng
`

// Issue 23, end to end through the fake Telegram: an official picks two
// catalogue tasks with quantities, the head marks one «chưa đạt», the grade
// matches the engine; in a unit with two task groups the grade-A quota is
// settled per group (Decree 335: A ≤ 20 % of B within each group).
func TestCatalogueQualityAndQuotaGroups(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	h, err := sim.New(pool, at(2026, 11, 23, 7), io.Discard)
	must(t, err)
	defer h.Close()
	must(t, h.ImportCSV(units335, officials335))
	_, err = pool.Exec(ctx, `UPDATE units SET framework_id = 'nd-335-2025'`)
	must(t, err)
	items, errs, err := roster.ReadCatalogue(strings.NewReader(catalogueCSV), "catalogue.csv")
	if err != nil || len(errs) > 0 {
		t.Fatal(errs, err)
	}
	_, err = roster.ImportCatalogue(ctx, pool, "ROOT", items, roster.Options{})
	must(t, err)
	ps, err := h.Onboard()
	must(t, err)
	H, A, Y := ps["H"], ps["A"], ps["Y"]

	// A finds the code from the phone, without diacritics.
	must(t, h.Say(A, "/catalogue tham dinh xay dung"))
	if got := lastText(A); !strings.Contains(got, "#TD01") || !strings.Contains(got, "1 hồ sơ = 1,50 đơn vị chuẩn") {
		t.Fatalf("search: %q", got)
	}
	// A's month plan: two catalogue tasks with quantities.
	must(t, h.Say(A, "/monthplan"))
	must(t, h.Say(A, "#TD01 x3 | 27/11\n#VB01 x2 báo cáo quý"))
	draft := lastText(A)
	for _, w := range []string{"1. Thẩm định hồ sơ cấp phép xây dựng — hạn 27/11 — TD01: 3 hồ sơ = 4,50 đơn vị chuẩn",
		"2. Soạn thảo văn bản hành chính: báo cáo quý — VB01: 2 văn bản = 2,00 đơn vị chuẩn"} {
		if !strings.Contains(draft, w) {
			t.Fatalf("draft lacks %q:\n%s", w, draft)
		}
	}
	must(t, h.Tap(A, "📨 Gửi duyệt"))
	must(t, h.Tap(H, "✅ Duyệt"))
	// Y's plan: one free-text task.
	must(t, h.Say(Y, "/monthplan"))
	must(t, h.Say(Y, "Tổng hợp báo cáo tháng | 2"))
	must(t, h.Tap(Y, "📨 Gửi duyệt"))
	// The head weighs the free-text task before approving (A's plan, all
	// from the catalogue, had no such button).
	if _, ok := findMsg(H.User.Messages(), "Lê Văn An"); !ok {
		t.Fatal("H has no plan of A")
	}
	must(t, h.Tap(H, "⚖️ Trọng số"))
	must(t, h.Say(H, "1 | 1.5"))
	if got := lastText(H); !strings.Contains(got, "Dòng 1") || !strings.Contains(got, "1.5") {
		t.Fatalf("an ambiguous weight: %q", got)
	}
	must(t, h.Say(H, "1 x3"))
	if got := lastText(H); !strings.Contains(got, "Đã cập nhật trọng số") {
		t.Fatalf("weighed: %q", got)
	}
	if card, _ := findMsg(H.User.Messages(), "Tổng hợp báo cáo tháng"); !strings.Contains(card.Text, "trọng số 3") {
		t.Errorf("the plan card after weighing:\n%s", card.Text)
	}
	must(t, h.Tap(H, "✅ Duyệt"))
	var yWeight int
	must(t, pool.QueryRow(ctx, `SELECT t.weight FROM tasks t JOIN plans p ON p.id = t.plan_id WHERE p.official_id = $1 AND p.status = 'approved'`,
		Y.ID).Scan(&yWeight))
	if yWeight != 300 {
		t.Errorf("Y's task weight %d, want 300 as the head set it", yWeight)
	}

	// The others of the unit are already approved: the group «Xây dựng»
	// has five B, «Văn phòng» one.
	for _, code := range []string{"X2", "X3", "X4", "X5", "X6", "Y2"} {
		_, err := pool.Exec(ctx, `INSERT INTO assessments (official_id, month, framework_id, framework_version, status, graded, total, grade,
			result, approved_at) VALUES ($1, '2026-11-01', 'nd-335-2025', '1', 'approved', true, 8000, 'B',
			'{"FrameworkID": "nd-335-2025", "Graded": true, "Total": 8000, "Grade": "B"}', now())`, ps[code].ID)
		must(t, err)
	}

	// Month end: tasks done, self-assessments sent.
	must(t, h.At(at(2026, 11, 30, 9)))
	for _, p := range []*sim.Person{A, Y} {
		must(t, h.Say(p, "/assess"))
		m, lbl, ok := sim.ButtonStartingWith(p.User.Messages(), "📋")
		if !ok {
			t.Fatalf("%s: no task view button in %q", p.Code, lastText(p))
		}
		must(t, h.TapOn(p, m, lbl))
		must(t, h.Tap(p, "1 ✅"))
		if p == A {
			must(t, h.Tap(p, "2 ✅"))
		}
		m, lbl, _ = sim.ButtonStartingWith(p.User.Messages(), "‹ Quay lại")
		must(t, h.TapOn(p, m, lbl))
		must(t, h.Tap(p, "📨 Gửi đánh giá"))
	}

	// The head marks A's first task «chưa đạt» from the review's task view.
	cardA, ok := findMsg(H.User.Messages(), "Lê Văn An", "Đánh giá tháng")
	if !ok {
		t.Fatal("H has no review card of A")
	}
	if !strings.Contains(cardA.Text, "Khối lượng quy đổi: hoàn thành 6,50/6,50 đơn vị chuẩn (2 việc theo danh mục)") {
		t.Errorf("review card lacks the standard units:\n%s", cardA.Text)
	}
	if !strings.Contains(cardA.Text, "Xây dựng: 0/1 loại A, còn 1 chỗ ←") || !strings.Contains(cardA.Text, "Văn phòng: 0/0 loại A, còn 0 chỗ") {
		t.Errorf("review card lacks the room per group:\n%s", cardA.Text)
	}
	must(t, h.TapOn(H, cardA, "✏️ Điều chỉnh"))
	adj, _ := findMsg(H.User.Messages(), "Điều chỉnh — Lê Văn An")
	_, lbl, ok := sim.ButtonStartingWith([]sim.Message{adj}, "📋")
	if !ok {
		t.Fatalf("no task view in %q", adj.Text)
	}
	must(t, h.TapOn(H, adj, lbl))
	must(t, h.Tap(H, "1 ⚠️"))
	if !strings.Contains(lastText(H), "chưa đạt yêu cầu vì sao") {
		t.Fatalf("H not asked for the reason: %q", lastText(H))
	}
	must(t, h.Say(H, "Hồ sơ thiếu bản vẽ hiện trạng"))
	if got := lastText(H); !strings.Contains(got, "chưa đạt (1 lần)") {
		t.Fatalf("H's confirmation: %q", got)
	}
	if got := lastText(A); !strings.Contains(got, "Hồ sơ thiếu bản vẽ hiện trạng") {
		t.Fatalf("A is not told: %q", got)
	}
	view, _ := findMsg(H.User.Messages(), "Điều chỉnh — Lê Văn An")
	if !strings.Contains(view.Text, "⚠️ chưa đạt ×1") {
		t.Errorf("task view lacks the mark:\n%s", view.Text)
	}
	// A second mark, then taken back: the count follows, A is told.
	must(t, h.Tap(H, "1 ⚠️ 1"))
	must(t, h.Say(H, "Sai số liệu diện tích"))
	if view, _ := findMsg(H.User.Messages(), "Điều chỉnh — Lê Văn An"); !strings.Contains(view.Text, "⚠️ chưa đạt ×2") {
		t.Errorf("task view after the second mark:\n%s", view.Text)
	}
	must(t, h.Tap(H, "1 ↩️"))
	if view, _ := findMsg(H.User.Messages(), "Điều chỉnh — Lê Văn An"); !strings.Contains(view.Text, "⚠️ chưa đạt ×1") {
		t.Errorf("task view after taking one back:\n%s", view.Text)
	}
	if got := lastText(A); !strings.Contains(got, "đã bỏ một lần đánh giá chưa đạt") || !strings.Contains(got, "còn 1 lần") {
		t.Errorf("A after the mark taken back: %q", got)
	}
	m, lbl, _ := sim.ButtonStartingWith(H.User.Messages(), "‹ Quay lại")
	must(t, h.TapOn(H, m, lbl))
	must(t, h.Tap(H, "✅ Duyệt theo điều chỉnh"))

	// Y is an A too, in «Văn phòng»: one B there leaves no room, so the
	// head is asked about Y alone; A's A in «Xây dựng» (five B) stands.
	cardY, _ := findMsg(H.User.Messages(), "Ngô Thị Yến", "Đánh giá tháng")
	must(t, h.TapOn(H, cardY, "✅ Duyệt"))
	q, ok := findMsg(H.User.Messages(), "tối đa 0 người loại A")
	if !ok {
		t.Fatalf("H should be asked about Y's group: %q", cardY.Text)
	}
	var names []string
	for _, row := range q.Keyboard {
		for _, b := range row {
			names = append(names, b.Text)
		}
	}
	if strings.Contains(strings.Join(names, "|"), "Lê Văn An") || !strings.Contains(strings.Join(names, "|"), "Ngô Thị Yến") {
		t.Fatalf("the quota choice should be within Y's group only: %v", names)
	}
	must(t, h.Tap(H, "Chuyển Ngô Thị Yến sang loại B"))

	// The grades match the engine on the approved inputs.
	fw, _ := grading.Preset("nd-335-2025")
	month := calendar.Month{Year: 2026, Month: time.November}
	for _, p := range []*sim.Person{A, Y} {
		as, err := evaluation.FindAssessment(ctx, pool, p.ID, month)
		must(t, err)
		in, err := evaluation.BuildInput(ctx, pool, as, true, calendar.Default(), evaluation.Subject{Role: grading.RoleStaff})
		must(t, err)
		want, err := fw.Grade(in)
		must(t, err)
		if p == Y {
			want.DemoteForQuota()
		}
		if as.Status != evaluation.AssessApproved || *as.Total != want.Total || as.Grade != string(want.Grade) {
			t.Errorf("%s: stored %s %v %s, engine %v %s", p.Code, as.Status, *as.Total, as.Grade, want.Total, want.Grade)
		}
		if p == A {
			// TD01 3 × 1.5 = 4.50 with one mark keeps 75 % of its quality,
			// VB01 2 × 1 = 2.00 all: (450·75 + 200·100) / 650 = 82.69 %.
			if in.Tasks[0].Weight != 450 || in.Tasks[0].QualityFaults != 1 || in.Tasks[1].Weight != 200 || want.Breakdown.Quality != 8269 {
				t.Errorf("A's input %+v, quality %v", in.Tasks, want.Breakdown.Quality)
			}
			if want.Grade != grading.GradeA {
				t.Errorf("A's grade %s (total %v), the test expects A", want.Grade, want.Total)
			}
		}
	}
	// The export shows the standard units and the mark.
	rep, err := report.Monthly(ctx, pool, month, "U")
	must(t, err)
	for _, p := range rep.Units[0].People {
		if p.EmployeeCode == "A" {
			if want := "khối lượng quy đổi: hoàn thành 6,5/6,5 đơn vị chuẩn (2 việc theo danh mục); 1 lần đánh giá chưa đạt chất lượng"; !strings.Contains(p.Note(viExport), want) {
				t.Errorf("A's export note %q lacks %q", p.Note(viExport), want)
			}
		}
	}
	if u := h.Srv.Unanswered(); len(u) > 0 {
		t.Errorf("unanswered callback queries: %v", u)
	}
}
