package reviews_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"evalbot/internal/app/access"
	"evalbot/internal/app/reviews"
	"evalbot/internal/app/selfassess"
	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// A self-assessment goes to the head and only the head decides it: the
// official submits their own (not anyone else's, and not without a head
// above), the head enters the task score of a month without tasks and
// approves, settling the grade-A quota; anyone else is refused, and an older
// version decides nothing.
func TestSubmitAndApproveAuthorizeFromTheDatabase(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	for _, q := range []string{
		`INSERT INTO units (code, name) VALUES ('W', 'Phường')`,
		`INSERT INTO officials (employee_code, full_name, unit_id, category, is_head) VALUES
			('H', 'Nguyễn Văn Hùng', (SELECT id FROM units WHERE code = 'W'), 'can_bo', true),
			('A', 'Trần Thị An', (SELECT id FROM units WHERE code = 'W'), 'cong_chuc', false),
			('B', 'Lê Văn Bình', (SELECT id FROM units WHERE code = 'W'), 'cong_chuc', false)`,
	} {
		if _, err := pool.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	id := map[string]int64{}
	for _, c := range []string{"H", "A", "B"} {
		var v int64
		if err := pool.QueryRow(ctx, `SELECT id FROM officials WHERE employee_code = $1`, c).Scan(&v); err != nil {
			t.Fatal(err)
		}
		id[c] = v
	}
	cal := calendar.Default()
	fws := grading.Preset
	fw, err := fws("hanoi-3814-2018")
	if err != nil {
		t.Fatal(err)
	}
	nov := calendar.Month{Year: 2026, Month: time.November}
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, calendar.Location)
	day := calendar.DateOf(now)
	as, err := evaluation.OpenAssessment(ctx, pool, id["A"], nov, fw)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := selfassess.Submit(ctx, pool, cal, fws, id["B"], as.ID, as.Version, now, nil); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("B submitting A's self-assessment: %v; want ErrForbidden", err)
	}
	if hs, err := evaluation.OpenAssessment(ctx, pool, id["H"], nov, fw); err != nil {
		t.Fatal(err)
	} else if _, _, err := selfassess.Submit(ctx, pool, cal, fws, id["H"], hs.ID, hs.Version, now, nil); !errors.Is(err, selfassess.ErrNoReviewer) {
		t.Errorf("H (nobody above) submitting: %v; want ErrNoReviewer", err)
	}
	as, head, err := selfassess.Submit(ctx, pool, cal, fws, id["A"], as.ID, as.Version, now, nil)
	if err != nil || head.ID != id["H"] || as.Status != evaluation.AssessSubmitted {
		t.Fatalf("A submits: %s to %d, %v", as.Status, head.ID, err)
	}
	if _, err := reviews.Approve(ctx, pool, cal, fws, id["B"], as.ID, as.Version, 0, now); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("B approving A: %v; want ErrForbidden", err)
	}
	if _, err := reviews.AdjustCriterion(ctx, pool, fws, id["B"], as.ID, fw.General[0].ID, 0, day); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("B adjusting A: %v; want ErrForbidden", err)
	}
	if _, err := reviews.Approve(ctx, pool, cal, fws, id["H"], as.ID, as.Version-1, 0, now); !errors.Is(err, evaluation.ErrStale) {
		t.Errorf("H approving an older version: %v; want ErrStale", err)
	}
	if _, err := reviews.Approve(ctx, pool, cal, fws, id["H"], as.ID, as.Version, 0, now); !errors.Is(err, grading.ErrNoTasks) {
		t.Errorf("H approving a month without tasks nor a task score: %v; want grading.ErrNoTasks", err)
	}
	if _, _, err := reviews.SetTaskScore(ctx, pool, id["B"], as, fw, fw.TaskMax, day); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("B entering A's task score: %v; want ErrForbidden", err)
	}
	as, _, err = reviews.SetTaskScore(ctx, pool, id["H"], as, fw, fw.TaskMax, day)
	if err != nil {
		t.Fatal(err)
	}
	// Full points make an A, and three people leave no room for one: the
	// head is asked first, nothing is decided; then chooses A's own move to B.
	res, err := reviews.Approve(ctx, pool, cal, fws, id["H"], as.ID, as.Version, 0, now)
	if err != nil || res.Quota == nil || len(res.Quota.Candidates) != 1 || res.Quota.Candidates[0] != as.ID || res.Assessment.Status != evaluation.AssessSubmitted {
		t.Fatalf("H approves an A beyond the quota: %+v, %v; want the quota's question", res.Quota, err)
	}
	res, err = reviews.Approve(ctx, pool, cal, fws, id["H"], as.ID, as.Version, as.ID, now)
	if err != nil || res.Assessment.Status != evaluation.AssessApproved || res.Assessment.Grade != "B" || res.Addendum {
		t.Fatalf("H approves, moving A to B: %s %s, %v", res.Assessment.Status, res.Assessment.Grade, err)
	}
	// A second press of Approve (the same version) decides nothing and
	// says it was done: Already (issue 24 attack, a double tap on the board).
	if again, err := reviews.Approve(ctx, pool, cal, fws, id["H"], as.ID, as.Version, 0, now); err != nil || !again.Already ||
		again.Assessment.Version != res.Assessment.Version {
		t.Errorf("a second press of Approve: %+v, %v; want Already", again, err)
	}
}
