package publication_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/app/access"
	"evalbot/internal/app/publication"
	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

var nov = calendar.Month{Year: 2026, Month: time.November}

func at(day, hour int) time.Time { return time.Date(2026, 12, day, hour, 0, 0, 0, calendar.Location) }

// approvedNovember: a unit with its head H and staff A (approved B, 85
// points) and B (approved A, 92 points) for November 2026.
func approvedNovember(t *testing.T) (*pgxpool.Pool, map[string]int64) {
	ctx := context.Background()
	pool := pgtest.New(t)
	for _, q := range []string{
		`INSERT INTO units (code, name) VALUES ('W', 'Phường Láng')`,
		`INSERT INTO officials (employee_code, full_name, position, unit_id, category, is_head) VALUES
			('H', 'Nguyễn Văn Hùng', 'Chủ tịch', (SELECT id FROM units WHERE code = 'W'), 'can_bo', true),
			('A', 'Trần Thị An', 'Công chức', (SELECT id FROM units WHERE code = 'W'), 'cong_chuc', false),
			('B', 'Lê Văn Bình', 'Công chức', (SELECT id FROM units WHERE code = 'W'), 'cong_chuc', false)`,
		`INSERT INTO assessments (official_id, month, framework_id, framework_version, status, graded, total, grade, approved_at)
			SELECT id, '2026-11-01', 'hanoi-3814-2018', '1', 'approved', true,
			       CASE employee_code WHEN 'A' THEN 8500 ELSE 9200 END, CASE employee_code WHEN 'A' THEN 'B' ELSE 'A' END, now()
			  FROM officials WHERE employee_code IN ('A', 'B')`,
	} {
		if _, err := pool.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	ids := map[string]int64{}
	rows, err := pool.Query(ctx, `SELECT employee_code, id FROM officials UNION ALL SELECT 'unit', id FROM units
		UNION ALL SELECT 'as:' || o.employee_code, a.id FROM assessments a JOIN officials o ON o.id = a.official_id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k string
		var id int64
		if err := rows.Scan(&k, &id); err != nil {
			t.Fatal(err)
		}
		ids[k] = id
	}
	return pool, ids
}

// Only the unit's head publishes, once; the results are locked.
func TestPublishOnceByTheHead(t *testing.T) {
	ctx := context.Background()
	pool, id := approvedNovember(t)
	if _, err := publication.Propose(ctx, pool, id["A"], nov, calendar.DateOf(at(7, 7))); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("A proposing to publish: %v; want ErrForbidden", err)
	}
	if _, err := publication.PublishOwnUnit(ctx, pool, id["A"], nov, nov, at(7, 7)); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("A publishing: %v; want ErrForbidden", err)
	}
	if _, err := publication.PublishOwnUnit(ctx, pool, id["H"], nov.Prev(), nov, at(7, 7)); !errors.Is(err, evaluation.ErrStale) {
		t.Errorf("H publishing October from a stale confirmation: %v; want ErrStale", err)
	}
	p, err := publication.Propose(ctx, pool, id["H"], nov, calendar.DateOf(at(7, 7)))
	if err != nil || p.Counts.Approved != 2 || p.Unit.ID != id["unit"] {
		t.Fatalf("H's proposal: %+v, %v", p, err)
	}
	pub, err := publication.PublishOwnUnit(ctx, pool, id["H"], nov, nov, at(7, 7))
	if err != nil || !pub.Done || len(pub.Lines) != 2 {
		t.Fatalf("H publishes: %+v, %v", pub, err)
	}
	var locked int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM assessments WHERE locked_at IS NOT NULL`).Scan(&locked); err != nil || locked != 2 {
		t.Errorf("%d results locked (%v); want 2", locked, err)
	}
	if again, err := publication.Publish(ctx, pool, id["unit"], nov, nil, at(7, 8)); err != nil || again.Done {
		t.Errorf("the campaign after the head: %+v, %v; want nothing done", again, err)
	}
	if _, err := publication.Propose(ctx, pool, id["H"], nov, calendar.DateOf(at(7, 9))); !errors.Is(err, publication.ErrAlreadyPublished) {
		t.Errorf("proposing again: %v; want ErrAlreadyPublished", err)
	}
}

// A reconsideration: only the person asks, once, within 3 working days;
// only their reviewer decides, once.
func TestReconsiderationRules(t *testing.T) {
	ctx := context.Background()
	pool, id := approvedNovember(t)
	cal := calendar.Default()
	if _, err := publication.Publish(ctx, pool, id["unit"], nov, nil, at(7, 8)); err != nil {
		t.Fatal(err)
	}
	if _, err := publication.Reconsiderable(ctx, pool, cal, id["H"], calendar.DateOf(at(7, 9))); !errors.Is(err, publication.ErrNothingPublished) {
		t.Errorf("H (no result) asking: %v; want ErrNothingPublished", err)
	}
	if _, err := publication.Reconsiderable(ctx, pool, cal, id["B"], calendar.DateOf(at(14, 9))); !errors.Is(err, publication.ErrTooLate) {
		t.Errorf("B asking 5 working days after: %v; want ErrTooLate", err)
	}
	as, err := publication.Reconsiderable(ctx, pool, cal, id["A"], calendar.DateOf(at(10, 9)))
	if err != nil || as.ID != id["as:A"] {
		t.Fatalf("A asking 3 working days after: %d, %v", as.ID, err)
	}
	if _, _, err := publication.RequestReconsideration(ctx, pool, id["B"], as.ID, "Không phải của tôi"); !errors.Is(err, evaluation.ErrStale) {
		t.Errorf("B asking about A's result: %v; want ErrStale", err)
	}
	req, _, err := publication.RequestReconsideration(ctx, pool, id["A"], as.ID, "Đề nghị xem xét lại tiêu chí 4")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := publication.RequestReconsideration(ctx, pool, id["A"], as.ID, "Lần nữa"); !errors.Is(err, publication.ErrPending) {
		t.Errorf("A asking twice: %v; want ErrPending", err)
	}
	if _, err := publication.Reconsiderable(ctx, pool, cal, id["A"], calendar.DateOf(at(10, 9))); !errors.Is(err, publication.ErrAlreadyAsked) {
		t.Errorf("A's next /reconsider: %v; want ErrAlreadyAsked", err)
	}
	if _, err := publication.Accept(ctx, pool, id["B"], req, calendar.DateOf(at(10, 9))); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("B deciding A's request: %v; want ErrForbidden", err)
	}
	if _, err := publication.Reject(ctx, pool, id["H"], req, "Kết quả đã phản ánh đúng", calendar.DateOf(at(10, 9))); err != nil {
		t.Fatal(err)
	}
	if _, err := publication.Accept(ctx, pool, id["H"], req, calendar.DateOf(at(10, 10))); !errors.Is(err, evaluation.ErrStale) {
		t.Errorf("accepting a request kept already: %v; want ErrStale", err)
	}
}
