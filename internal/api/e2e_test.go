package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"evalbot/internal/evaluation"
	"evalbot/internal/sim"
)

// End to end (issue 23): a task system pushes a task over HTTP; the
// official accepts it into the week's plan in the fake Telegram, submits
// the plan and the head approves it; the system reports it done with the
// document that proves it; the task is marked on time in the official's
// report and carries the document as evidence from the API, which the
// head's card reads (evaluation.TaskEvidence). A second task reported done
// before it was accepted is marked (late: after its deadline) and gets its
// evidence the moment it is accepted. A declined task cannot be reported done.
func TestPushAcceptReportDone(t *testing.T) {
	w := newWorld(t)
	ps, err := w.h.Onboard()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	official, head := ps["HB017"], ps["HB016"]

	r := w.do("POST", "/api/v1/assignments", w.ward, map[string]any{"source_id": "VB-2026-00123", "employee_code": "HB017",
		"title": "Báo cáo kết quả phong trào văn hóa quý IV", "deadline": "2026-12-10", "source_document": "125/QĐ-UBND"}, true)
	if r.status != http.StatusCreated {
		t.Fatalf("push: %d %s", r.status, r.body)
	}
	var a assignment
	r.decode(t, &a)
	if err := w.h.FlushMessages(); err != nil {
		t.Fatal(err)
	}
	m, ok := sim.FindButton(official.User.Messages(), "📅 Nhận vào KH tuần")
	if !ok || !contains(m.Text, "Báo cáo kết quả phong trào văn hóa quý IV", "10/12/2026", "125/QĐ-UBND") {
		t.Fatalf("the official was not told: %q", official.User.Last().Text)
	}
	if err := w.h.TapOn(official, m, "📅 Nhận vào KH tuần"); err != nil {
		t.Fatal(err)
	}
	if err := w.h.Tap(official, "📨 Gửi duyệt"); err != nil {
		t.Fatal(err)
	}
	if err := w.h.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := w.h.Tap(head, "✅ Duyệt"); err != nil {
		t.Fatal(err)
	}
	r = w.do("GET", "/api/v1/assignments/"+strconv.FormatInt(a.ID, 10), w.ward, nil, true)
	r.decode(t, &a)
	if a.Status != "accepted" || a.PlanKind != "week" || a.TaskStatus != "pending" {
		t.Fatalf("after accepting: %+v", a)
	}

	// The official has the week's report open in chat.
	if err := w.h.Command(official, "/report"); err != nil {
		t.Fatal(err)
	}
	report := official.User.Last()
	if strings.Contains(fmt.Sprint(report.Keyboard), "• ") || strings.Contains(report.Text, "210/BC-UBND") {
		t.Fatalf("/report before the system's report: %q %v", report.Text, report.Keyboard)
	}

	r = w.do("POST", "/api/v1/assignments/"+strconv.FormatInt(a.ID, 10)+"/done", w.ward,
		map[string]any{"done_on": "2026-12-07", "document": "210/BC-UBND"}, true)
	if r.status != http.StatusOK {
		t.Fatalf("done: %d %s", r.status, r.body)
	}
	r.decode(t, &a)
	if a.TaskStatus != "on_time" || a.DoneOn != "2026-12-07" || a.DoneDocument != "210/BC-UBND" {
		t.Errorf("done: %+v", a)
	}
	// The same report again changes nothing; another date is a conflict.
	if r := w.do("POST", "/api/v1/by-source/VB-2026-00123/done", w.ward, map[string]any{"done_on": "2026-12-07", "document": "210/BC-UBND"}, true); r.status != http.StatusOK {
		t.Errorf("the same report again: %d %s", r.status, r.body)
	}
	if r := w.do("POST", "/api/v1/by-source/VB-2026-00123/done", w.ward, map[string]any{"done_on": "2026-12-06"}, true); r.status != http.StatusConflict {
		t.Errorf("another date: %d %s", r.status, r.body)
	}
	// The official is told once.
	if err := w.h.FlushMessages(); err != nil {
		t.Fatal(err)
	}
	told := 0
	for _, m := range official.User.Messages() {
		if contains(m.Text, "Hệ thống giao việc đã báo nhiệm vụ «Báo cáo kết quả phong trào văn hóa quý IV» hoàn thành ngày 07/12/2026, đúng hạn",
			"Minh chứng: văn bản 210/BC-UBND") {
			told++
		}
	}
	if told != 1 {
		t.Errorf("the official was told %d times that the system reported it done: %q", told, official.User.Last().Text)
	}
	// The /report card follows: the task marked on time, the document shown
	// (it stayed as it was when the API had no chat side).
	for _, m := range official.User.Messages() {
		if m.ID == report.ID {
			report = m
		}
	}
	if !strings.Contains(fmt.Sprint(report.Keyboard), "• 1 ✅ •") || !strings.Contains(report.Text, "210/BC-UBND") {
		t.Errorf("/report card after the system's report: %q %v", report.Text, report.Keyboard)
	}
	var taskID int64
	if err := w.h.Pool.QueryRow(ctx, `SELECT id FROM tasks WHERE assignment_id = $1`, a.ID).Scan(&taskID); err != nil {
		t.Fatal(err)
	}
	ev, err := evaluation.TaskEvidence(ctx, w.h.Pool, []int64{taskID})
	if err != nil {
		t.Fatal(err)
	}
	if got := ev[taskID]; len(got) != 1 || got[0].Kind != evaluation.EvidenceDocument || got[0].DocumentNumber != "210/BC-UBND" ||
		got[0].Source != evaluation.SourceAPI || got[0].APIKeyID == nil || *got[0].APIKeyID != w.wardID || got[0].AddedBy != nil {
		t.Errorf("evidence: %+v", got)
	}
	if n := w.count(`SELECT count(*) FROM audit_log WHERE entity = 'task' AND entity_id = $1 AND action = 'mark' AND reason = 'api'`, taskID); n != 1 {
		t.Errorf("%d audit entries of the mark", n)
	}

	// Reported done before it is accepted: recorded, applied at the accept.
	r = w.do("POST", "/api/v1/assignments", w.ward, map[string]any{"source_id": "VB-2026-00124", "employee_code": "HB018",
		"title": "Rà soát hộ nghèo cuối năm", "deadline": "2026-12-04"}, true)
	var b assignment
	r.decode(t, &b)
	r = w.do("POST", "/api/v1/by-source/VB-2026-00124/done", w.ward, map[string]any{"done_on": "2026-12-07", "document": "55/TB-UBND"}, true)
	r.decode(t, &b)
	if r.status != http.StatusOK || b.Status != "assigned" || b.DoneOn != "2026-12-07" || b.TaskStatus != "" {
		t.Fatalf("done before accepting: %d %+v", r.status, b)
	}
	if err := w.h.FlushMessages(); err != nil {
		t.Fatal(err)
	}
	if err := w.h.Tap(ps["HB018"], "🗓 Nhận vào KH tháng"); err != nil {
		t.Fatal(err)
	}
	r = w.do("GET", "/api/v1/by-source/VB-2026-00124", w.ward, nil, true)
	r.decode(t, &b)
	if b.Status != "accepted" || b.PlanKind != "month" || b.TaskStatus != "late" {
		t.Errorf("accepted after the report: %+v", b)
	}
	if n := w.count(`SELECT count(*) FROM task_evidence e JOIN tasks t ON t.id = e.task_id WHERE t.assignment_id = $1
		AND e.source = 'api' AND e.document_number = '55/TB-UBND'`, b.ID); n != 1 {
		t.Errorf("%d evidence items after accepting", n)
	}

	// Declined: the system reads why, and cannot report it done.
	r = w.do("POST", "/api/v1/assignments", w.ward, map[string]any{"source_id": "VB-2026-00125", "employee_code": "HB019",
		"title": "Kiểm tra vệ sinh an toàn thực phẩm"}, true)
	if err := w.h.FlushMessages(); err != nil {
		t.Fatal(err)
	}
	if err := w.h.Tap(ps["HB019"], "✖️ Từ chối"); err != nil {
		t.Fatal(err)
	}
	if err := w.h.Say(ps["HB019"], "Đã chuyển cho Trạm Y tế phường"); err != nil {
		t.Fatal(err)
	}
	var c assignment
	r = w.do("GET", "/api/v1/by-source/VB-2026-00125", w.ward, nil, true)
	r.decode(t, &c)
	if c.Status != "declined" || c.DeclineReason != "Đã chuyển cho Trạm Y tế phường" {
		t.Errorf("declined: %+v", c)
	}
	r = w.do("POST", "/api/v1/by-source/VB-2026-00125/done", w.ward, map[string]any{"done_on": "2026-12-07"}, true)
	if p := r.problem(t); r.status != http.StatusConflict || p.Type != "urn:evalbot:problem:declined" {
		t.Errorf("done after declined: %d %+v", r.status, p)
	}
}
