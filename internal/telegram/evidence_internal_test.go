package telegram

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"evalbot/internal/delivery"
	"evalbot/internal/evaluation"
	"evalbot/internal/locale"
)

// The review card's evidence section stays within what the card has left
// of Telegram's 4096 characters and opens at most maxEvidenceButtons files,
// each button's number shown in the text, whatever a month carries: here
// 30 tasks with long titles, each with the most evidence a task may have
// (20 items: long document numbers, long file names, photos).
func TestEvidenceSectionFitsTheCard(t *testing.T) {
	cat, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	tr := &turn{ctx: context.WithValue(context.Background(), appKey{}, &App{Cat: cat}), lang: "vi"}
	var tasks []evaluation.Task
	ev := map[int64][]evaluation.Evidence{}
	for i := range 30 {
		id := int64(i + 1)
		tasks = append(tasks, evaluation.Task{ID: id, Position: i + 1, Title: strings.Repeat("Thẩm định hồ sơ 📁 & <đất đai> ", 4)})
		for j := range evaluation.MaxEvidencePerTask {
			e := evaluation.Evidence{ID: id*100 + int64(j), TaskID: id, Source: evaluation.SourceChat}
			switch j % 3 {
			case 0:
				e.Kind, e.DocumentNumber = evaluation.EvidenceDocument, strconv.Itoa(j)+"/"+strings.Repeat("QĐ-UBND&", 12)
			case 1:
				e.Kind, e.FileID, e.FileName = evaluation.EvidenceFile, "BQAC", strings.Repeat("báo-cáo-<quý>-", 14)+".pdf"
			default:
				e.Kind, e.FileID = evaluation.EvidencePhoto, "AgAC"
			}
			ev[id] = append(ev[id], e)
		}
	}
	for _, budget := range []int{delivery.MaxText - 900, 1200, 300, 40} {
		text, kb := tr.renderEvidenceSection(tasks, ev, budget)
		if !delivery.Fits(text, budget) {
			t.Errorf("budget %d: %d characters", budget, delivery.TextLen(text))
		}
		n := 0
		for _, row := range kb {
			if len(row) > delivery.MaxRowButtons {
				t.Errorf("budget %d: a row of %d buttons", budget, len(row))
			}
			for _, b := range row {
				n++
				num := strings.Fields(b.Text)[1]
				if !strings.Contains(text, "["+num+"]") {
					t.Errorf("budget %d: button %q not in the text", budget, b.Text)
				}
			}
		}
		if n > maxEvidenceButtons {
			t.Errorf("budget %d: %d buttons", budget, n)
		}
		if budget > 300 && (!strings.Contains(text, "📎 Minh chứng: 600 mục ở 30 việc") || !strings.Contains(text, "việc khác có minh chứng")) {
			t.Errorf("budget %d:\n%s", budget, text)
		}
		if budget == 40 && text != "" {
			t.Errorf("no room: %q", text)
		}
	}
}
