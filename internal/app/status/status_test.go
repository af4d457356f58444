package status_test

import (
	"context"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"evalbot/internal/app/status"
	"evalbot/internal/calendar"
	"evalbot/internal/dashboard"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// An admin's overview covers every unit they administer, a head's their
// own people, anyone else's nobody; the reminder goes to those of them who
// can be reached and have not submitted, and is audited; a person's history
// is theirs only, newest first, with the count of all.
func TestScopeOverviewReminderHistory(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	for _, q := range []string{
		`INSERT INTO units (code, name) VALUES ('W', 'Phường')`,
		`INSERT INTO units (code, name, parent_id) SELECT 'O', 'Bộ phận một cửa', id FROM units WHERE code = 'W'`,
		`INSERT INTO officials (employee_code, full_name, unit_id, category, is_head, chat_id, reachable) VALUES
			('H', 'Nguyễn Văn Hùng', (SELECT id FROM units WHERE code = 'W'), 'can_bo', true, 101, true),
			('A', 'Trần Thị An', (SELECT id FROM units WHERE code = 'W'), 'cong_chuc', false, 102, true),
			('B', 'Lê Văn Bình', (SELECT id FROM units WHERE code = 'W'), 'cong_chuc', false, NULL, true),
			('K', 'Phạm Thị Khánh', (SELECT id FROM units WHERE code = 'O'), 'cong_chuc', true, 104, true),
			('C', 'Đỗ Văn Cường', (SELECT id FROM units WHERE code = 'O'), 'cong_chuc', false, 105, false),
			('D', 'Vũ Thị Dung', (SELECT id FROM units WHERE code = 'O'), 'cong_chuc', false, 106, true)`,
		`INSERT INTO admins (official_id, unit_id) SELECT o.id, u.id FROM officials o, units u WHERE o.employee_code = 'B' AND u.code = 'O'`,
	} {
		if _, err := pool.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	id := map[string]int64{}
	rows, err := pool.Query(ctx, `SELECT employee_code, id FROM officials`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k string
		var v int64
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatal(err)
		}
		id[k] = v
	}
	nov := calendar.Month{Year: 2026, Month: time.November}
	fw, err := grading.Preset("hanoi-3814-2018")
	if err != nil {
		t.Fatal(err)
	}
	k := id["K"]
	// D submitted: not missing, not reminded.
	as, err := evaluation.OpenAssessment(ctx, pool, id["D"], nov, fw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := evaluation.SubmitAssessment(ctx, pool, as.ID, as.Version, &k, nil, time.Now()); err != nil {
		t.Fatal(err)
	}
	week := calendar.WeekOf(nov.First())
	// Whom each overview covers: B administers the office (its three
	// people), H heads the ward (A and B, and K, the office's head), A nobody; units by code, names in the office's order (the head first).
	for who, want := range map[string][]string{"B": {"O:3:Phạm Thị Khánh,Đỗ Văn Cường"}, "H": {"O:1:Phạm Thị Khánh", "W:2:Trần Thị An,Lê Văn Bình"}, "A": nil} {
		ov, err := status.Overview(ctx, pool, id[who], nov, week, 0, 8, false)
		var got []string
		for _, u := range ov.Units {
			got = append(got, u.Code+":"+strconv.Itoa(u.People)+":"+strings.Join(ov.MissingNames[u.ID], ","))
		}
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("%s's overview: %v, %v; want %v", who, got, err, want)
		}
	}
	ov, err := status.Overview(ctx, pool, id["B"], nov, week, 5, 8, false)
	if units := ov.Units; err != nil || len(units) != 1 || units[0].People != 3 || units[0].SelfAssessed != 1 || units[0].Missing != 2 ||
		ov.Page != 0 || ov.Pages != 1 || ov.Missing != 2 {
		t.Fatalf("B's overview: %+v, %v; want the office: 3 people, 1 submitted, 2 missing, on page 0 of 1", ov, err)
	}
	var reminded []int64
	n, err := status.RemindMissing(ctx, pool, id["B"], nov, func(r dashboard.Recipient) (bool, error) {
		reminded = append(reminded, r.ID)
		return true, nil
	})
	if err != nil || n != 1 || !slices.Equal(reminded, []int64{id["K"]}) {
		t.Errorf("B reminds %v (%d, %v); want [K]: C cannot be reached, D submitted", reminded, n, err)
	}
	if n, err := status.RemindMissing(ctx, pool, id["B"], nov, func(dashboard.Recipient) (bool, error) { return false, nil }); err != nil || n != 0 {
		t.Errorf("a reminder already sent today: %d, %v", n, err)
	}
	var audited int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'remind_missing'`).Scan(&audited); err != nil || audited != 1 {
		t.Errorf("%d reminders audited (%v); want 1", audited, err)
	}

	for i := range 3 {
		if err := evaluation.Audit(ctx, pool, evaluation.AuditEntry{Actor: &k, Subject: id["D"], Entity: "assessment",
			EntityID: as.ID, Action: "return", Reason: "lần " + string(rune('1'+i))}); err != nil {
			t.Fatal(err)
		}
	}
	changes, total, err := status.History(ctx, pool, id["D"], 2)
	if err != nil || total != 3 || len(changes) != 2 || changes[0].Reason != "lần 3" || changes[0].Who != "Phạm Thị Khánh" {
		t.Errorf("D's history: %+v of %d, %v; want the 2 newest of 3, by K", changes, total, err)
	}
	if changes, total, err := status.History(ctx, pool, id["A"], 15); err != nil || total != 0 || len(changes) != 0 {
		t.Errorf("A's history: %+v of %d, %v; want none", changes, total, err)
	}
}
