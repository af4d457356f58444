package citizenchat_test

import (
	"bytes"
	"context"
	"image/png"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/makiuchi-d/gozxing"
	gzqr "github.com/makiuchi-d/gozxing/qrcode"

	"evalbot/internal/calendar"
	"evalbot/internal/citizen"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/roster"
	"evalbot/internal/sim"
	"evalbot/internal/telegram/citizenchat/citizentest"
)

func lastAnswer(p *sim.Person) string {
	as := p.User.Answers()
	if len(as) == 0 {
		return ""
	}
	return as[len(as)-1].Text
}

func hasButton(m sim.Message, label string) bool {
	for _, r := range m.Keyboard {
		for _, b := range r {
			if b.Text == label {
				return true
			}
		}
	}
	return false
}

// ratingsOf lists the (desk code, level, complaint) of the citizen's
// ratings, found by the keyed hash as the bot stores them.
func ratingsOf(t *testing.T, pool *pgxpool.Pool, telegramID int64) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT d.code, r.level, coalesce(r.complaint, ''), r.flagged
		FROM citizen_ratings r JOIN desks d ON d.id = r.desk_id WHERE r.citizen = $1 ORDER BY d.code`, citizen.Hash(telegramID))
	must(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var code, level, complaint string
		var flagged bool
		must(t, rows.Scan(&code, &level, &complaint, &flagged))
		s := code + " " + level
		if complaint != "" {
			s += " " + complaint
		}
		if flagged {
			s += " flagged"
		}
		out = append(out, s)
	}
	return out
}

// assertNoClearIDs looks for the citizens' Telegram ids in every row of
// every table and in everything logged.
func assertNoClearIDs(t *testing.T, w *citizentest.World, ids ...int64) {
	t.Helper()
	ctx := context.Background()
	rows, err := w.Pool.Query(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`)
	must(t, err)
	var tables []string
	for rows.Next() {
		var n string
		must(t, rows.Scan(&n))
		tables = append(tables, n)
	}
	rows.Close()
	if len(tables) < 10 {
		t.Fatalf("only %d tables: %v", len(tables), tables)
	}
	logs := w.Logs.String()
	if !strings.Contains(logs, "level=") {
		// Make sure the capture works: the bot logs something at debug level and up.
		w.H.App.Log.Info("log capture check")
		logs = w.Logs.String()
	}
	for _, id := range ids {
		s := strconv.FormatInt(id, 10)
		for _, tbl := range tables {
			var n int
			must(t, w.Pool.QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{tbl}.Sanitize()+` x WHERE x::text LIKE '%' || $1 || '%'`, s).Scan(&n))
			if n > 0 {
				t.Errorf("citizen id %s in clear in %d row(s) of %s", s, n, tbl)
			}
		}
		if strings.Contains(logs, s) {
			t.Errorf("citizen id %s in the logs", s)
		}
		// The keyed hash is there instead.
		var n int
		must(t, w.Pool.QueryRow(ctx, `SELECT count(*) FROM citizen_ratings WHERE citizen = $1`, citizen.Hash(id)).Scan(&n))
		if n == 0 {
			t.Errorf("no rating stored under the hash of citizen %s", s)
		}
	}
}

// TestCitizenRatesAndItCounts: a citizen scans the desk's code and rates in
// two taps; the "không hài lòng" reaches the head at once, the comment too;
// a dismissal without a reason is refused; Confirm lowers the official's
// month total by the policy's points, and the grade card shows the
// deduction and the satisfaction rate; nothing stores or logs a citizen's
// Telegram id.
func TestCitizenRatesAndItCounts(t *testing.T) {
	w := citizentest.New(t)
	h, ctx := w.H, context.Background()
	G, N := w.Ps["G"], w.Ps["N"]
	lan := w.Person(citizentest.LanID, "Lan", "")

	// Scan: the desk, the official and the four levels.
	w.Scan(t, lan, w.Link(t, "HCC-Q1"))
	card := lan.User.Last()
	for _, want := range []string{"Quầy 1 - Đất đai và xây dựng", "Hà Thị Bích Ngọc — Chuyên viên tiếp nhận hồ sơ"} {
		if !strings.Contains(card.Text, want) {
			t.Fatalf("card lacks %q: %q", want, card.Text)
		}
	}
	for _, l := range []string{"😀 Rất hài lòng", "🙂 Hài lòng", "😐 Bình thường", "🙁 Không hài lòng"} {
		if !hasButton(card, l) {
			t.Fatalf("card lacks %q: %v", l, card.Keyboard)
		}
	}
	// Tap 1: the rating is recorded and the head is told at once.
	must(t, h.Tap(lan, "🙁 Không hài lòng"))
	if got := lan.User.Last(); !strings.Contains(got.Text, "Đã ghi nhận đánh giá «🙁 Không hài lòng»") || !hasButton(got, "Bỏ qua") || got.ID != card.ID {
		t.Fatalf("after the tap: %q %v", got.Text, got.Keyboard)
	}
	if a := lastAnswer(lan); a != "Đã ghi nhận đánh giá" {
		t.Fatalf("toast %q", a)
	}
	first, ok := findMsg(G.User.Messages(), "Người dân không hài lòng", "Hà Thị Bích Ngọc", "chưa gửi góp ý")
	if !ok || !hasButton(first, "✅ Xác nhận") || !hasButton(first, "✖️ Bác bỏ") || !strings.Contains(first.Text, "trừ 1 điểm") {
		t.Fatalf("head's card: %q", G.User.Last().Text)
	}
	// The optional comment, typed: thanks, and the comment reaches the head.
	must(t, h.Say(lan, "Chờ hơn một giờ mà không được hướng dẫn."))
	if !strings.Contains(lastText(lan), "Cảm ơn ông/bà đã góp ý") {
		t.Fatalf("after the comment: %q", lastText(lan))
	}
	if m, ok := findMsg(lan.User.Messages(), "Cảm ơn ông/bà đã đánh giá", "Chờ hơn một giờ"); !ok || len(m.Keyboard) != 0 {
		t.Fatalf("the card after the comment: %+v", lan.User.Messages())
	}
	withComment, ok := findMsg(G.User.Messages(), "Người dân không hài lòng", "Chờ hơn một giờ mà không được hướng dẫn.")
	if !ok {
		t.Fatalf("the comment did not reach the head: %q", lastText(G))
	}
	// The first card's buttons are out of date now.
	must(t, h.TapOn(G, first, "✅ Xác nhận"))
	if a := lastAnswer(G); !strings.Contains(a, "đã cũ") {
		t.Fatalf("stale card answered %q", a)
	}
	// Dismiss without a reason is refused; nothing changes.
	must(t, h.TapOn(G, withComment, "✖️ Bác bỏ"))
	if !strings.Contains(lastText(G), "lý do bác bỏ") {
		t.Fatalf("dismiss asks %q", lastText(G))
	}
	for _, reason := range []string{"ok", " . "} {
		must(t, h.Say(G, reason))
		if !strings.Contains(lastText(G), "cần có lý do") {
			t.Fatalf("dismissal with %q: %q", reason, lastText(G))
		}
	}
	if got := ratingsOf(t, w.Pool, citizentest.LanID); len(got) != 1 || got[0] != "HCC-Q1 unsatisfied pending" {
		t.Fatalf("after the refused dismissal: %v", got)
	}
	must(t, h.Command(G, "/cancel"))

	// The month total before and after Confirm, by the engine on the stored inputs.
	fw, err := grading.Preset(grading.DefaultFrameworkID)
	must(t, err)
	nov := calendar.Month{Year: 2026, Month: time.November}
	total := func() grading.Points {
		as, err := evaluation.OpenAssessment(ctx, w.Pool, N.ID, nov, fw)
		must(t, err)
		in, err := evaluation.BuildInput(ctx, w.Pool, as, false, calendar.Default(), evaluation.Subject{Role: grading.RoleStaff})
		must(t, err)
		manual := grading.Points(6000)
		in.ManualTaskScore = &manual
		r, err := fw.Grade(in)
		must(t, err)
		return r.Total
	}
	before := total()
	must(t, h.TapOn(G, withComment, "✅ Xác nhận"))
	if m, _ := findMsg(G.User.Messages(), "Chờ hơn một giờ", "Đã xác nhận"); len(m.Keyboard) != 0 || !strings.Contains(m.Text, "11/2026") {
		t.Fatalf("confirmed card %q %v", m.Text, m.Keyboard)
	}
	each, _ := citizen.Policy(fw)
	if after := total(); before-after != each || each != 100 {
		t.Fatalf("total %v → %v, want −%v", before, after, each)
	}
	// The official is told, with the comment and nothing about the citizen.
	notice := lastText(N)
	if !strings.Contains(notice, "đã được lãnh đạo xác nhận") || !strings.Contains(notice, "Chờ hơn một giờ") || strings.Contains(notice, "Lan") {
		t.Fatalf("official's notice %q", notice)
	}
	// Confirm again: out of date.
	must(t, h.TapOn(G, withComment, "✅ Xác nhận"))
	if a := lastAnswer(G); !strings.Contains(a, "đã cũ") {
		t.Fatalf("second confirm answered %q", a)
	}

	// A second complaint, from an English-speaking citizen, dismissed with a reason.
	minh := w.Person(citizentest.MinhID, "Minh", "en")
	w.At(t, at(2026, 11, 25, 11))
	w.Scan(t, minh, w.Link(t, "HCC-Q1"))
	must(t, h.Tap(minh, "🙁 Not satisfied"))
	must(t, h.Tap(minh, "Skip"))
	if !strings.Contains(lastText(minh), "Thank you for your rating") {
		t.Fatalf("after skip: %q", lastText(minh))
	}
	second, ok := findMsg(G.User.Messages(), "Người dân không hài lòng", "11:00")
	if !ok {
		t.Fatalf("second complaint: %q", lastText(G))
	}
	must(t, h.TapOn(G, second, "✖️ Bác bỏ"))
	must(t, h.Say(G, "Hồ sơ thiếu giấy tờ, cán bộ đã hướng dẫn đúng quy định"))
	if !strings.Contains(lastText(G), "Đã bác bỏ phản ánh") {
		t.Fatalf("after the reason: %q", lastText(G))
	}
	if m, _ := findMsg(G.User.Messages(), "11:00", "Đã bác bỏ. Lý do: Hồ sơ thiếu giấy tờ"); len(m.Keyboard) != 0 {
		t.Fatalf("dismissed card %q", m.Text)
	}
	// And one happy citizen: two taps, no comment.
	hoa := w.Person(citizentest.HoaID, "Hoa", "vi")
	w.Scan(t, hoa, w.Link(t, "HCC-Q1"))
	must(t, h.Tap(hoa, "😀 Rất hài lòng"))
	must(t, h.Tap(hoa, "Bỏ qua"))

	// The month closes: self-assessment, the head enters the task score and approves.
	w.At(t, at(2026, 11, 30, 10))
	must(t, h.Command(N, "/assess"))
	must(t, h.Tap(N, "📨 Gửi đánh giá"))
	review, ok := findMsg(G.User.Messages(), "Hà Thị Bích Ngọc", "Đánh giá tháng")
	if !ok {
		t.Fatal("no review card")
	}
	must(t, h.TapOn(G, review, "✏️ Điều chỉnh"))
	must(t, h.Tap(G, "✍️ Nhập điểm nhiệm vụ"))
	must(t, h.Say(G, "60"))
	must(t, h.Tap(G, "✅ Duyệt theo điều chỉnh"))
	as, err := evaluation.FindAssessment(ctx, w.Pool, N.ID, nov)
	must(t, err)
	if as.Status != evaluation.AssessApproved || as.Result == nil || as.Result.Deduction != 100 || as.Total == nil || *as.Total != before-100 {
		t.Fatalf("approved: %s total %v result %+v", as.Status, as.Total, as.Result)
	}
	gradeCard := lastText(N)
	for _, want := range []string{"Điểm trừ do phản ánh của người dân: −1,00", "Mức độ hài lòng của người dân: 50% (2 lượt đánh giá: 😀 1 · 🙂 0 · 😐 0 · 🙁 1)",
		"1 được xác nhận, 1 bị bác bỏ"} {
		if !strings.Contains(gradeCard, want) {
			t.Errorf("grade card lacks %q:\n%s", want, gradeCard)
		}
	}
	// The official's own report: counts and comments, nobody identified.
	must(t, h.Wait(N.User.Start("ratings")))
	rep := lastText(N)
	if !strings.Contains(rep, "Chờ hơn một giờ") || !strings.Contains(rep, "hài lòng 50%") || strings.Contains(rep, "Lan") || strings.Contains(rep, "Minh") {
		t.Fatalf("official's report:\n%s", rep)
	}
	// The head's: per official and per desk.
	must(t, h.Wait(G.User.Start("ratings")))
	rep = lastText(G)
	for _, want := range []string{"Theo cán bộ", "Hà Thị Bích Ngọc: 2 lượt", "Theo quầy", "HCC-Q1: 2 lượt", "1 xác nhận, 1 bác bỏ, 0 chờ xử lý"} {
		if !strings.Contains(rep, want) {
			t.Errorf("head's report lacks %q:\n%s", want, rep)
		}
	}
	if u := h.Srv.Unanswered(); len(u) > 0 {
		t.Errorf("unanswered callback queries: %v", u)
	}
	assertNoClearIDs(t, w, citizentest.LanID, citizentest.MinhID, citizentest.HoaID)
}

// Everything works whatever the citizen's Telegram language: Vietnamese by
// default, English for "en".
func TestCitizenLanguages(t *testing.T) {
	w := citizentest.New(t)
	h := w.H
	for i, lang := range []string{"", "vi", "en", "fr", "en-US", "zh-hans"} {
		p := w.Person(int64(555000001+i), "Khách", lang)
		w.Scan(t, p, w.Link(t, "HCC-Q2"))
		title, level, skip, thanks := "Đánh giá mức độ hài lòng", "🙂 Hài lòng", "Bỏ qua", "Cảm ơn ông/bà"
		if strings.HasPrefix(lang, "en") {
			title, level, skip, thanks = "Rate our service", "🙂 Satisfied", "Skip", "Thank you"
		}
		if !strings.Contains(lastText(p), title) || !strings.Contains(lastText(p), "Tô Quốc Bảo") {
			t.Fatalf("%q: card %q", lang, lastText(p))
		}
		must(t, h.Tap(p, level))
		must(t, h.Tap(p, skip))
		if !strings.Contains(lastText(p), thanks) {
			t.Fatalf("%q: thanks %q", lang, lastText(p))
		}
		if got := ratingsOf(t, w.Pool, int64(555000001+i)); len(got) != 1 || got[0] != "HCC-Q2 satisfied" {
			t.Fatalf("%q: stored %v", lang, got)
		}
	}
	if u := h.Srv.Unanswered(); len(u) > 0 {
		t.Errorf("unanswered callback queries: %v", u)
	}
}

// One rating per citizen per desk per day (the later replaces the
// earlier), a daily cap per account, no rating of one's own desk, and
// bursts flagged to the head and not counted.
func TestCitizenLimits(t *testing.T) {
	w := citizentest.New(t)
	h := w.H
	G, N, B := w.Ps["G"], w.Ps["N"], w.Ps["B"]

	// A second rating the same day replaces the first.
	lan := w.Person(citizentest.LanID, "Lan", "vi")
	w.Scan(t, lan, w.Link(t, "HCC-Q1"))
	must(t, h.Tap(lan, "🙂 Hài lòng"))
	must(t, h.Tap(lan, "Bỏ qua"))
	w.At(t, at(2026, 11, 25, 10))
	w.Scan(t, lan, w.Link(t, "HCC-Q1"))
	must(t, h.Tap(lan, "😐 Bình thường"))
	if got := ratingsOf(t, w.Pool, citizentest.LanID); len(got) != 1 || got[0] != "HCC-Q1 neutral" {
		t.Fatalf("after the second rating: %v", got)
	}
	// A text while the comment is awaited is the comment; after it, a short answer.
	must(t, h.Say(lan, "Cán bộ nhiệt tình"))
	must(t, h.Say(lan, "Xin chào"))
	if !strings.Contains(lastText(lan), "quét mã QR tại quầy") {
		t.Fatalf("idle text answered %q", lastText(lan))
	}

	// The daily cap: five desks a day for one account.
	minh := w.Person(citizentest.MinhID, "Minh", "vi")
	var firstCard sim.Message
	for i, code := range []string{"HCC-Q1", "HCC-Q2", "HCC-Q3", "HCC-Q4", "HCC-Q5", "HCC-Q6"} {
		w.At(t, at(2026, 11, 25, 13).Add(time.Duration(i)*5*time.Minute))
		w.Scan(t, minh, w.Link(t, code))
		if i == 0 {
			firstCard = minh.User.Last()
		}
		must(t, h.Tap(minh, "😀 Rất hài lòng"))
		if i < 5 && lastAnswer(minh) != "Đã ghi nhận đánh giá" {
			t.Fatalf("rating %d answered %q", i+1, lastAnswer(minh))
		}
	}
	if a := lastAnswer(minh); !strings.Contains(a, "đủ số lượt cho phép trong ngày") {
		t.Fatalf("sixth rating answered %q", a)
	}
	if got := ratingsOf(t, w.Pool, citizentest.MinhID); len(got) != 5 {
		t.Fatalf("stored %v", got)
	}
	// The next day the account may rate again.
	w.At(t, at(2026, 11, 26, 9))
	w.Scan(t, minh, w.Link(t, "HCC-Q6"))
	must(t, h.Tap(minh, "😀 Rất hài lòng"))
	if a := lastAnswer(minh); a != "Đã ghi nhận đánh giá" {
		t.Fatalf("next day answered %q", a)
	}

	// An official cannot rate their own desk: not by scanning, not with a
	// citizen's card; another desk is fine.
	w.Scan(t, N, w.Link(t, "HCC-Q1"))
	if !strings.Contains(lastText(N), "không thể tự đánh giá") {
		t.Fatalf("own desk scan: %q", lastText(N))
	}
	w.At(t, at(2026, 11, 25, 14))
	must(t, h.TapOn(N, firstCard, "😐 Bình thường"))
	// A card N never scanned for rates nothing for N (the scan check comes first).
	if a := lastAnswer(N); !strings.Contains(a, "vui lòng quét mã QR") {
		t.Fatalf("own desk tap: %q", a)
	}
	w.At(t, at(2026, 11, 26, 9))
	w.Scan(t, B, w.Link(t, "HCC-Q1"))
	if !strings.Contains(lastText(B), "Rate our service") {
		t.Fatalf("B rating Q1: %q", lastText(B))
	}
	must(t, h.Tap(B, "🙂 Satisfied"))
	if a := lastAnswer(B); a != "Rating recorded" {
		t.Fatalf("B's rating answered %q", a)
	}

	// A burst: five ratings within a few minutes from one account.
	hoa := w.Person(citizentest.HoaID, "Hoa", "vi")
	for i, code := range []string{"HCC-Q1", "HCC-Q2", "HCC-Q3", "HCC-Q4", "HCC-Q5"} {
		w.At(t, at(2026, 11, 26, 15).Add(time.Duration(i)*time.Minute))
		w.Scan(t, hoa, w.Link(t, code))
		must(t, h.Tap(hoa, "🙁 Không hài lòng"))
	}
	if !strings.Contains(lastText(G), "Đánh giá bất thường: một tài khoản gửi 5 lượt đánh giá trong 10 phút (HCC-Q1, HCC-Q2, HCC-Q3, HCC-Q4, HCC-Q5)") {
		t.Fatalf("head's burst notice: %q", lastText(G))
	}
	for _, r := range ratingsOf(t, w.Pool, citizentest.HoaID) {
		if !strings.HasSuffix(r, "flagged") {
			t.Errorf("not flagged: %s", r)
		}
	}
	// A complaint card from before the burst no longer counts.
	early, ok := findMsg(G.User.Messages(), "Người dân không hài lòng", "15:00")
	if !ok {
		t.Fatal("no card of the first complaint")
	}
	must(t, h.TapOn(G, early, "✅ Xác nhận"))
	if a := lastAnswer(G); !strings.Contains(a, "bất thường") {
		t.Fatalf("confirming a flagged rating: %q", a)
	}
	c, err := citizen.OfficialMonth(context.Background(), w.Pool, N.ID, calendar.Month{Year: 2026, Month: time.November})
	must(t, err)
	if c.Levels[3] != 0 || c.Flagged != 3 {
		t.Fatalf("N's month %+v", c)
	}
	if u := h.Srv.Unanswered(); len(u) > 0 {
		t.Errorf("unanswered callback queries: %v", u)
	}
	assertNoClearIDs(t, w, citizentest.LanID, citizentest.MinhID, citizentest.HoaID)
}

// The centre's head manages desks from Telegram: a duty change, a new QR
// code (the old one refused politely), the printable sign, a new desk,
// pausing; nobody else can.
func TestDeskManagement(t *testing.T) {
	w := citizentest.New(t)
	h := w.H
	G, N := w.Ps["G"], w.Ps["N"]
	must(t, h.Wait(G.User.Start("desks")))
	if !strings.Contains(lastText(G), "Quầy một cửa") || !strings.Contains(lastText(G), "HCC-Q1 · Quầy 1 - Đất đai và xây dựng — Hà Thị Bích Ngọc") {
		t.Fatalf("desk list: %q", lastText(G))
	}
	must(t, h.Tap(G, "HCC-Q1"))
	view := G.User.Last()
	if !strings.Contains(view.Text, "Phụ trách mặc định: Hà Thị Bích Ngọc") || !strings.Contains(view.Text, "t.me/") {
		t.Fatalf("desk view: %q", view.Text)
	}
	// Someone else pressing the head's buttons is refused.
	must(t, h.TapOn(N, view, "🔄 Đổi mã QR"))
	if a := lastAnswer(N); !strings.Contains(a, "không có quyền") {
		t.Fatalf("N pressing the head's button: %q", a)
	}
	must(t, h.Wait(N.User.Start("desks")))
	if !strings.Contains(lastText(N), "dành cho lãnh đạo") {
		t.Fatalf("N's /start desks: %q", lastText(N))
	}

	// Today Tô Quốc Bảo serves at HCC-Q1.
	must(t, h.Tap(G, "📅 Phân công theo ngày"))
	must(t, h.Tap(G, "25/11"))
	must(t, h.Tap(G, "Tô Quốc Bảo"))
	if !strings.Contains(lastText(G), "• 25/11: Tô Quốc Bảo") {
		t.Fatalf("after the duty change: %q", lastText(G))
	}
	lan := w.Person(citizentest.LanID, "Lan", "")
	oldLink := w.Link(t, "HCC-Q1")
	w.Scan(t, lan, oldLink)
	oldCard := lan.User.Last()
	if !strings.Contains(oldCard.Text, "Tô Quốc Bảo") {
		t.Fatalf("card on the duty day: %q", oldCard.Text)
	}

	// A new QR code: the old one is refused politely, by scan and by tap.
	must(t, h.Tap(G, "🔄 Đổi mã QR"))
	must(t, h.Tap(G, "✅ Xác nhận"))
	if !strings.Contains(lastText(G), "Đã đổi mã QR") {
		t.Fatalf("after rotation: %q", lastText(G))
	}
	w.Scan(t, lan, oldLink)
	if !strings.Contains(lastText(lan), "đã được thay bằng mã mới") {
		t.Fatalf("old code scanned: %q", lastText(lan))
	}
	must(t, h.TapOn(lan, oldCard, "🙂 Hài lòng"))
	if a := lastAnswer(lan); !strings.Contains(a, "đã được thay bằng mã mới") {
		t.Fatalf("old card tapped: %q", a)
	}
	newLink := w.Link(t, "HCC-Q1")
	if newLink == oldLink || !strings.Contains(lastText(G), newLink) {
		t.Fatalf("new link %q; view %q", newLink, lastText(G))
	}
	w.Scan(t, lan, newLink)
	must(t, h.Tap(lan, "🙂 Hài lòng"))
	if got := ratingsOf(t, w.Pool, citizentest.LanID); len(got) != 1 || got[0] != "HCC-Q1 satisfied" {
		t.Fatalf("rating with the new code: %v", got)
	}

	// The printable sign decodes to the new link.
	must(t, h.Tap(G, "🖼 Ảnh mã QR để in"))
	doc := G.User.Last()
	if doc.FileName != "HCC-Q1.png" || len(doc.Document) == 0 || !strings.Contains(doc.Caption, "HCC-Q1") {
		t.Fatalf("sign: %q %d bytes, caption %q", doc.FileName, len(doc.Document), doc.Caption)
	}
	img, err := png.Decode(bytes.NewReader(doc.Document))
	must(t, err)
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	must(t, err)
	res, err := gzqr.NewQRCodeReader().Decode(bmp, nil)
	must(t, err)
	if res.GetText() != newLink {
		t.Fatalf("sign decodes to %q, want %q", res.GetText(), newLink)
	}

	// Pause: the desk takes no ratings.
	view, _ = findMsg(G.User.Messages(), "HCC-Q1 · Quầy 1")
	must(t, h.TapOn(G, view, "⏸ Tạm ngừng"))
	w.Scan(t, lan, newLink)
	if !strings.Contains(lastText(lan), "chưa nhận đánh giá") {
		t.Fatalf("paused desk: %q", lastText(lan))
	}

	// A new desk, typed.
	must(t, h.Tap(G, "‹ Quay lại"))
	must(t, h.Tap(G, "➕ Thêm quầy"))
	must(t, h.Say(G, "HCC-Q1 | Trùng mã | N"))
	if !strings.Contains(lastText(G), "mã quầy đã được dùng") {
		t.Fatalf("duplicate code: %q", lastText(G))
	}
	must(t, h.Say(G, "HCC-Q9 | Quầy 9 - Tư pháp | N"))
	if !strings.Contains(lastText(G), "Đã tạo quầy HCC-Q9") {
		t.Fatalf("new desk: %q", lastText(G))
	}
	w.Scan(t, lan, w.Link(t, "HCC-Q9"))
	if !strings.Contains(lastText(lan), "Quầy 9 - Tư pháp") || !strings.Contains(lastText(lan), "Hà Thị Bích Ngọc") {
		t.Fatalf("new desk's card: %q", lastText(lan))
	}
	o, _ := roster.OfficialByCode(context.Background(), w.Pool, "N")
	var audits int
	must(t, w.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE entity = 'desk' AND actor_id = $1`, G.ID).Scan(&audits))
	if audits < 4 || o.ID == 0 {
		t.Fatalf("desk changes in the audit log: %d", audits)
	}
	if u := h.Srv.Unanswered(); len(u) > 0 {
		t.Errorf("unanswered callback queries: %v", u)
	}
	assertNoClearIDs(t, w, citizentest.LanID)
}

// Forged rating-flow callback data, from a citizen, an official and the
// centre's head: polite answers, no internal error, nothing changes.
func TestCitizenForgedCallbacks(t *testing.T) {
	w := citizentest.New(t)
	w.Forged = true
	h, ctx := w.H, context.Background()
	G, N := w.Ps["G"], w.Ps["N"]
	lan := w.Person(citizentest.LanID, "Lan", "")
	w.Scan(t, lan, w.Link(t, "HCC-Q1"))
	card := lan.User.Last()
	must(t, h.Tap(lan, "🙁 Không hài lòng"))
	var rid, did, cid int64
	must(t, w.Pool.QueryRow(ctx, `SELECT id, desk_id FROM citizen_ratings`).Scan(&rid, &did))
	must(t, w.Pool.QueryRow(ctx, `SELECT id FROM desk_codes WHERE desk_id = $1`, did).Scan(&cid))
	r, d, c := strconv.FormatInt(rid, 36), strconv.FormatInt(did, 36), strconv.FormatInt(cid, 36)
	datas := []string{"c", "cr", "cr:", "cr:" + c, "cr:" + c + ":1:1:9", "cr:" + c + ":zz:zz:0", "cr:" + c + ":1:-5:0", "cr:" + c + ":1:zzzzzzzz:0",
		"cr:zzzzzzzzzzzz:1:1:1", "cs", "cs:-1", "cs:" + r, "cs:zz", "cc:" + r, "cc:" + r + ":9", "cc:" + r + ":1", "cx:" + r + ":1", "cx::",
		"cl", "cv", "cv:" + d, "cv:zzzzzzzzzzzzz", "cd:" + d, "cy:" + d, "cw:" + d, "cw:" + d + ":0:1", "cw:" + d + ":1:1",
		"cw:" + d + ":99999999:1", "co:" + d, "co:" + d + ":y", "cp:" + d, "ct:" + d + ":0", "ca", "cm", "cm:bad", "cm:2099-01", "cm:2026-11", "cz:1"}
	snap := func() string {
		var s string
		must(t, w.Pool.QueryRow(ctx, `SELECT coalesce(string_agg(id||level||coalesce(complaint,'')||version, ',' ORDER BY id), '') FROM citizen_ratings`).Scan(&s))
		var s2 string
		must(t, w.Pool.QueryRow(ctx, `SELECT string_agg(id||code||coalesce(official_id,0)||active, ',' ORDER BY id) FROM desks`).Scan(&s2))
		var n int
		must(t, w.Pool.QueryRow(ctx, `SELECT count(*) FROM desk_codes WHERE retired_at IS NULL`).Scan(&n))
		var n2 int
		must(t, w.Pool.QueryRow(ctx, `SELECT count(*) FROM desk_duties`).Scan(&n2))
		return s + "|" + s2 + "|" + strconv.Itoa(n) + "|" + strconv.Itoa(n2)
	}
	stranger := w.Person(citizentest.MinhID, "Minh", "fr")
	for _, who := range []*sim.Person{stranger, N, lan} {
		before := snap()
		for _, data := range datas {
			must(t, h.Wait(who.User.PressData(card, data)))
			if a := lastAnswer(who); strings.Contains(a, "sự cố") || strings.Contains(a, "went wrong") {
				t.Errorf("%s pressing %q: internal error %q", who.Name, data, a)
			}
		}
		if after := snap(); after != before && who != lan {
			t.Errorf("%s's forged presses changed state:\nbefore %s\nafter  %s", who.Name, before, after)
		}
	}
	// The head's own presses on valid-looking but wrong data do not crash.
	for _, data := range datas {
		if strings.HasPrefix(data, "co:") || strings.HasPrefix(data, "ct:") || strings.HasPrefix(data, "cw:") || strings.HasPrefix(data, "cc:") {
			continue // real actions for the head
		}
		must(t, h.Wait(G.User.PressData(card, data)))
		if a := lastAnswer(G); strings.Contains(a, "sự cố") {
			t.Errorf("G pressing %q: internal error %q", data, a)
		}
	}
	if u := h.Srv.Unanswered(); len(u) > 0 {
		t.Errorf("unanswered callback queries: %v", u)
	}
}
