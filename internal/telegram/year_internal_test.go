package telegram

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"evalbot/internal/app/year"
	"evalbot/internal/delivery"
	"evalbot/internal/grading"
	"evalbot/internal/locale"
	"evalbot/internal/yearly"
)

// Every page of a yearly table fits Telegram's limits with the longest
// names, when each person is in a unit of their own with a task group and a
// quota over its limit (a chairman reviewing the heads of 25 offices), and
// every page together lists everyone once.
func TestYearTablePagesWithinTelegramLimits(t *testing.T) {
	cat, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	fw, _ := grading.Preset("nd-335-2025")
	tbl := &year.Table{Year: 2026, Key: strings.Repeat("z", 13)}
	for i := range 25 {
		id := int64(1_000_000_000 + i)
		u := yearly.Unit{ID: id, Code: fmt.Sprint("U", i), Name: strings.Repeat("Phòng Quản lý đô thị và Tài nguyên môi trường ", 3),
			Framework: fw, Groups: []yearly.GroupQuota{{Group: strings.Repeat("Nhóm nghiệp vụ ", 4),
				Decision: grading.QuotaDecision{Max: 0, Excess: 1, Candidates: []int64{id}}}}}
		u.People = []yearly.Person{{OfficialID: id, FullName: strings.Repeat("Nguyễn Thị Thu Hương ", 3), Evaluated: true,
			Result: grading.PeriodResult{Graded: true, Months: 11, Mean: 9999, Grade: grading.GradeA}, Grade: grading.GradeA,
			QuotaCandidate: true, Status: yearly.StatusDraft, Version: 1 << 20, Elsewhere: []yearly.Stint{{UnitID: 1}}}}
		tbl.Units = append(tbl.Units, u)
	}
	for _, lang := range locale.Languages {
		tr := &turn{ctx: context.WithValue(context.Background(), appKey{}, &App{Cat: cat}), lang: lang}
		seen := 0
		for page := 0; page < 25; page++ {
			text, kb := tr.yearTableView(tbl, page)
			if _, cut := delivery.Fit(text, delivery.MaxText); cut {
				t.Errorf("%s page %d: %d characters", lang, page, delivery.TextLen(text))
			}
			if _, cut := delivery.FitKeyboard(kb); cut {
				t.Errorf("%s page %d: the keyboard is over the limits", lang, page)
			}
			seen += strings.Count(text, "Nguyễn Thị Thu Hương Nguyễn")
			if last := kb[len(kb)-1]; last[len(last)-1].Data[:2] != vYearPage || strings.HasPrefix(last[len(last)-1].Text, "‹") {
				break // no next page
			}
		}
		if seen != 25 {
			t.Errorf("%s: %d people listed over the pages, want 25", lang, seen)
		}
	}
}
