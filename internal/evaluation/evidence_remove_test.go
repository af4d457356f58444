package evaluation

import (
	"errors"
	"testing"
)

// RemoveEvidence deletes one item once; a second removal finds nothing and
// changes nothing; LoadEvidence reads an item by id.
func TestRemoveEvidence(t *testing.T) {
	pool := demoWard(t)
	ctx := t.Context()
	oanh, long := officialID(t, pool, "HB013"), officialID(t, pool, "HB010")
	tasks := approvedPlan(t, pool, oanh, long, "Rà soát hồ sơ tồn", "on_time")
	doc, _, err := AddEvidence(ctx, pool, Evidence{TaskID: tasks[0].ID, Kind: EvidenceDocument, DocumentNumber: "125/UBND-VP",
		Source: SourceChat, AddedBy: &oanh})
	if err != nil {
		t.Fatal(err)
	}
	photo, _, err := AddEvidence(ctx, pool, Evidence{TaskID: tasks[0].ID, Kind: EvidencePhoto, FileID: "AgACAgIAAxk", FileUniqueID: "AQADq7Ex",
		Source: SourceChat, AddedBy: &oanh})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := LoadEvidence(ctx, pool, photo.ID); err != nil || got.FileID != "AgACAgIAAxk" || *got.AddedBy != oanh {
		t.Fatalf("load: %+v %v", got, err)
	}
	gone, err := RemoveEvidence(ctx, pool, doc.ID)
	if err != nil || gone.DocumentNumber != "125/UBND-VP" {
		t.Fatalf("remove: %+v %v", gone, err)
	}
	if _, err := RemoveEvidence(ctx, pool, doc.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("a second removal: %v", err)
	}
	if _, err := LoadEvidence(ctx, pool, doc.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("load after removal: %v", err)
	}
	ev, err := TaskEvidence(ctx, pool, []int64{tasks[0].ID})
	if err != nil || len(ev[tasks[0].ID]) != 1 || ev[tasks[0].ID][0].ID != photo.ID {
		t.Fatalf("left: %+v %v", ev, err)
	}
	// The same number may be added again once removed.
	if _, repeated, err := AddEvidence(ctx, pool, Evidence{TaskID: tasks[0].ID, Kind: EvidenceDocument, DocumentNumber: "125/UBND-VP",
		Source: SourceChat, AddedBy: &oanh}); err != nil || repeated {
		t.Fatalf("again: %v %v", repeated, err)
	}
}
