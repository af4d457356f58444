package web_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/calendar"
	"evalbot/internal/locale"
	"evalbot/internal/pgtest"
	"evalbot/internal/roster"
	"evalbot/internal/signin"
	"evalbot/internal/web"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// now is Thursday 3 December 2026, 10:00 in Hanoi: before the 5th working
// day, so the month under evaluation is November 2026.
var now = time.Date(2026, 12, 3, 10, 0, 0, 0, calendar.Location)

// ward imports the demo ward (internal/demo/roster) and seeds November
// 2026: every 7th person has no assessment, the next one has submitted,
// the rest are approved with grades A, B, B, C in turn (HB027 gets D);
// weekly plans of the week of 30 November alternate approved and submitted
// (every 5th none); PHB-KT's results are published. October has fewer
// people approved (by id), graded A, B, B, C in turn. Admins: HB005 over
// the whole ward (PHB), HB016 over PHB-VH only.
func ward(t testing.TB) *pgxpool.Pool {
	t.Helper()
	ctx := context.Background()
	pool := pgtest.New(t)
	dir := "../demo/roster"
	uf, err := os.Open(filepath.Join(dir, "units.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer uf.Close()
	us, errs, err := roster.ReadUnits(uf, "units.csv")
	if err != nil || len(errs) > 0 {
		t.Fatal(err, errs)
	}
	of, err := os.Open(filepath.Join(dir, "officials.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer of.Close()
	ofs, errs, err := roster.ReadOfficials(of, "officials.csv")
	if err != nil || len(errs) > 0 {
		t.Fatal(err, errs)
	}
	if rep, err := roster.Import(ctx, pool, us, ofs, roster.Options{}); err != nil || len(rep.Errors) > 0 {
		t.Fatal(err, rep.Errors)
	}
	for _, sql := range []string{
		`INSERT INTO assessments (official_id, month, framework_id, framework_version, status, graded, total, grade, result,
			reviewer_id, submitted_at, approved_at)
		 SELECT o.id, '2026-11-01', 'hanoi-3814-2018', '1',
		        CASE WHEN o.n % 7 = 1 THEN 'submitted' ELSE 'approved' END,
		        CASE WHEN o.n % 7 = 1 THEN NULL ELSE true END,
		        CASE WHEN o.n % 7 = 1 THEN NULL ELSE 9500 - o.n * 50 END,
		        CASE WHEN o.n % 7 = 1 THEN NULL WHEN o.employee_code = 'HB027' THEN 'D'
		             ELSE (ARRAY['A', 'B', 'B', 'C'])[o.n % 4 + 1] END,
		        CASE WHEN o.n % 7 = 1 THEN NULL ELSE '{}'::jsonb END,
		        CASE WHEN o.n % 7 = 1 THEN NULL ELSE coalesce(h.id, (SELECT id FROM officials WHERE employee_code = 'HB001')) END,
		        '2026-11-30 09:00+07', CASE WHEN o.n % 7 = 1 THEN NULL ELSE '2026-12-01 09:00+07'::timestamptz END
		   FROM (SELECT id, unit_id, employee_code, row_number() OVER (ORDER BY employee_code) AS n FROM officials) o
		   LEFT JOIN officials h ON h.unit_id = o.unit_id AND h.is_head AND h.id <> o.id
		  WHERE o.n % 7 <> 0`,
		`INSERT INTO plans (official_id, kind, period_start, month, status)
		 SELECT id, 'week', '2026-11-30', '2026-12-01', CASE WHEN n % 2 = 0 THEN 'approved' ELSE 'submitted' END
		   FROM (SELECT id, row_number() OVER (ORDER BY employee_code) AS n FROM officials) o WHERE n % 5 <> 0`,
		`INSERT INTO assessments (official_id, month, framework_id, framework_version, status, graded, total, grade, result, reviewer_id)
		 SELECT official_id, '2026-10-01', framework_id, framework_version, 'approved', true, total,
		        (ARRAY['A', 'B', 'B', 'C'])[official_id % 4 + 1], result, reviewer_id
		   FROM assessments WHERE month = '2026-11-01' AND status = 'approved' AND official_id % 5 <> 0`,
		`INSERT INTO publications (unit_id, month) SELECT id, '2026-11-01' FROM units WHERE code = 'PHB-KT'`,
		`INSERT INTO admins (official_id, unit_id) SELECT o.id, u.id FROM officials o, units u WHERE o.employee_code = 'HB005' AND u.code = 'PHB'`,
		`INSERT INTO admins (official_id, unit_id) SELECT o.id, u.id FROM officials o, units u WHERE o.employee_code = 'HB016' AND u.code = 'PHB-VH'`,
	} {
		if _, err := pool.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	return pool
}

// site is the web face on a test server over ward's database.
type site struct {
	pool  *pgxpool.Pool
	srv   *httptest.Server
	clock func() time.Time
}

func newSite(t testing.TB, pool *pgxpool.Pool) *site {
	t.Helper()
	cat, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	st := &site{pool: pool}
	s := &web.Server{Pool: pool, Cat: cat, Cal: calendar.Default(), Now: func() time.Time { return st.clock() }}
	st.clock = func() time.Time { return now }
	h, err := s.Handler()
	if err != nil {
		t.Fatal(err)
	}
	st.srv = httptest.NewServer(h)
	t.Cleanup(st.srv.Close)
	return st
}

// link issues a sign-in link for code, valid for ttl from at.
func (st *site) link(t testing.TB, code string, at time.Time, ttl time.Duration) string {
	t.Helper()
	o, err := roster.OfficialByCode(context.Background(), st.pool, code)
	if err != nil {
		t.Fatal(code, err)
	}
	token, _, err := signin.Issue(context.Background(), st.pool, o.ID, ttl, at)
	if err != nil {
		t.Fatal(err)
	}
	return signin.LinkURL(st.srv.URL, token)
}
