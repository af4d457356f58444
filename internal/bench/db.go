package bench

import (
	"context"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/go-telegram/bot"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/botapitest"
	"evalbot/internal/calendar"
	"evalbot/internal/pgcluster"
	"evalbot/internal/store"
)

// benchDB opens DATABASE_URL, or a throwaway cluster; stop releases it.
func benchDB(ctx context.Context, r Report, maxConns int32, planMode string) (pool *pgxpool.Pool, url string, stop func(), err error) {
	url = os.Getenv("DATABASE_URL")
	var cluster *pgcluster.Cluster
	if url == "" {
		if cluster, err = pgcluster.Start(ctx); err != nil {
			return nil, "", nil, err
		}
		url = cluster.URL("postgres")
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		cluster.Stop()
		return nil, "", nil, err
	}
	store.Tune(cfg)
	cfg.MaxConns = maxConns
	// A fresh database has no statistics: a statement prepared while a table
	// is empty keeps a sequential-scan plan as the table grows (quadratic at
	// 100,000 officials). Real databases have statistics from earlier months;
	// a benchmark on a fresh database re-plans (force_custom_plan), one that
	// seeds a month of history first runs as serve does (auto).
	cfg.ConnConfig.RuntimeParams["plan_cache_mode"] = planMode
	pool, err = pgxpool.NewWithConfig(ctx, cfg)
	if err == nil && cluster == nil {
		err = refuseDatabaseInUse(ctx, r, pool)
	}
	if err == nil {
		err = store.Migrate(ctx, pool)
	}
	if err != nil {
		cluster.Stop()
		return nil, "", nil, err
	}
	return pool, url, func() { pool.Close(); cluster.Stop() }, nil
}

// refuseDatabaseInUse stops a benchmark pointed (by DATABASE_URL) at a
// database that already has officials: it would add thousands of synthetic
// ones to a real roster.
func refuseDatabaseInUse(ctx context.Context, r Report, pool *pgxpool.Pool) error {
	var exists bool
	if err := pool.QueryRow(ctx, `SELECT to_regclass('officials') IS NOT NULL`).Scan(&exists); err != nil || !exists {
		return err
	}
	var used bool
	if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM officials)`).Scan(&used); err != nil {
		return err
	}
	if used {
		return r.Fail("BenchDatabaseInUse", nil)
	}
	return nil
}

// seedRoster makes n officials in units of 50 (the first of each unit its
// head) under one root unit whose head is the top; every official is bound to
// Telegram user/chat 1,000,000 + k and has started the bot on srv (if given).
func seedRoster(ctx context.Context, pool *pgxpool.Pool, srv *botapitest.Server, n int) error {
	units := (n + 49) / 50
	_, err := pool.Exec(ctx, `
		WITH root AS (INSERT INTO units (code, name) VALUES ('ROOT', 'UBND (bench)') RETURNING id),
		top AS (INSERT INTO officials (employee_code, full_name, unit_id, category, is_head, telegram_user_id, chat_id)
		        SELECT 'E0', 'Nguyễn Văn Chủ', id, 'can_bo', true, 1000000, 1000000 FROM root)
		INSERT INTO units (code, name, parent_id) SELECT 'U' || g, 'Phòng ' || g, root.id FROM root, generate_series(1, $1) g`, units)
	if err != nil {
		return err
	}
	_, err = pool.Exec(ctx, `
		INSERT INTO officials (employee_code, full_name, unit_id, category, is_head, telegram_user_id, chat_id)
		SELECT 'E' || g, 'Cán bộ Số ' || g, u.id, 'cong_chuc', (g - 1) % 50 = 0, 1000000 + g, 1000000 + g
		FROM generate_series(1, $1) g JOIN units u ON u.code = 'U' || ((g - 1) / 50 + 1)`, n)
	if err != nil || srv == nil {
		return err
	}
	for k := 0; k <= n; k++ {
		srv.NewUser(int64(1000000+k), "CB"+strconv.Itoa(k), "vi").Start("")
	}
	return nil
}

// seedLastMonth gives every official an approved, graded assessment of m
// and analyzes the tables: what a database has at the end of its second
// month, so that generic plans are made with real statistics.
func seedLastMonth(ctx context.Context, pool *pgxpool.Pool, m calendar.Month) error {
	_, err := pool.Exec(ctx, `
		INSERT INTO assessments (official_id, month, framework_id, framework_version, status, self_total, self_grade,
		                         graded, total, grade, submitted_at, approved_at)
		SELECT id, $1::date, 'hanoi-3814-2018', '1', 'approved', 9000, 'B', true, 9000, 'B', now(), now() FROM officials`,
		m.First().String())
	if err != nil {
		return err
	}
	_, err = pool.Exec(ctx, `ANALYZE units, officials, assessments`)
	return err
}

// monthEnd is the self-assessment moment of a month: its last working day, 09:05.
func monthEnd(cal *calendar.Calendar, m calendar.Month) time.Time {
	return cal.LastWorkingDay(m).Time(9, 5)
}

// onlySelfAssessment marks the other campaigns due at t as fired, so that
// RunDue at t sends the month-end prompt alone.
func onlySelfAssessment(ctx context.Context, pool *pgxpool.Pool, t time.Time) error {
	day := calendar.DateOf(t)
	m := day.YearMonth()
	_, err := pool.Exec(ctx, `INSERT INTO campaign_runs (campaign, period) VALUES
		('week_plan', $1), ('week_report', $1), ('month_plan', $2), ('self_remind', $3), ('publish', $3), ('review_chase', $4)
		ON CONFLICT DO NOTHING`, calendar.WeekOf(day).String(), m.String(), m.Prev().String(), day.String())
	return err
}

func apiClient(conns int) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = conns
	return &http.Client{Timeout: 30 * time.Second, Transport: tr}
}

func benchBot(srv *botapitest.Server, conns int) (*bot.Bot, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = conns
	return bot.New(srv.Token(), bot.WithServerURL(srv.URL()), bot.WithSkipGetMe(),
		bot.WithHTTPClient(time.Minute, &http.Client{Timeout: 30 * time.Second, Transport: tr}))
}
