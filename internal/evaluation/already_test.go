package evaluation

import (
	"errors"
	"testing"
)

// TestTheSameDecisionAgain (issue 24, attack): the board's «Trả lại» with its
// reason, and a plan's «Duyệt» / «Trả lại», pressed twice (a double tap, a
// slow phone): the second press found the decision made and answered
// «changed meanwhile» (ErrStale), so the head read in red that the return
// or approval had failed. The same decision by the same reviewer from the
// same version is now ErrAlready (still an ErrStale for the chat's
// handlers); anything else that moved on stays ErrStale.
func TestTheSameDecisionAgain(t *testing.T) {
	ctx := t.Context()
	pool := demoWard(t)
	head, other, off := officialID(t, pool, "HB020"), officialID(t, pool, "HB001"), officialID(t, pool, "HB022")
	var asID int64
	var v int
	if err := pool.QueryRow(ctx, `INSERT INTO assessments (official_id, month, framework_id, framework_version, status)
		VALUES ($1, '2026-11-01', 'hanoi-3814-2018', '1', 'submitted') RETURNING id, version`, off).Scan(&asID, &v); err != nil {
		t.Fatal(err)
	}
	const why = "Tiêu chí 2 chưa có minh chứng, đề nghị bổ sung"
	if _, err := ReturnAssessment(ctx, pool, asID, v, head, why); err != nil {
		t.Fatal(err)
	}
	if _, err := ReturnAssessment(ctx, pool, asID, v, head, why); !errors.Is(err, ErrAlready) || !errors.Is(err, ErrStale) {
		t.Fatalf("the same return again: %v; want ErrAlready (an ErrStale)", err)
	}
	if _, err := ReturnAssessment(ctx, pool, asID, v, head, "Lý do khác"); errors.Is(err, ErrAlready) || !errors.Is(err, ErrStale) {
		t.Fatalf("another reason from the old version: %v; want ErrStale only", err)
	}

	plan := func() int64 {
		var id int64
		if err := pool.QueryRow(ctx, `INSERT INTO plans (official_id, kind, period_start, month, status, version)
			VALUES ($1, 'week', '2026-12-07', '2026-12-01', 'submitted', 0)
			ON CONFLICT (official_id, kind, period_start) DO UPDATE SET status = 'submitted', version = 0 RETURNING id`, off).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	p := plan()
	if _, err := DecidePlan(ctx, pool, p, 0, head, true, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := DecidePlan(ctx, pool, p, 0, head, true, ""); !errors.Is(err, ErrAlready) {
		t.Fatalf("the same approval again: %v; want ErrAlready", err)
	}
	for name, again := range map[string]func() error{
		"another reviewer": func() error { _, err := DecidePlan(ctx, pool, p, 0, other, true, ""); return err },
		"a return":         func() error { _, err := DecidePlan(ctx, pool, p, 0, head, false, why); return err },
	} {
		if err := again(); errors.Is(err, ErrAlready) || !errors.Is(err, ErrStale) {
			t.Errorf("%s after the approval: %v; want ErrStale only", name, err)
		}
	}
	p = plan()
	if _, err := DecidePlan(ctx, pool, p, 0, head, false, why); err != nil {
		t.Fatal(err)
	}
	if _, err := DecidePlan(ctx, pool, p, 0, head, false, why); !errors.Is(err, ErrAlready) {
		t.Fatalf("the same plan return again: %v; want ErrAlready", err)
	}
}
