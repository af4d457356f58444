package calendar

import (
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func checkLocation(t *testing.T) {
	t.Helper()
	if Location.String() != "Asia/Ho_Chi_Minh" {
		t.Errorf("Location = %q, want Asia/Ho_Chi_Minh (loaded from the zone database)", Location)
	}
	for _, tm := range []time.Time{
		time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC),
		time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC), // no summer time
	} {
		if _, off := tm.In(Location).Zone(); off != 7*3600 {
			t.Errorf("offset at %v = %d s, want +07:00", tm, off)
		}
	}
	if got := DateOf(time.Date(2026, 11, 30, 17, 30, 0, 0, time.UTC)); got != d(2026, 12, 1) {
		t.Errorf("DateOf = %v, want 2026-12-01", got)
	}
}

func TestLocation(t *testing.T) {
	checkLocation(t)
}

// TestLocationWithoutTZ runs checkLocation in a child process with TZ unset
// and ZONEINFO pointing nowhere, so that time.Local is UTC and nothing but
// the system files or the embedded time/tzdata can supply the zone.
func TestLocationWithoutTZ(t *testing.T) {
	if os.Getenv("CALENDAR_TEST_CHILD") == "1" {
		if tz, set := os.LookupEnv("TZ"); set {
			t.Fatalf("TZ is set to %q in the child", tz)
		}
		checkLocation(t)
		if n := len(Default().WorkingDays(Month{2026, 11})); n != 21 {
			t.Errorf("Default: %d working days in 2026-11, want 21", n)
		}
		return
	}
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TZ=") && !strings.HasPrefix(kv, "ZONEINFO=") {
			env = append(env, kv)
		}
	}
	env = append(env, "CALENDAR_TEST_CHILD=1", "ZONEINFO="+t.TempDir())
	cmd := exec.Command(os.Args[0], "-test.run=^TestLocationWithoutTZ$", "-test.count=1")
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

// TestTzdataImported guards the import that makes Location independent of
// the host's zoneinfo files (which the child process above cannot hide).
func TestTzdataImported(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "doc.go", nil, parser.ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range f.Imports {
		if imp.Path.Value == `"time/tzdata"` {
			return
		}
	}
	t.Error("doc.go no longer imports time/tzdata")
}
