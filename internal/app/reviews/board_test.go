package reviews_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/app/access"
	"evalbot/internal/app/reviews"
	"evalbot/internal/app/selfassess"
	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/pgtest"
	"evalbot/internal/roster"
	"evalbot/internal/store"
)

// boardUnit is a unit W of a head H, a deputy D and four officials A1…A4,
// and a unit X of a head X1 and Z, each of the officials with a monthly plan
// of November 2026 of four tasks (A1, A2 all on time: grade A; A3, A4 two of
// them not done) and a submitted self-assessment. It returns the officials'
// ids and assessments by code.
func boardUnit(t *testing.T, pool *pgxpool.Pool) (map[string]int64, map[string]evaluation.Assessment) {
	t.Helper()
	ctx := context.Background()
	for _, q := range []string{
		`INSERT INTO units (code, name) VALUES ('W', 'Phòng Tư pháp'), ('X', 'Phòng Kinh tế')`,
		`INSERT INTO officials (employee_code, full_name, unit_id, category, is_head, position) VALUES
			('H', 'Nguyễn Văn Hùng', (SELECT id FROM units WHERE code = 'W'), 'cong_chuc', true, 'Trưởng phòng'),
			('D', 'Phạm Thị Dung', (SELECT id FROM units WHERE code = 'W'), 'cong_chuc', false, 'Phó Trưởng phòng'),
			('A1', 'Trần Thị An', (SELECT id FROM units WHERE code = 'W'), 'cong_chuc', false, 'Chuyên viên'),
			('A2', 'Lê Văn Bình', (SELECT id FROM units WHERE code = 'W'), 'cong_chuc', false, 'Chuyên viên'),
			('A3', 'Đỗ Thị Cúc', (SELECT id FROM units WHERE code = 'W'), 'cong_chuc', false, 'Chuyên viên'),
			('A4', 'Vũ Văn Đức', (SELECT id FROM units WHERE code = 'W'), 'cong_chuc', false, 'Chuyên viên'),
			('X1', 'Hoàng Văn Khải', (SELECT id FROM units WHERE code = 'X'), 'cong_chuc', true, 'Trưởng phòng'),
			('Z', 'Ngô Thị Lan', (SELECT id FROM units WHERE code = 'X'), 'cong_chuc', false, 'Chuyên viên')`,
		`INSERT INTO plans (official_id, kind, period_start, month, status)
			SELECT id, 'month', '2026-11-01', '2026-11-01', 'approved' FROM officials WHERE employee_code IN ('A1', 'A2', 'A3', 'A4', 'Z')`,
		`INSERT INTO tasks (plan_id, position, title, status)
			SELECT p.id, n, 'Việc ' || n, CASE WHEN o.employee_code IN ('A3', 'A4') AND n > 2 THEN 'not_done' ELSE 'on_time' END
			  FROM plans p JOIN officials o ON o.id = p.official_id, generate_series(1, 4) n`,
	} {
		if _, err := pool.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	ids := map[string]int64{}
	ass := map[string]evaluation.Assessment{}
	fw, _ := grading.Preset("hanoi-3814-2018")
	for _, c := range []string{"H", "D", "A1", "A2", "A3", "A4", "X1", "Z"} {
		o, err := roster.OfficialByCode(ctx, pool, c)
		if err != nil {
			t.Fatal(err)
		}
		ids[c] = o.ID
		if c == "H" || c == "X1" || c == "D" {
			continue
		}
		as, err := evaluation.OpenAssessment(ctx, pool, o.ID, nov, fw)
		if err != nil {
			t.Fatal(err)
		}
		if as, _, err = selfassess.Submit(ctx, pool, calendar.Default(), grading.Preset, o.ID, as.ID, as.Version, boardNow, nil); err != nil {
			t.Fatal(c, err)
		}
		ass[c] = as
	}
	return ids, ass
}

var (
	nov      = calendar.Month{Year: 2026, Month: time.November}
	boardNow = time.Date(2026, 11, 30, 9, 0, 0, 0, calendar.Location)
)

// told records what ApproveMany tells the chat; fail makes the n-th call fail.
type told struct {
	approved []int64
	fail     int
}

func (n *told) Approved(_ context.Context, _ pgx.Tx, _ int64, a reviews.Approval) error {
	n.approved = append(n.approved, a.Assessment.ID)
	if len(n.approved) == n.fail {
		return errors.New("chat unavailable")
	}
	return nil
}

func (n *told) Returned(context.Context, pgx.Tx, int64, evaluation.Assessment, roster.Official) error {
	return nil
}

func (n *told) Changed(context.Context, pgx.Tx, int64, evaluation.Assessment, roster.Official) error {
	return nil
}

func (n *told) NotUpToStandard(context.Context, pgx.Tx, int64, reviews.MarkResult) error {
	return nil
}

func (n *told) MarkWithdrawn(context.Context, pgx.Tx, int64, reviews.MarkResult) error {
	return nil
}

// TestApproveManyDecidesEachPersonInOneTransaction: the head approves a
// selection in one transaction; each pick is authorized from the database
// (another unit's person is refused, a deputy only during the delegation),
// an out-of-date version is refused without stopping the others, and a
// failure anywhere leaves nothing approved.
func TestApproveManyDecidesEachPersonInOneTransaction(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	ids, as := boardUnit(t, pool)
	cal := calendar.Default()
	approveMany := func(actor string, n reviews.Notifier, at time.Time, picks ...reviews.Pick) ([]reviews.Approval, []reviews.Refusal, error) {
		var done []reviews.Approval
		var refused []reviews.Refusal
		err := store.InTx(ctx, pool, func(tx pgx.Tx) error {
			var err error
			done, refused, err = reviews.ApproveMany(ctx, tx, cal, grading.Preset, ids[actor], picks, at, n)
			return err
		})
		return done, refused, err
	}
	pick := func(c string) reviews.Pick { return reviews.Pick{AssessmentID: as[c].ID, Version: as[c].Version} }

	// A failure of the chat's side on the second approval: nothing stays.
	if _, _, err := approveMany("H", &told{fail: 2}, boardNow, pick("A1"), pick("A3")); err == nil {
		t.Fatal("a failing notifier: no error")
	}
	if got, _ := evaluation.LoadAssessment(ctx, pool, as["A1"].ID); got.Status != evaluation.AssessSubmitted {
		t.Fatalf("A1 after the failed run: %s; want submitted (one transaction)", got.Status)
	}

	stale := pick("A4")
	stale.Version--
	n := &told{}
	done, refused, err := approveMany("H", n, boardNow, pick("A1"), pick("Z"), stale, pick("A3"))
	if err != nil {
		t.Fatal(err)
	}
	if len(done) != 2 || done[0].Assessment.ID != as["A1"].ID || done[1].Assessment.ID != as["A3"].ID || len(n.approved) != 2 {
		t.Fatalf("approved %+v, told %v; want A1 and A3", done, n.approved)
	}
	if len(refused) != 2 || !errors.Is(refused[0].Err, access.ErrForbidden) || refused[0].Name != "" ||
		!errors.Is(refused[1].Err, evaluation.ErrStale) || refused[1].Name != "Vũ Văn Đức" {
		t.Fatalf("refused %+v; want Z forbidden (no name), A4 stale", refused)
	}
	// A double press of the same confirmation decides nothing more, tells
	// nobody again, and reads as done (issue 24 attack: the second page
	// said «Đã duyệt 0 người», each of them «đã được duyệt hoặc đã thay
	// đổi»); A4's out-of-date version is still refused.
	again := &told{}
	if done, refused, err := approveMany("H", again, boardNow, pick("A1"), pick("A3"), stale); err != nil || len(done) != 2 ||
		!done[0].Already || !done[1].Already || done[0].Assessment.Status != evaluation.AssessApproved || len(again.approved) != 0 ||
		len(refused) != 1 || !errors.Is(refused[0].Err, evaluation.ErrStale) {
		t.Fatalf("again: %+v %+v %v, told %v", done, refused, err, again.approved)
	}
	// Another reviewer sending the same picks is not the same request.
	if _, refused, _ := approveMany("X1", nil, boardNow, pick("A1")); len(refused) != 1 || !errors.Is(refused[0].Err, access.ErrForbidden) {
		t.Fatalf("another unit's head with A1's pick: %+v", refused)
	}

	// The deputy: refused, then delegated for 3 days, then the board is gone.
	if _, err := reviews.LoadBoard(ctx, pool, grading.Preset, ids["D"], calendar.DateOf(boardNow), nov); !errors.Is(err, access.ErrForbidden) {
		t.Fatalf("the deputy's board before the delegation: %v", err)
	}
	if _, refused, _ := approveMany("D", nil, boardNow, pick("A4")); len(refused) != 1 || !errors.Is(refused[0].Err, access.ErrForbidden) {
		t.Fatalf("the deputy before the delegation: %+v", refused)
	}
	if _, _, err := access.Delegate(ctx, pool, ids["H"], ids["D"], 3, calendar.DateOf(boardNow)); err != nil {
		t.Fatal(err)
	}
	b, err := reviews.LoadBoard(ctx, pool, grading.Preset, ids["D"], calendar.DateOf(boardNow), nov)
	if err != nil || len(b.Rows) != 4 {
		t.Fatalf("the deputy's board: %d rows, %v; want A1…A4 (not themself)", len(b.Rows), err)
	}
	done, _, err = approveMany("D", nil, boardNow, pick("A4"))
	if err != nil || len(done) != 1 || done[0].Assessment.OnBehalfOf == nil || *done[0].Assessment.OnBehalfOf != ids["H"] {
		t.Fatalf("the deputy approves A4: %+v, %v; want on the head's behalf", done, err)
	}
	after := boardNow.AddDate(0, 0, 3)
	if _, err := reviews.LoadBoard(ctx, pool, grading.Preset, ids["D"], calendar.DateOf(after), nov); !errors.Is(err, access.ErrForbidden) {
		t.Fatalf("the deputy's board after the delegation: %v", err)
	}
	if _, refused, _ := approveMany("D", nil, after, pick("A2")); len(refused) != 1 || !errors.Is(refused[0].Err, access.ErrForbidden) {
		t.Fatalf("the deputy after the delegation: %+v", refused)
	}
}

// TestBoardShowsTheMonthAndWhatChanged: the head's board lists the unit's
// people with their self totals and grades, the A meter counts the approved
// A's, and "changed" marks what moved since the head's last look.
func TestBoardShowsTheMonthAndWhatChanged(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	ids, as := boardUnit(t, pool)
	day := calendar.DateOf(boardNow)
	b, err := reviews.LoadBoard(ctx, pool, grading.Preset, ids["H"], day, nov)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Rows) != 5 || len(b.Meters) != 1 || b.Meters[0].Used != 0 || b.Meters[0].Cap < 1 {
		t.Fatalf("board: %d rows, meters %+v", len(b.Rows), b.Meters)
	}
	byName := map[string]reviews.BoardRow{}
	for _, r := range b.Rows {
		byName[r.Official.EmployeeCode] = r
	}
	if r := byName["A1"]; r.Status != evaluation.AssessSubmitted || r.Grade != "A" || r.SelfTotal == nil || !r.Changed {
		t.Errorf("A1: %+v", r)
	}
	if r := byName["A3"]; r.Grade == "A" || r.Grade == "" {
		t.Errorf("A3 (two tasks not done): grade %q", r.Grade)
	}
	if r := byName["D"]; r.Status != "" || r.AssessmentID != 0 || r.Changed {
		t.Errorf("D (no self-assessment): %+v", r)
	}
	if err := reviews.SeeBoard(ctx, pool, ids["H"], b); err != nil {
		t.Fatal(err)
	}
	if _, err := reviews.Approve(ctx, pool, calendar.Default(), grading.Preset, ids["H"], as["A1"].ID, as["A1"].Version, 0, boardNow); err != nil {
		t.Fatal(err)
	}
	b, err = reviews.LoadBoard(ctx, pool, grading.Preset, ids["H"], day, nov)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range b.Rows {
		if want := r.Official.EmployeeCode == "A1"; r.Changed != want {
			t.Errorf("%s changed %v; want %v", r.Official.EmployeeCode, r.Changed, want)
		}
	}
	if b.Meters[0].Used != 1 {
		t.Errorf("meter after approving A1's A: %+v", b.Meters[0])
	}
}

// TestForgedPickHoldsNoOtherMonth (issue 24 attack): a head's selection
// posted with another unit's person among the picks (a forged form) was
// refused for that person, but ApproveMany had first locked that person's
// unit-month: while the selection was decided, that unit's own head could
// not approve anyone (a head posting 500 such ids again and again held
// every unit's month). Only the months of people the reviewer may review
// are locked now.
func TestForgedPickHoldsNoOtherMonth(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	ids, as := boardUnit(t, pool)
	cal := calendar.Default()
	pick := func(c string) reviews.Pick { return reviews.Pick{AssessmentID: as[c].ID, Version: as[c].Version} }
	forger, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer forger.Rollback(ctx)
	// X1 (unit X) picks Z, their own, and A1 of unit W.
	done, refused, err := reviews.ApproveMany(ctx, forger, cal, grading.Preset, ids["X1"], []reviews.Pick{pick("Z"), pick("A1")}, boardNow, nil)
	if err != nil || len(refused) == 0 || refused[len(refused)-1].AssessmentID != as["A1"].ID || !errors.Is(refused[len(refused)-1].Err, access.ErrForbidden) {
		t.Fatalf("X1's selection: %+v %+v %v", done, refused, err)
	}
	// While X1's transaction is open, W's head approves A2.
	wait, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	err = store.InTx(wait, pool, func(tx pgx.Tx) error {
		_, err := reviews.Approve(wait, tx, cal, grading.Preset, ids["H"], as["A2"].ID, as["A2"].Version, 0, boardNow)
		return err
	})
	if err != nil {
		t.Fatalf("W's head approving while X1's forged selection is open: %v", err)
	}
}
