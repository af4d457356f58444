package evaluation

import (
	"errors"
	"strings"
	"testing"
)

// Issue 23: «A task can carry evidence — a document number, or a file or
// photo the official sends to the bot».
func TestAddEvidence(t *testing.T) {
	pool := demoWard(t)
	ctx := t.Context()
	oanh, long := officialID(t, pool, "HB013"), officialID(t, pool, "HB010")
	tasks := approvedPlan(t, pool, oanh, long, "#TD01 x3 | 27/11\nRà soát hồ sơ tồn", "on_time")
	task := tasks[0].ID

	doc, repeated, err := AddEvidence(ctx, pool, Evidence{TaskID: task, Kind: EvidenceDocument,
		DocumentNumber: " 125/QĐ-UBND\u200b ", Source: SourceChat, AddedBy: &oanh})
	if err != nil || repeated || doc.DocumentNumber != "125/QĐ-UBND" || doc.ID == 0 {
		t.Fatalf("document: %+v %v %v", doc, repeated, err)
	}
	// The same document again (case and spaces aside) is the one item.
	again, repeated, err := AddEvidence(ctx, pool, Evidence{TaskID: task, Kind: EvidenceDocument,
		DocumentNumber: "125 / qđ-ubnd", Source: SourceChat, AddedBy: &oanh})
	if err != nil || !repeated || again.ID != doc.ID {
		t.Fatalf("repeat: %+v %v %v", again, repeated, err)
	}
	// A different number that folds alike without its slash is another document.
	if _, repeated, err := AddEvidence(ctx, pool, Evidence{TaskID: task, Kind: EvidenceDocument,
		DocumentNumber: "12/5-QĐ-UBND", Source: SourceChat, AddedBy: &oanh}); err != nil || repeated {
		t.Fatalf("other document: %v %v", repeated, err)
	}
	photo := Evidence{TaskID: task, Kind: EvidencePhoto, FileID: "AgACAgIAAxk", FileUniqueID: "AQADq7Ex", Source: SourceChat, AddedBy: &oanh}
	p1, _, err := AddEvidence(ctx, pool, photo)
	if err != nil {
		t.Fatal(err)
	}
	photo.FileID = "AgACAgIAAxk-other-session" // Telegram gives a new file_id; the unique id stays
	if p2, repeated, err := AddEvidence(ctx, pool, photo); err != nil || !repeated || p2.ID != p1.ID {
		t.Fatalf("same photo: %+v %v %v", p2, repeated, err)
	}

	for _, bad := range []struct {
		e    Evidence
		want error
	}{
		{Evidence{TaskID: task, Kind: EvidenceDocument, DocumentNumber: " \u200b\u00a0", Source: SourceChat}, ErrEvidenceEmpty},
		{Evidence{TaskID: task, Kind: EvidenceDocument, DocumentNumber: strings.Repeat("9", 101), Source: SourceChat}, ErrEvidenceTooLong},
		{Evidence{TaskID: task, Kind: EvidenceFile, Source: SourceChat}, ErrEvidenceEmpty},
		{Evidence{TaskID: task, Kind: "link", Source: SourceChat}, ErrEvidenceEmpty},
		{Evidence{TaskID: -1, Kind: EvidenceDocument, DocumentNumber: "1/TB", Source: SourceChat}, ErrNotFound},
	} {
		if _, _, err := AddEvidence(ctx, pool, bad.e); !errors.Is(err, bad.want) {
			t.Errorf("%+v: %v, want %v", bad.e, err, bad.want)
		}
	}

	ev, err := TaskEvidence(ctx, pool, []int64{tasks[0].ID, tasks[1].ID})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(ev[task]); n != 3 || ev[task][0].ID != doc.ID || len(ev[tasks[1].ID]) != 0 {
		t.Fatalf("evidence: %+v", ev)
	}

	// A task carries at most MaxEvidencePerTask items.
	for i := len(ev[task]); i < MaxEvidencePerTask; i++ {
		if _, _, err := AddEvidence(ctx, pool, Evidence{TaskID: task, Kind: EvidenceDocument,
			DocumentNumber: "VB-" + strings.Repeat("1", i+1), Source: SourceChat}); err != nil {
			t.Fatal(i, err)
		}
	}
	if _, _, err := AddEvidence(ctx, pool, Evidence{TaskID: task, Kind: EvidenceDocument,
		DocumentNumber: "VB-last", Source: SourceChat}); !errors.Is(err, ErrTooMuchEvidence) {
		t.Fatalf("21st: %v", err)
	}
}
