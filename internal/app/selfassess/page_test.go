package selfassess_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/selfassess"
	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/pgtest"
	"evalbot/internal/roster"
	"evalbot/internal/store"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// submitted counts what Save tells the chat.
type submitted struct{ sent, changed int }

func (n *submitted) SelfChanged(context.Context, pgx.Tx, evaluation.Assessment, roster.Official) error {
	n.changed++
	return nil
}

func (n *submitted) SelfSubmitted(context.Context, pgx.Tx, evaluation.Assessment, roster.Official, roster.Official) error {
	n.sent++
	return nil
}

// TestSubmitPressedTwice (issue 24, attack): «Gửi đánh giá» on the
// one-page self-assessment pressed twice (a double tap, a slow phone): the
// second post carried the page's version and was refused as locked, so the
// official read «Bản tự đánh giá đã gửi hoặc tháng đã công khai nên không
// sửa được nữa» in red after sending. The same submission again now reads
// as sent, tells nobody again; a different choice after sending is still
// refused.
func TestSubmitPressedTwice(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	if _, err := pool.Exec(ctx, `WITH u AS (INSERT INTO units (code, name) VALUES ('W', 'Phường') RETURNING id)
		INSERT INTO officials (employee_code, full_name, unit_id, category, is_head)
		SELECT 'H', 'Nguyễn Văn Hùng', id, 'can_bo', true FROM u UNION ALL
		SELECT 'A', 'Trần Thị An', id, 'cong_chuc', false FROM u`); err != nil {
		t.Fatal(err)
	}
	a, err := roster.OfficialByCode(ctx, pool, "A")
	if err != nil {
		t.Fatal(err)
	}
	fw, err := grading.Preset("hanoi-3814-2018")
	if err != nil {
		t.Fatal(err)
	}
	cal := calendar.Default()
	nov := calendar.Month{Year: 2026, Month: time.November}
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, calendar.Location)
	as, err := evaluation.OpenAssessment(ctx, pool, a.ID, nov, fw)
	if err != nil {
		t.Fatal(err)
	}
	choice := selfassess.Choice{Criteria: map[string]grading.Points{}, Bonus: 100, Reason: "Sáng kiến cải cách thủ tục"}
	for _, c := range fw.General {
		choice.Criteria[c.ID] = c.Max
	}
	n := &submitted{}
	save := func(ch selfassess.Choice) (selfassess.Page, error) {
		var pg selfassess.Page
		err := store.InTx(ctx, pool, func(tx pgx.Tx) error {
			var err error
			pg, err = selfassess.Save(ctx, tx, cal, grading.Preset, a.ID, as.ID, as.Version, ch, true, now, n)
			return err
		})
		return pg, err
	}
	first, err := save(choice)
	if err != nil || first.Assessment.Status != evaluation.AssessSubmitted || n.sent != 1 {
		t.Fatalf("the first press: %s, %v, told %d", first.Assessment.Status, err, n.sent)
	}
	again, err := save(choice)
	if err != nil || again.Assessment.Status != evaluation.AssessSubmitted || again.Assessment.Version != first.Assessment.Version || n.sent != 1 {
		t.Fatalf("the second press: %s v%d, %v, told %d; want as sent, told once", again.Assessment.Status, again.Assessment.Version, err, n.sent)
	}
	other := choice
	other.Criteria = map[string]grading.Points{fw.General[0].ID: 0}
	if _, err := save(other); !errors.Is(err, evaluation.ErrLocked) {
		t.Fatalf("another choice after sending: %v; want ErrLocked", err)
	}
}
