package web

import (
	"strconv"
	"testing"
	"time"
)

// The per-IP map never holds more than max addresses: idle ones go first,
// and a flood of new ones starts it over instead of growing it.
func TestLimiterIsBounded(t *testing.T) {
	l := newLimiter(1, 2, 100)
	t0 := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	for i := range 1000 {
		l.allow("10.0."+strconv.Itoa(i/250)+"."+strconv.Itoa(i%250), t0)
		if len(l.m) > 100 {
			t.Fatalf("%d addresses held", len(l.m))
		}
	}
	// One address: a burst of 2, then 1 a second.
	l = newLimiter(1, 2, 100)
	if !l.allow("a", t0) || !l.allow("a", t0) || l.allow("a", t0) || !l.allow("a", t0.Add(time.Second)) {
		t.Fatal("token bucket")
	}
	// An idle address is dropped before a busy one when the map is full.
	l = newLimiter(1, 2, 2)
	l.allow("old", t0)
	l.allow("busy", t0.Add(time.Hour))
	l.allow("new", t0.Add(time.Hour))
	if _, ok := l.m["old"]; ok || l.m["busy"] == nil || l.m["new"] == nil {
		t.Fatalf("kept %v", l.m)
	}
}
