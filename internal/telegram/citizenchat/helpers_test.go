package citizenchat_test

import (
	"strings"
	"testing"
	"time"

	"evalbot/internal/calendar"
	"evalbot/internal/sim"
)

// The simulation's small helpers, as internal/telegram's tests have them.

func at(y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, calendar.Location)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func lastText(p *sim.Person) string { return p.User.Last().Text }

// findMsg returns the newest message whose text contains every part.
func findMsg(ms []sim.Message, parts ...string) (sim.Message, bool) {
	for i := len(ms) - 1; i >= 0; i-- {
		ok := true
		for _, p := range parts {
			if !strings.Contains(ms[i].Text, p) {
				ok = false
			}
		}
		if ok {
			return ms[i], true
		}
	}
	return sim.Message{}, false
}
