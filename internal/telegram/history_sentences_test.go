package telegram_test

import (
	"context"
	"strings"
	"testing"

	"evalbot/internal/evaluation"
	"evalbot/internal/sim"
)

// Leftovers 1: /history showed the audit log's JSON for some entries
// («Audit_task_weigh: weight:1 → weight:2», «status:submitted,total:85…»).
// Every entry now reads as a sentence, an unknown kind as a generic one.
func TestHistoryReadsAsSentences(t *testing.T) {
	h, ps, pool := bk(t, at(2026, 11, 30, 9))
	A, B, H := ps["A"], ps["B"], ps["H"] // A reads Vietnamese, B English
	ctx := context.Background()
	for _, e := range []evaluation.AuditEntry{
		{Actor: &H.ID, Subject: A.ID, Entity: "task", EntityID: 1, Action: "weigh",
			Before: map[string]any{"weight": 1}, After: map[string]any{"weight": int64(2)}},
		{Actor: &H.ID, Subject: A.ID, Entity: "assessment", EntityID: 1, Action: "approve",
			Before: map[string]any{"status": "submitted", "total": nil, "grade": nil},
			After:  map[string]any{"status": "approved", "total": 85.5, "grade": "B"}},
		{Actor: &H.ID, Subject: A.ID, Entity: "task", EntityID: 1, Action: "quality_mark",
			Before: map[string]any{"quality_faults": 0}, After: map[string]any{"quality_faults": 1, "mark": 7}, Reason: "Sai số liệu"},
		{Subject: A.ID, Entity: "assessment", EntityID: 1, Action: "some_future_kind",
			Before: map[string]any{"secret_column": "x"}, After: map[string]any{"secret_column": "y"}},
	} {
		must(t, evaluation.Audit(ctx, pool, e))
		e.Subject = B.ID
		must(t, evaluation.Audit(ctx, pool, e))
	}
	for lang, p := range map[string]*sim.Person{"vi": A, "en": B} {
		must(t, h.Command(p, "/history"))
		got := lastText(p)
		for _, raw := range []string{"{", "}", "_", "status", "total", "grade:", "→ weight", "mark:", "secret", "x → y", "submitted"} {
			if strings.Contains(got, raw) {
				t.Errorf("%s: /history shows %q: %q", lang, raw, got)
			}
		}
		want := map[string][]string{
			"vi": {"Trần Thị Trưởng", "đổi trọng số công việc: 1 → 2", "duyệt kết quả", "85,5", "xếp loại B", "đánh giá một công việc «chưa đạt»", "Lý do: Sai số liệu", "hệ thống cập nhật hồ sơ"},
			"en": {"Trần Thị Trưởng", "changed a task's weight: 1 → 2", "approved the result", "85.5", "grade B", "recorded a quality fault", "Reason: Sai số liệu", "the system updated your record"},
		}[lang]
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: /history lacks %q: %q", lang, w, got)
			}
		}
	}
}
