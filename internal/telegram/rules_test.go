package telegram_test

// Regression tests of issue 20, points 5, 6, 8, 9 and 10 ("Telegram as it
// really behaves"): callback data grants nothing, concurrent people cannot
// break the regulation, the right month, a grade once told is not taken
// back, and the card tells the truth.

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/calendar"
	"evalbot/internal/citizen"
	"evalbot/internal/evaluation"
	"evalbot/internal/sim"
)

// waitLockWaiters waits until n sessions of the test's database are blocked
// on a lock (or until done is closed), so that a test releases a held lock
// only once the racers are really queued behind it.
// mon is a connection of its own (the bot's pool may be exhausted by the
// waiting sessions).
func waitLockWaiters(t *testing.T, pool *pgx.Conn, n int, done <-chan struct{}) {
	t.Helper()
	deadline := time.Now().Add(8 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-done:
			return
		default:
		}
		var k int
		must(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&k))
		if k >= n {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	rows, _ := pool.Query(context.Background(), `SELECT coalesce(wait_event_type,''), coalesce(wait_event,''), state, left(query, 120) FROM pg_stat_activity WHERE datname = current_database()`)
	for rows.Next() {
		var a, b, c, d string
		_ = rows.Scan(&a, &b, &c, &d)
		t.Logf("session: %s %s %s %q", a, b, c, d)
	}
	rows.Close()
	t.Fatalf("fewer than %d sessions ever waited on a lock", n)
}

// monitor opens a connection outside the bot's pool, to watch the race.
func monitor(t *testing.T, pool *pgxpool.Pool) *pgx.Conn {
	t.Helper()
	c, err := pgx.ConnectConfig(context.Background(), pool.Config().ConnConfig.Copy())
	must(t, err)
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// pressAsync delivers p's press of label on m straight to the bot's update
// handler in its own goroutine — past the per-chat queues, which may put two
// chats on one worker and so never race them — and closes the returned
// channel once it is handled. id is the update's id (unique per test).
func pressAsync(t *testing.T, h *sim.Harness, id int64, p *sim.Person, m sim.Message, label string) <-chan struct{} {
	t.Helper()
	data := ""
	for _, row := range m.Keyboard {
		for _, b := range row {
			if b.Text == label {
				data = b.Data
			}
		}
	}
	if data == "" {
		t.Fatalf("no button %q on %q", label, m.Text)
	}
	upd := &models.Update{ID: id, CallbackQuery: &models.CallbackQuery{ID: "race-" + b36(id), Data: data,
		From: models.User{ID: p.User.ID, FirstName: p.User.FirstName, LanguageCode: p.User.LanguageCode},
		Message: models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeMessage, Message: &models.Message{
			ID: m.ID, Date: int(m.Date.Unix()), Chat: models.Chat{ID: m.ChatID, Type: models.ChatTypePrivate}}}}}
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.App.HandleUpdate(context.Background(), upd, func([]byte) bool { return false })
	}()
	return done
}

// Point 5: a citizen who scanned one desk's QR code forges
// "cr:<n>:0:<today>:0" for n = 1, 2, 3 … and, on each card that comes back,
// taps «Không hài lòng»: no desk they never scanned is rated, including the
// one whose sign was just rotated (its new code is the next id), and no
// complaint reaches the head.
func TestForgedCitizenRatingNeedsAScan(t *testing.T) {
	w := newCitWorld(t)
	ctx := context.Background()
	h := w.h
	lan := w.person(lanID, "Lan", "vi")
	w.scan(t, lan, w.link(t, "HCC-Q1"))
	card := lan.User.Last()
	if !strings.Contains(card.Text, "Quầy 1") {
		t.Fatalf("card: %q", card.Text)
	}
	q2, err := citizen.DeskByCode(ctx, w.pool, "HCC-Q2")
	must(t, err)
	_, err = citizen.Rotate(ctx, w.pool, q2.ID, nil, h.Clock.Now())
	must(t, err)
	var maxID int64
	must(t, w.pool.QueryRow(ctx, `SELECT max(id) FROM desk_codes`).Scan(&maxID))
	today := calendar.DateOf(h.Clock.Now())
	dn := b36(int64(today.Sub(calendar.Date{Year: 2000, Month: time.January, Day: 1})))
	headBefore := len(w.ps["G"].User.Messages())
	for n := int64(1); n <= maxID; n++ {
		data := "cr:" + b36(n) + ":0:" + dn + ":0"
		must(t, h.Wait(lan.User.PressData(card, data)))
		// Whatever card the forged press brought back, tap «Không hài lòng» on it.
		if m, ok := sim.FindButton(lan.User.Messages(), "🙁 Không hài lòng"); ok {
			must(t, h.TapOn(lan, m, "🙁 Không hài lòng"))
		}
	}
	var rated []string
	rows, err := w.pool.Query(ctx, `SELECT d.code FROM citizen_ratings r JOIN desks d ON d.id = r.desk_id WHERE r.citizen = $1 ORDER BY d.code`,
		citizen.Hash(lanID))
	must(t, err)
	for rows.Next() {
		var c string
		must(t, rows.Scan(&c))
		rated = append(rated, c)
	}
	must(t, rows.Err())
	for _, c := range rated {
		if c != "HCC-Q1" {
			t.Errorf("forged %q rated desk %s, never scanned (all rated: %v)", "cr:<n>:0:<today>:0", c, rated)
		}
	}
	for _, m := range w.ps["G"].User.Messages()[headBefore:] {
		if !strings.Contains(m.Text, "Quầy 1") {
			t.Errorf("the head got a complaint from a forged rating: %q", m.Text)
		}
	}
	// The scanned desk itself still takes the rating from its own card.
	must(t, h.TapOn(lan, card, "🙂 Hài lòng"))
	if a := bkLastAnswer(lan); a != "Đã ghi nhận đánh giá" {
		t.Errorf("the scanned desk's own card answered %q", a)
	}
	checkAnswers(t, h)
}

// Point 5: a forged "pn:w:2026-11-25" (a Wednesday) or "pn:m:2026-11-15"
// opens no second plan beside the week's or the month's approved one.
func TestForgedPlanPeriodIsNormalized(t *testing.T) {
	h, ps, pool := bk(t, at(2026, 11, 23, 8))
	ctx := context.Background()
	H, A := ps["H"], ps["A"]
	submitPlan(t, h, A, "Việc tuần")
	planMsg, _ := findMsg(H.User.Messages(), A.Name)
	must(t, h.TapOn(H, planMsg, "✅ Duyệt"))
	must(t, h.Command(A, "/monthplan"))
	must(t, h.Say(A, "Việc tháng"))
	must(t, h.Tap(A, "📨 Gửi duyệt"))
	planMsg, _ = findMsg(H.User.Messages(), A.Name, "tháng")
	must(t, h.TapOn(H, planMsg, "✅ Duyệt"))
	var approved int
	must(t, pool.QueryRow(ctx, `SELECT count(*) FROM plans WHERE official_id = $1 AND status = 'approved'`, A.ID).Scan(&approved))
	if approved != 2 {
		t.Fatalf("%d approved plans before the forgery", approved)
	}
	for _, data := range []string{"pn:w:2026-11-25", "pn:m:2026-11-15", "pn:w:2027-01-04", "pn:m:2026-10-01"} {
		must(t, h.Wait(A.User.PressData(A.User.Last(), data)))
		must(t, h.Say(A, "Việc chen ngang "+data))
		if m, ok := sim.FindButton(A.User.Messages(), "📨 Gửi duyệt"); ok && strings.Contains(m.Text, "Việc chen ngang "+data) {
			must(t, h.TapOn(A, m, "📨 Gửi duyệt"))
		}
	}
	rows, err := pool.Query(ctx, `SELECT kind, period_start::text, status FROM plans WHERE official_id = $1 ORDER BY id`, A.ID)
	must(t, err)
	var plans []string
	for rows.Next() {
		var k, s, st string
		must(t, rows.Scan(&k, &s, &st))
		plans = append(plans, k+" "+s+" "+st)
	}
	must(t, rows.Err())
	if len(plans) != 2 || plans[0] != "week 2026-11-23 approved" || plans[1] != "month 2026-11-01 approved" {
		t.Errorf("after forged pn:w:2026-11-25 / pn:m:2026-11-15 the plans are %q; want only the approved week and month", plans)
	}
	checkAnswers(t, h)
}

// Point 6: the head and their deputy press Approve in two chats at the same
// moment on two people who would each take the unit's one grade A (30% of
// 4): one is approved A, the other presser is asked to choose. The two
// approvals are held at a row lock of the test until both are queued, then
// released together.
func TestConcurrentApprovalsKeepTheQuota(t *testing.T) {
	h, ps, pool := bk(t, at(2026, 11, 30, 8))
	ctx := context.Background()
	H, A, B, C := ps["H"], ps["A"], ps["B"], ps["C"]
	must(t, h.At(at(2026, 11, 30, 9)))
	must(t, h.Tap(A, "📨 Gửi đánh giá"))
	must(t, h.Tap(B, "📨 Submit assessment"))
	// C stands in for H (delegation), in C's own chat.
	must(t, h.Command(H, "/delegate"))
	must(t, h.Tap(H, "Đỗ Văn Cường — Chuyên viên"))
	must(t, h.Tap(H, "7 ngày"))
	approveView := func(reviewer *sim.Person, card sim.Message, p *sim.Person) sim.Message {
		must(t, h.TapOn(reviewer, card, "✏️ Điều chỉnh"))
		must(t, h.Tap(reviewer, "✍️ Nhập điểm nhiệm vụ"))
		must(t, h.Say(reviewer, "70"))
		m, ok := findMsg(reviewer.User.Messages(), "Điều chỉnh — "+p.Name)
		if !ok {
			t.Fatalf("no adjust view of %s for %s", p.Name, reviewer.Code)
		}
		return m
	}
	cardA, _ := findMsg(H.User.Messages(), A.Name, "Đánh giá tháng")
	viewA := approveView(H, cardA, A)
	must(t, h.Command(C, "/pending"))
	must(t, h.Tap(C, "📄 "+B.Name))
	cardB, _ := findMsg(C.User.Messages(), B.Name, "Đánh giá tháng")
	viewB := approveView(C, cardB, B)

	asA, err := evaluation.FindAssessment(ctx, pool, A.ID, nov)
	must(t, err)
	asB, err := evaluation.FindAssessment(ctx, pool, B.ID, nov)
	must(t, err)
	mon := monitor(t, pool)
	hold, err := pool.Begin(ctx)
	must(t, err)
	defer hold.Rollback(ctx)
	_, err = hold.Exec(ctx, `SELECT 1 FROM assessments WHERE id IN ($1, $2) FOR UPDATE`, asA.ID, asB.ID)
	must(t, err)
	d1 := pressAsync(t, h, 900001, H, viewA, "✅ Duyệt theo điều chỉnh")
	d2 := pressAsync(t, h, 900002, C, viewB, "✅ Duyệt theo điều chỉnh")
	both := make(chan struct{})
	go func() { <-d1; <-d2; close(both) }()
	waitLockWaiters(t, mon, 2, both) // both approvals are past their reads, queued
	must(t, hold.Rollback(ctx))
	<-both
	must(t, h.Flush())

	var nA int
	must(t, pool.QueryRow(ctx, `SELECT count(*) FROM assessments WHERE grade = 'A' AND status = 'approved'`).Scan(&nA))
	if nA != 1 {
		t.Errorf("two approvals at the same moment from head and deputy left %d grade-A results; the quota allows 1", nA)
	}
	_, askedH := findMsg(H.User.Messages(), "chỉ được tối đa 1 người loại A")
	_, askedC := findMsg(C.User.Messages(), "chỉ được tối đa 1 người loại A")
	if !askedH && !askedC {
		t.Errorf("nobody was asked to choose who keeps A")
	}
	checkAnswers(t, h)
}

// Point 6: the head approves while the 5th-working-day publication runs.
// The publication is held at a row lock (another approved result of the
// unit) after it began; the approval is pressed then, and both are released
// together. The approval lands after the unit's publication: it is published
// as the addendum, locked, and /reconsider finds it.
func TestApprovalDuringPublicationIsPublished(t *testing.T) {
	h, ps, pool := bk(t, at(2026, 11, 30, 8))
	ctx := context.Background()
	H, A, B := ps["H"], ps["A"], ps["B"]
	must(t, h.At(at(2026, 11, 30, 9)))
	must(t, h.Tap(A, "📨 Gửi đánh giá"))
	must(t, h.Tap(B, "📨 Submit assessment"))
	g := h.Srv.NewGroup(-1001, "Phòng Thử")
	must(t, h.Wait(g.SendText(H.User, "/bindgroup@"+h.Srv.BotUsername())))
	approveWithScore(t, h, H, B, "60")
	cardA, _ := findMsg(H.User.Messages(), A.Name, "Đánh giá tháng")
	must(t, h.TapOn(H, cardA, "✏️ Điều chỉnh"))
	must(t, h.Tap(H, "✍️ Nhập điểm nhiệm vụ"))
	must(t, h.Say(H, "60"))
	viewA, ok := findMsg(H.User.Messages(), "Điều chỉnh — "+A.Name)
	if !ok {
		t.Fatal("no adjust view")
	}
	asB, err := evaluation.FindAssessment(ctx, pool, B.ID, nov)
	must(t, err)
	mon := monitor(t, pool)
	hold, err := pool.Begin(ctx)
	must(t, err)
	defer hold.Rollback(ctx)
	_, err = hold.Exec(ctx, `SELECT 1 FROM assessments WHERE id = $1 FOR UPDATE`, asB.ID)
	must(t, err)

	// 7 Dec 2026 08:00, the 5th working day: the scheduled publication starts.
	pubAt := at(2026, 12, 7, 8)
	h.Clock.Set(pubAt)
	pubDone := make(chan error, 1)
	go func() { pubDone <- h.Sched.RunDue(context.Background(), pubAt) }()
	waitLockWaiters(t, mon, 1, nil) // the publication is under way, held at B's row
	approved := pressAsync(t, h, 900001, H, viewA, "✅ Duyệt theo điều chỉnh")
	waitLockWaiters(t, mon, 2, approved) // the approval queued too (or, unfixed, already done)
	must(t, hold.Rollback(ctx))
	must(t, <-pubDone)
	<-approved
	must(t, h.Flush())

	asA, err := evaluation.FindAssessment(ctx, pool, A.ID, nov)
	must(t, err)
	if asA.Status != evaluation.AssessApproved || asA.LockedAt == nil {
		t.Errorf("an approval during publication: status %s, locked %v; want approved and locked", asA.Status, asA.LockedAt)
	}
	published := false
	for _, m := range g.Messages() {
		if strings.Contains(m.Text, A.Name) {
			published = true
		}
	}
	if !published {
		t.Errorf("the approval during publication was never published to the group: %q", g.Last().Text)
	}
	must(t, h.Command(A, "/reconsider"))
	if strings.Contains(lastText(A), "Chưa có") || !strings.Contains(lastText(A), "11/2026") {
		t.Errorf("/reconsider after an approval during publication: %q", lastText(A))
	}
	checkAnswers(t, h)
}

// Point 8: on the 5th working day of December 2026 (Monday 7 Dec), /publish
// means November: it shows the month and the counts and asks for
// confirmation; a month that has not ended is refused.
func TestPublishOnPublicationDayMeansTheMonthJustEnded(t *testing.T) {
	h, ps, pool := bk(t, at(2026, 11, 30, 8))
	ctx := context.Background()
	H, A, B := ps["H"], ps["A"], ps["B"]
	must(t, h.At(at(2026, 11, 30, 9)))
	must(t, h.Tap(A, "📨 Gửi đánh giá"))
	must(t, h.Tap(B, "📨 Submit assessment"))
	approveWithScore(t, h, H, A, "60")
	h.Clock.Set(at(2026, 12, 7, 7)) // publication day, before the scheduled run
	must(t, h.Command(H, "/publish"))
	ask := lastText(H)
	var n int
	must(t, pool.QueryRow(ctx, `SELECT count(*) FROM publications`).Scan(&n))
	if n != 0 || !hasAll(ask, "11/2026", "Đã duyệt: 1", "chờ duyệt: 1", "chưa tự đánh giá: 2") || strings.Contains(ask, "12/2026") {
		t.Fatalf("/publish on the 5th working day of December 2026 answered %q (%d publications); want November's counts and a question", ask, n)
	}
	must(t, h.Tap(H, "📢 Công khai tháng 11/2026"))
	var months []string
	rows, err := pool.Query(ctx, `SELECT to_char(month, 'YYYY-MM') FROM publications ORDER BY month`)
	must(t, err)
	for rows.Next() {
		var m string
		must(t, rows.Scan(&m))
		months = append(months, m)
	}
	must(t, rows.Err())
	if len(months) != 1 || months[0] != "2026-11" {
		t.Errorf("published months %v; want [2026-11]", months)
	}
	// /assess the same day still means November.
	must(t, h.Command(A, "/assess"))
	if !strings.Contains(lastText(A), "11/2026") {
		t.Errorf("/assess on the publication day: %q", lastText(A))
	}
	// After the publication day, /publish means December, which has not ended.
	h.Clock.Set(at(2026, 12, 8, 9))
	must(t, h.Command(H, "/publish"))
	if !strings.Contains(lastText(H), "12/2026") || !strings.Contains(lastText(H), "chưa kết thúc") {
		t.Errorf("/publish of a month not ended: %q", lastText(H))
	}
	must(t, pool.QueryRow(ctx, `SELECT count(*) FROM publications`).Scan(&n))
	if n != 1 {
		t.Errorf("%d publications after refusing December", n)
	}
	checkAnswers(t, h)
}

// Point 9: three officials approved A are told their A is provisional and
// why; when the head settles the quota, nobody is told B minutes after A;
// the final card goes out at publication and says whether the quota moved
// the grade.
func TestGradeToldIsNotTakenBack(t *testing.T) {
	h, ps, _ := bk(t, at(2026, 11, 30, 8))
	H, A, B := ps["H"], ps["A"], ps["B"]
	must(t, h.At(at(2026, 11, 30, 9)))
	must(t, h.Tap(A, "📨 Gửi đánh giá"))
	must(t, h.Tap(B, "📨 Submit assessment"))
	approveWithScore(t, h, H, A, "70")
	cardA := lastText(A)
	if !hasAll(cardA, "Xếp loại A", "tạm thời", "loại B") {
		t.Fatalf("A's first grade card does not say the A is provisional and why: %q", cardA)
	}
	nA := len(A.User.Messages())
	// B's A breaks the quota (1 of 4): H moves A to B.
	approveWithScore(t, h, H, B, "70")
	must(t, h.Tap(H, "Chuyển "+A.Name+" sang loại B"))
	for _, m := range A.User.Messages()[nA:] {
		if strings.Contains(m.Text, "Xếp loại B") || strings.Contains(m.Text, "Xếp loại A") {
			t.Errorf("A, told a provisional A, is told again before publication: %q", m.Text)
		}
	}
	// 7 Dec: publication; the final cards.
	must(t, h.At(at(2026, 12, 7, 8)))
	finalA, finalB := lastText(A), lastText(B)
	if !hasAll(finalA, "chính thức", "Xếp loại B", "do giới hạn tỷ lệ loại A", "/reconsider") {
		t.Errorf("A's final card: %q", finalA)
	}
	if !hasAll(finalB, "Final", "did not change", "/reconsider") {
		t.Errorf("B's final card: %q", finalB)
	}
	checkAnswers(t, h)
}

// Point 10: «(đã có điều chỉnh của lãnh đạo)» appeared on every approved
// card, even after a plain ✅ Duyệt. The mark appears only when the head
// changed something, and names what.
func TestAdjustedMarkOnlyWhenChanged(t *testing.T) {
	h, ps, pool := bk(t, at(2026, 11, 23, 8))
	ctx := context.Background()
	H, A, C := ps["H"], ps["A"], ps["C"]
	for _, p := range []*sim.Person{A, C} {
		submitPlan(t, h, p, "Việc một\nViệc hai")
		planMsg, _ := findMsg(H.User.Messages(), p.Name, "Việc một")
		must(t, h.TapOn(H, planMsg, "✅ Duyệt"))
	}
	must(t, h.At(at(2026, 11, 30, 9)))
	must(t, h.Tap(A, "📨 Gửi đánh giá"))
	must(t, h.Tap(C, "📨 Gửi đánh giá"))
	// A: a plain ✅ Duyệt.
	cardA, _ := findMsg(H.User.Messages(), A.Name, "Đánh giá tháng")
	must(t, h.TapOn(H, cardA, "✅ Duyệt"))
	approvedA, _ := findMsg(H.User.Messages(), A.Name, "Đã duyệt")
	for _, s := range []string{approvedA.Text, lastText(A)} {
		if strings.Contains(s, "điều chỉnh") {
			t.Errorf("a plain ✅ Duyệt shows a head's adjustment: %q", s)
		}
	}
	// C: the head lowers one criterion and marks a task done on time.
	asC, err := evaluation.FindAssessment(ctx, pool, C.ID, nov)
	must(t, err)
	tasks, err := evaluation.MonthTasks(ctx, pool, C.ID, nov)
	must(t, err)
	cardC, _ := findMsg(H.User.Messages(), C.Name, "Đánh giá tháng")
	must(t, h.TapOn(H, cardC, "✏️ Điều chỉnh"))
	view, _ := findMsg(H.User.Messages(), "Điều chỉnh — "+C.Name)
	must(t, h.Wait(H.User.PressData(view, "hc:"+b36(asC.ID)+":2:3")))
	must(t, h.Wait(H.User.PressData(view, "ht:"+b36(tasks[1].ID)+":o:"+b36(asC.ID)+":0")))
	must(t, h.Wait(H.User.PressData(view, "hv:"+b36(asC.ID)+":a"))) // back to the criteria
	view, _ = findMsg(H.User.Messages(), "Điều chỉnh — "+C.Name)
	must(t, h.TapOn(H, view, "✅ Duyệt theo điều chỉnh"))
	approvedC, _ := findMsg(H.User.Messages(), C.Name, "Đã duyệt")
	for _, s := range []string{approvedC.Text, lastText(C)} {
		if !hasAll(s, "Lãnh đạo đã điều chỉnh", "5 → 3", "«Việc hai»") {
			t.Errorf("an adjusted card does not say what the head changed: %q", s)
		}
	}
	checkAnswers(t, h)
}

// Point 5 is a kind: the other months and days that buttons carry are
// checked too. A forged "sm:2019-01:0" (remind the missing) reminds nobody
// about a month /status does not show, and a forged duty day far ahead
// ("cw:<desk>:<2027-06-01>:<official>") sets no duty.
func TestForgedMonthsAndDaysGrantNothing(t *testing.T) {
	h, ps, _ := bk(t, at(2026, 11, 30, 8))
	H, A := ps["H"], ps["A"]
	must(t, h.At(at(2026, 11, 30, 9)))
	must(t, h.Command(H, "/status"))
	before := len(A.User.Messages())
	must(t, h.Wait(H.User.PressData(H.User.Last(), "sm:2019-01:0")))
	for _, m := range A.User.Messages()[before:] {
		t.Errorf("a forged sm:2019-01:0 reminded A: %q", m.Text)
	}

	w := newCitWorld(t)
	ctx := context.Background()
	G, B := w.ps["G"], w.ps["B"] // B serves elsewhere: a duty at Q1 would be a row
	must(t, w.h.Command(G, "/desks"))
	d, err := citizen.DeskByCode(ctx, w.pool, "HCC-Q1")
	must(t, err)
	far := calendar.Date{Year: 2027, Month: time.June, Day: 1}
	data := "cw:" + b36(d.ID) + ":" + b36(int64(far.Sub(calendar.Date{Year: 2000, Month: time.January, Day: 1}))) + ":" + b36(B.ID)
	must(t, w.h.Wait(G.User.PressData(G.User.Last(), data)))
	var n int
	must(t, w.pool.QueryRow(ctx, `SELECT count(*) FROM desk_duties`).Scan(&n))
	if n != 0 {
		t.Errorf("a forged %q set %d duties", data, n)
	}
}

// A forged task mark ("tm:<task>:o:w") on a month the unit has published —
// the person never assessed it, so no assessment is locked — changes nothing.
func TestForgedTaskMarkOnAPublishedMonth(t *testing.T) {
	h, ps, pool := bk(t, at(2026, 11, 23, 8))
	ctx := context.Background()
	H, A, B := ps["H"], ps["A"], ps["B"]
	submitPlan(t, h, A, "Việc một")
	planMsg, _ := findMsg(H.User.Messages(), A.Name)
	must(t, h.TapOn(H, planMsg, "✅ Duyệt"))
	must(t, h.At(at(2026, 11, 30, 9)))
	must(t, h.Tap(B, "📨 Submit assessment"))
	approveWithScore(t, h, H, B, "60")
	h.Clock.Set(at(2026, 12, 2, 9))
	must(t, h.Command(H, "/publish"))
	must(t, h.Tap(H, "📢 Công khai tháng 11/2026"))
	tasks, err := evaluation.MonthTasks(ctx, pool, A.ID, nov)
	must(t, err)
	must(t, h.Wait(A.User.PressData(A.User.Last(), "tm:"+b36(tasks[0].ID)+":o:w")))
	tasks, err = evaluation.MonthTasks(ctx, pool, A.ID, nov)
	must(t, err)
	if tasks[0].Status != evaluation.TaskPending {
		t.Errorf("a forged tm on published November marked the task %s", tasks[0].Status)
	}
}
