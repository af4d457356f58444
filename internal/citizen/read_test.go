package citizen

import (
	"strings"
	"testing"
)

// Like the roster's files (issue 21, point 4), a desks file is read within a
// documented limit: a larger one is refused whole, before it fills memory.
func TestReadDesksTooLarge(t *testing.T) {
	big := "desk_code,name,unit_code\n" + strings.Repeat("HCC-Q1,Quầy 1,PHB-HCC\n", MaxDeskFileBytes/20)
	rows, errs, err := ReadDesks(strings.NewReader(big), "desks.csv")
	if err != nil || len(rows) != 0 || len(errs) != 1 || errs[0].Code != CodeTooLarge || errs[0].Value != "1" {
		t.Fatalf("%d rows, %v, %v", len(rows), errs, err)
	}
}
