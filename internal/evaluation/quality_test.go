package evaluation

import (
	"errors"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/calendar"
	"evalbot/internal/grading"
)

// approvedPlan gives the official an approved November plan from text, its
// tasks marked with statuses in order, and returns the tasks.
func approvedPlan(t *testing.T, pool *pgxpool.Pool, official, head int64, text string, statuses ...string) []Task {
	t.Helper()
	ctx := t.Context()
	drafts, errs, err := ParsePlan(ctx, pool, official, text, nov2026)
	if err != nil || len(errs) > 0 {
		t.Fatal(errs, err)
	}
	p, err := SaveDraft(ctx, pool, official, KindMonth, nov2026.From, nov2026.From.YearMonth(), drafts)
	if err != nil {
		t.Fatal(err)
	}
	if p, err = SubmitPlan(ctx, pool, p.ID, p.Version, &head); err != nil {
		t.Fatal(err)
	}
	if p, err = DecidePlan(ctx, pool, p.ID, p.Version, head, true, ""); err != nil {
		t.Fatal(err)
	}
	for i, s := range statuses {
		if _, err := MarkTask(ctx, pool, p.Tasks[i].ID, s, &official); err != nil {
			t.Fatal(err)
		}
	}
	p, err = LoadPlan(ctx, pool, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	return p.Tasks
}

// Issue 23: «the head can mark a done task "chưa đạt" once or more, with a
// reason; each mark costs 25 % of that task's quality share».
func TestMarkNotUpToStandard(t *testing.T) {
	pool := demoWard(t)
	ctx := t.Context()
	oanh, long, nghia := officialID(t, pool, "HB013"), officialID(t, pool, "HB010"), officialID(t, pool, "HB012")
	today := calendar.Date{Year: 2026, Month: 11, Day: 30}
	tasks := approvedPlan(t, pool, oanh, long, "#TD01 x3 | 27/11\n#VB01 x2\nRà soát hồ sơ tồn", "on_time", "late")

	// Who may mark: the head, not a colleague, not the owner.
	for _, who := range []int64{nghia, oanh} {
		if _, err := MarkNotUpToStandard(ctx, pool, who, tasks[0].ID, "Thiếu ý kiến của phòng", today); !errors.Is(err, ErrNotReviewer) {
			t.Errorf("actor %d: %v, want ErrNotReviewer", who, err)
		}
	}
	if _, err := MarkNotUpToStandard(ctx, pool, long, tasks[0].ID, "  \u200b ", today); !errors.Is(err, ErrReasonRequired) {
		t.Errorf("blank reason: %v", err)
	}
	if _, err := MarkNotUpToStandard(ctx, pool, long, tasks[2].ID, "Chưa làm", today); !errors.Is(err, ErrNotDone) {
		t.Errorf("pending task: %v", err)
	}
	out, err := MarkNotUpToStandard(ctx, pool, long, tasks[0].ID, "Hồ sơ thiếu bản vẽ hiện trạng", today)
	if err != nil || out.Faults != 1 || out.Repeated || out.OwnerID != oanh || out.Mark.OnBehalfOf != nil {
		t.Fatalf("first mark: %+v %v", out, err)
	}
	// Telegram repeats the update: the same mark, not a second one.
	again, err := MarkNotUpToStandard(ctx, pool, long, tasks[0].ID, "Hồ sơ thiếu bản vẽ hiện trạng", today)
	if err != nil || !again.Repeated || again.Faults != 1 || again.Mark.ID != out.Mark.ID {
		t.Fatalf("repeat: %+v %v", again, err)
	}
	// A deputy marks a second time, on the head's behalf.
	if err := Delegate(ctx, pool, long, nghia, today, today); err != nil {
		t.Fatal(err)
	}
	second, err := MarkNotUpToStandard(ctx, pool, nghia, tasks[0].ID, "Sai số liệu diện tích", today)
	if err != nil || second.Faults != 2 || second.Mark.OnBehalfOf == nil || *second.Mark.OnBehalfOf != long {
		t.Fatalf("deputy's mark: %+v %v", second, err)
	}
	if _, err := MarkNotUpToStandard(ctx, pool, nghia, tasks[0].ID, "Sai", today.AddDays(1)); !errors.Is(err, ErrNotReviewer) {
		t.Errorf("deputy after the delegation: %v", err)
	}
	marks, err := QualityMarks(ctx, pool, []int64{tasks[0].ID, tasks[1].ID})
	if err != nil || len(marks[tasks[0].ID]) != 2 || marks[tasks[0].ID][1].Reason != "Sai số liệu diện tích" || len(marks[tasks[1].ID]) != 0 {
		t.Errorf("marks: %+v %v", marks, err)
	}
	var audits int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE entity = 'task' AND action = 'quality_mark' AND entity_id = $1`,
		tasks[0].ID).Scan(&audits); err != nil || audits != 2 {
		t.Errorf("%d audit rows, %v", audits, err)
	}

	// The grade: the engine's quality with the exact weights. TD01 x3 = 4.50
	// with 2 marks keeps 50 % of its quality, VB01 x2 = 2.00 keeps 100 %;
	// quality = (450·50 + 200·100) / (450 + 200 + 100) = 56.67 % (the
	// undone free-text task counts in the total weight).
	month, err := MonthTasks(ctx, pool, oanh, nov2026.From.YearMonth())
	if err != nil {
		t.Fatal(err)
	}
	in := grading.Input{Criteria: map[string]grading.Points{}}
	for _, task := range month {
		st := grading.TaskStatus(task.Status)
		if task.Status == TaskPending {
			st = grading.StatusNotDone
		}
		in.Tasks = append(in.Tasks, grading.Task{Weight: task.Weight, Status: st, Delays: task.Delays, QualityFaults: task.QualityFaults})
	}
	fw, err := grading.Preset("nd-335-2025")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range fw.General {
		in.Criteria[c.ID] = c.Max
	}
	r, err := fw.Grade(in)
	if err != nil {
		t.Fatal(err)
	}
	if r.Breakdown.Quality != 5667 || r.Breakdown.Quantity != 8667 {
		t.Errorf("quality %v quantity %v, want 56.67 %% and 86.67 %%", r.Breakdown.Quality, r.Breakdown.Quantity)
	}

	// A mark pressed by mistake is taken back, the latest first.
	var first, latest int64
	if err := pool.QueryRow(ctx, `SELECT min(id), max(id) FROM task_quality_marks WHERE task_id = $1`, tasks[0].ID).Scan(&first, &latest); err != nil {
		t.Fatal(err)
	}
	if _, err := WithdrawQualityMark(ctx, pool, long, tasks[0].ID, first, today); !errors.Is(err, ErrStale) {
		t.Errorf("withdraw a mark that is not the latest: %v; want ErrStale", err)
	}
	back, err := WithdrawQualityMark(ctx, pool, long, tasks[0].ID, latest, today)
	if err != nil || back.Faults != 1 || back.Mark.Reason != "Sai số liệu diện tích" || back.Repeated {
		t.Fatalf("withdraw: %+v %v", back, err)
	}
	// The same again (a double tap): nothing more taken back.
	if again, err := WithdrawQualityMark(ctx, pool, long, tasks[0].ID, latest, today); err != nil || !again.Repeated || again.Faults != 1 {
		t.Fatalf("withdraw the same mark again: %+v %v; want Repeated, 1 fault left", again, err)
	}
	if _, err := WithdrawQualityMark(ctx, pool, long, tasks[0].ID, latest+1000, today); !errors.Is(err, ErrStale) {
		t.Errorf("withdraw a made-up mark: %v; want ErrStale", err)
	}
	if _, err := WithdrawQualityMark(ctx, pool, oanh, tasks[0].ID, first, today); !errors.Is(err, ErrNotReviewer) {
		t.Errorf("the owner withdraws: %v", err)
	}
	if _, err := WithdrawQualityMark(ctx, pool, long, tasks[1].ID, 0, today); !errors.Is(err, ErrNotFound) {
		t.Errorf("a task without marks: %v", err)
	}
	if _, err := MarkNotUpToStandard(ctx, pool, long, tasks[0].ID, "Sai số liệu diện tích", today); err != nil {
		t.Fatal(err) // the latest mark now is another reason: a new mark, not a repeat
	}

	// Once the month is approved, no more marks.
	if _, err := pool.Exec(ctx, `INSERT INTO assessments (official_id, month, framework_id, framework_version, status)
		VALUES ($1, '2026-11-01', 'nd-335-2025', '1', 'approved')`, oanh); err != nil {
		t.Fatal(err)
	}
	if _, err := MarkNotUpToStandard(ctx, pool, long, tasks[1].ID, "Chậm", today); !errors.Is(err, ErrLocked) {
		t.Errorf("approved month: %v", err)
	}
	if _, err := WithdrawQualityMark(ctx, pool, long, tasks[0].ID, first, today); !errors.Is(err, ErrLocked) {
		t.Errorf("withdraw in an approved month: %v", err)
	}
}

// Issue 23: «free-text tasks remain, weighted by the head at approval».
func TestWeighTask(t *testing.T) {
	pool := demoWard(t)
	ctx := t.Context()
	oanh, long, nghia := officialID(t, pool, "HB013"), officialID(t, pool, "HB010"), officialID(t, pool, "HB012")
	today := calendar.Date{Year: 2026, Month: 11, Day: 2}
	drafts, _, err := ParsePlan(ctx, pool, oanh, "#TD01 x3\nRà soát hồ sơ tồn", nov2026)
	if err != nil {
		t.Fatal(err)
	}
	p, err := SaveDraft(ctx, pool, oanh, KindMonth, nov2026.From, nov2026.From.YearMonth(), drafts)
	if err != nil {
		t.Fatal(err)
	}
	if p, err = SubmitPlan(ctx, pool, p.ID, p.Version, &long); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		actor, task int64
		w           grading.Points
		want        error
	}{
		{nghia, p.Tasks[1].ID, 200, ErrNotReviewer},
		{long, p.Tasks[0].ID, 200, ErrCatalogueWeight},
		{long, p.Tasks[1].ID, 20, ErrBadWeight},
		{long, p.Tasks[1].ID, 1001, ErrBadWeight},
	} {
		if _, err := WeighTask(ctx, pool, c.actor, c.task, c.w, today); !errors.Is(err, c.want) {
			t.Errorf("WeighTask(%d, %d, %v) = %v, want %v", c.actor, c.task, c.w, err, c.want)
		}
	}
	if _, err := WeighTask(ctx, pool, long, p.Tasks[1].ID, 250, today); err != nil {
		t.Fatal(err)
	}
	after, err := LoadPlan(ctx, pool, p.ID)
	if err != nil || after.Tasks[1].Weight != 250 || after.Version != p.Version+1 || after.Tasks[0].Weight != 450 {
		t.Errorf("after: %+v %v", after, err)
	}
	if _, err := DecidePlan(ctx, pool, p.ID, after.Version, long, true, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := WeighTask(ctx, pool, long, p.Tasks[1].ID, 300, today); !errors.Is(err, ErrLocked) {
		t.Errorf("approved plan: %v", err)
	}
}

// The head types the weights of a submitted plan, one line per task.
func TestWeighPlan(t *testing.T) {
	pool := demoWard(t)
	ctx := t.Context()
	oanh, long := officialID(t, pool, "HB013"), officialID(t, pool, "HB010")
	today := calendar.Date{Year: 2026, Month: 11, Day: 2}
	drafts, _, err := ParsePlan(ctx, pool, oanh, "#TD01 x3\nRà soát hồ sơ tồn\nHọp dân khu phố 3", nov2026)
	if err != nil {
		t.Fatal(err)
	}
	p, err := SaveDraft(ctx, pool, oanh, KindMonth, nov2026.From, nov2026.From.YearMonth(), drafts)
	if err != nil {
		t.Fatal(err)
	}
	if p, err = SubmitPlan(ctx, pool, p.ID, p.Version, &long); err != nil {
		t.Fatal(err)
	}
	_, errs, err := WeighPlan(ctx, pool, long, p.ID, p.Version, "1 x2\n4 x1\n2 x11\n3 | 1.5", today)
	want := []LineError{{Line: 1, Code: "catalogue_weight", Value: "1"}, {Line: 2, Code: "no_such_task", Value: "4"},
		{Line: 3, Code: "bad_weight", Value: "x11"}, {Line: 4, Code: "ambiguous", Value: "1.5"}}
	if err != nil || !slices.Equal(errs, want) {
		t.Fatalf("errors %+v %v\nwant %+v", errs, err, want)
	}
	got, errs, err := WeighPlan(ctx, pool, long, p.ID, p.Version, "2 x1,5\n3: 2", today)
	if err != nil || len(errs) > 0 || got.Tasks[1].Weight != 150 || got.Tasks[2].Weight != 200 || got.Tasks[0].Weight != 450 {
		t.Fatalf("weighed: %+v %+v %v", got.Tasks, errs, err)
	}
	if _, _, err := WeighPlan(ctx, pool, long, p.ID, p.Version, "2 x1", today); !errors.Is(err, ErrStale) {
		t.Errorf("old version: %v", err)
	}
}
