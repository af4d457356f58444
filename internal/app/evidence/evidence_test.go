package evidence_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/app/access"
	"evalbot/internal/app/apikeys"
	"evalbot/internal/app/evidence"
	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

var (
	november = calendar.Month{Year: 2026, Month: time.November}
	monday   = calendar.DateOf(time.Date(2026, 11, 23, 9, 0, 0, 0, calendar.Location))
)

// ward: a ward W with its chairman S, a section P under it with its head H
// and staff A and B, and X, an admin (ban tổ chức) of W; A's approved week
// plan of 23–29/11/2026 with two tasks, returned.
func ward(t *testing.T) (*pgxpool.Pool, map[string]int64, []evaluation.Task) {
	ctx := context.Background()
	pool := pgtest.New(t)
	for _, q := range []string{
		`INSERT INTO units (code, name) VALUES ('W', 'Phường Thử')`,
		`INSERT INTO units (code, name, parent_id) VALUES ('P', 'Phòng Kinh tế', (SELECT id FROM units WHERE code = 'W'))`,
		`INSERT INTO officials (employee_code, full_name, unit_id, category, is_head) VALUES
			('S', 'Nguyễn Văn Sơn', (SELECT id FROM units WHERE code = 'W'), 'can_bo', true),
			('X', 'Đỗ Thị Xuân', (SELECT id FROM units WHERE code = 'W'), 'cong_chuc', false),
			('H', 'Trần Văn Hùng', (SELECT id FROM units WHERE code = 'P'), 'cong_chuc', true),
			('A', 'Lê Thị An', (SELECT id FROM units WHERE code = 'P'), 'cong_chuc', false),
			('B', 'Phạm Văn Bình', (SELECT id FROM units WHERE code = 'P'), 'cong_chuc', false)`,
		`INSERT INTO admins (official_id, unit_id) SELECT o.id, u.id FROM officials o, units u WHERE o.employee_code = 'X' AND u.code = 'W'`,
	} {
		if _, err := pool.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	id := map[string]int64{}
	for _, c := range []string{"S", "X", "H", "A", "B"} {
		var v int64
		if err := pool.QueryRow(ctx, `SELECT id FROM officials WHERE employee_code = $1`, c).Scan(&v); err != nil {
			t.Fatal(err)
		}
		id[c] = v
	}
	p, err := evaluation.SaveDraft(ctx, pool, id["A"], evaluation.KindWeek, monday, november,
		[]evaluation.TaskDraft{{Title: "Báo cáo kết quả cải cách hành chính quý IV", Weight: 100}, {Title: "Rà soát hồ sơ tồn", Weight: 100}})
	if err != nil {
		t.Fatal(err)
	}
	head := id["H"]
	if p, err = evaluation.SubmitPlan(ctx, pool, p.ID, p.Version, &head); err != nil {
		t.Fatal(err)
	}
	if p, err = evaluation.DecidePlan(ctx, pool, p.ID, p.Version, head, true, ""); err != nil {
		t.Fatal(err)
	}
	return pool, id, p.Tasks
}

func audits(t *testing.T, pool *pgxpool.Pool, action string) int {
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = $1`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Issue 23 «Evidence»: only the task's owner adds evidence, only while the
// month is open to them; the same photo twice is one item; an empty number
// is refused; each addition is audited once.
func TestAddEvidenceAuthorizesFromTheDatabase(t *testing.T) {
	ctx := context.Background()
	pool, id, tasks := ward(t)
	task := tasks[0].ID
	doc := func(n string) evaluation.Evidence {
		return evaluation.Evidence{TaskID: task, Kind: evaluation.EvidenceDocument, DocumentNumber: n, Source: evaluation.SourceChat}
	}
	photo := evaluation.Evidence{TaskID: task, Kind: evaluation.EvidencePhoto, FileID: "AgACAgIAAxkBAAIBQ2dPhoto-w1280",
		FileUniqueID: "AQADvLcxG8", Source: evaluation.SourceChat}
	for _, c := range []struct {
		name     string
		actor    string
		e        evaluation.Evidence
		openFrom calendar.Month
		want     error
	}{
		{"a stranger's task (B, A's colleague)", "B", doc("125/UBND-VP"), november, access.ErrForbidden},
		{"the head may look, not add", "H", doc("125/UBND-VP"), november, access.ErrForbidden},
		{"a closed month (December under review)", "A", doc("125/UBND-VP"), calendar.Month{Year: 2026, Month: time.December}, evaluation.ErrLocked},
		{"no such task", "A", evaluation.Evidence{TaskID: 987654, Kind: evaluation.EvidenceDocument, DocumentNumber: "125/UBND-VP", Source: evaluation.SourceChat}, november, evaluation.ErrStale},
		{"an empty number", "A", doc(" \u200b "), november, evaluation.ErrEvidenceEmpty},
		{"a number over 100 characters", "A", doc("125/UBND-VP Báo cáo kết quả thực hiện nhiệm vụ cải cách hành chính quý IV năm 2026 của Ủy ban nhân dân phường"), november, evaluation.ErrEvidenceTooLong},
		{"a task system's source through the chat's use case", "A", evaluation.Evidence{TaskID: task, Kind: evaluation.EvidenceDocument, DocumentNumber: "125/UBND-VP", Source: evaluation.SourceAPI}, november, access.ErrForbidden},
		{"the owner's document number", "A", doc("125/UBND-VP"), november, nil},
		{"the owner's photo", "A", photo, november, nil},
	} {
		_, err := evidence.Add(ctx, pool, id[c.actor], c.e, c.openFrom, nil)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	// The same photo twice (Telegram gives another file_id each time, the
	// same file_unique_id): one item, audited once.
	photo.FileID = "AgACAgIAAxkBAAIBRGdPhoto-w1280"
	again, err := evidence.Add(ctx, pool, id["A"], photo, november, nil)
	if err != nil || !again.Repeated || again.Task.ID != task {
		t.Fatalf("the same photo again: %+v, %v", again, err)
	}
	ev, err := evaluation.TaskEvidence(ctx, pool, []int64{task})
	if err != nil {
		t.Fatal(err)
	}
	if len(ev[task]) != 2 || ev[task][0].DocumentNumber != "125/UBND-VP" || ev[task][1].Kind != evaluation.EvidencePhoto || *ev[task][1].AddedBy != id["A"] {
		t.Fatalf("stored: %+v", ev[task])
	}
	if n := audits(t, pool, "evidence_add"); n != 2 {
		t.Errorf("%d audit entries, want 2", n)
	}
	// Once A's self-assessment is submitted the month is no longer open to A.
	if _, err := pool.Exec(ctx, `INSERT INTO assessments (official_id, month, framework_id, framework_version, status)
		VALUES ($1, '2026-11-01', 'hanoi-3814-2018', '1', 'submitted')`, id["A"]); err != nil {
		t.Fatal(err)
	}
	if _, err := evidence.Add(ctx, pool, id["A"], doc("126/UBND-VP"), november, nil); !errors.Is(err, evaluation.ErrLocked) {
		t.Errorf("after the self-assessment: %v, want ErrLocked", err)
	}
	if _, err := evidence.Remove(ctx, pool, id["A"], ev[task][0].ID, november, nil); !errors.Is(err, evaluation.ErrLocked) {
		t.Errorf("removing after the self-assessment: %v, want ErrLocked", err)
	}
}

// The owner removes an item they added by mistake, once; nobody else
// removes it; a task system's item stays.
func TestRemoveEvidence(t *testing.T) {
	ctx := context.Background()
	pool, id, tasks := ward(t)
	item, err := evidence.Add(ctx, pool, id["A"], evaluation.Evidence{TaskID: tasks[1].ID, Kind: evaluation.EvidenceDocument,
		DocumentNumber: "15/BC-UBND", Source: evaluation.SourceChat}, november, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"B", "H"} {
		if _, err := evidence.Remove(ctx, pool, id[who], item.Evidence.ID, november, nil); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("%s removing A's item: %v, want ErrForbidden", who, err)
		}
	}
	if _, err := evidence.Remove(ctx, pool, id["A"], item.Evidence.ID, november, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := evidence.Remove(ctx, pool, id["A"], item.Evidence.ID, november, nil); !errors.Is(err, evaluation.ErrStale) {
		t.Errorf("a second tap: %v, want ErrStale", err)
	}
	if n := audits(t, pool, "evidence_remove"); n != 1 {
		t.Errorf("%d audit entries, want 1", n)
	}
	k, _, err := apikeys.Create(ctx, pool, "Hệ thống quản lý văn bản", "W")
	if err != nil {
		t.Fatal(err)
	}
	api, _, err := evaluation.AddEvidence(ctx, pool, evaluation.Evidence{TaskID: tasks[1].ID, Kind: evaluation.EvidenceDocument,
		DocumentNumber: "88/QĐ-UBND", Source: evaluation.SourceAPI, APIKeyID: &k.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := evidence.Remove(ctx, pool, id["A"], api.ID, november, nil); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("A removing a task system's item: %v, want ErrForbidden", err)
	}
}

// A file or photo opens for the owner, their heads up the tree and the
// organization department's admin; not for a colleague.
func TestOpenEvidence(t *testing.T) {
	ctx := context.Background()
	pool, id, tasks := ward(t)
	item, err := evidence.Add(ctx, pool, id["A"], evaluation.Evidence{TaskID: tasks[0].ID, Kind: evaluation.EvidenceFile,
		FileID: "BQACAgIAAxkBAAIBdoc", FileUniqueID: "AgADdoc1", FileName: "bao-cao.pdf", Source: evaluation.SourceChat}, november, nil)
	if err != nil {
		t.Fatal(err)
	}
	for who, want := range map[string]error{"A": nil, "H": nil, "S": nil, "X": nil, "B": access.ErrForbidden} {
		o, err := evidence.Open(ctx, pool, id[who], item.Evidence.ID, monday)
		if !errors.Is(err, want) {
			t.Errorf("%s opening A's file: %v, want %v", who, err, want)
		}
		if err == nil && (o.Evidence.FileID != "BQACAgIAAxkBAAIBdoc" || o.Owner.ID != id["A"] || o.Title != tasks[0].Title) {
			t.Errorf("%s: %+v", who, o)
		}
	}
	// H taps again at once (a double tap): nothing to send, one audit entry each.
	if o, err := evidence.Open(ctx, pool, id["H"], item.Evidence.ID, monday); err != nil || !o.Repeated {
		t.Errorf("a double tap: %+v %v", o, err)
	}
	if n := audits(t, pool, "evidence_open"); n != 4 {
		t.Errorf("%d openings audited, want 4 (A, H, S, X)", n)
	}
	if _, err := evidence.Open(ctx, pool, id["H"], 987654, monday); !errors.Is(err, evaluation.ErrStale) {
		t.Errorf("no such item: %v", err)
	}
}
