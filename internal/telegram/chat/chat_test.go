package chat

import (
	"strings"
	"testing"

	"evalbot/internal/calendar"
)

// TestCallbackRoundTrip: what Data encodes, Parse and ID/Small/Str read
// back; forged arguments (negative, past max, not base 36, missing) and
// data over Telegram's 64 bytes are refused.
func TestCallbackRoundTrip(t *testing.T) {
	d := Data("cr", int64(123456789), 7, "2026-11")
	if d != "cr:21i3v9:7:2026-11" {
		t.Fatalf("Data: %q", d)
	}
	c, err := Parse(d)
	if err != nil || c.Verb != "cr" {
		t.Fatalf("Parse: %+v %v", c, err)
	}
	if id, err := c.ID(0); err != nil || id != 123456789 {
		t.Errorf("ID(0) = %d, %v", id, err)
	}
	if v, err := c.Small(1, 7); err != nil || v != 7 {
		t.Errorf("Small(1, 7) = %d, %v", v, err)
	}
	if _, err := c.Small(1, 6); err != ErrBadData {
		t.Errorf("Small past max: %v", err)
	}
	if s, err := c.Str(2); err != nil || s != "2026-11" {
		t.Errorf("Str(2) = %q, %v", s, err)
	}
	for _, i := range []int{2, 3} { // not base 36; missing
		if _, err := c.ID(i); err != ErrBadData {
			t.Errorf("ID(%d): %v", i, err)
		}
	}
	if _, err := c.Str(3); err != ErrBadData {
		t.Errorf("Str(3): %v", err)
	}
	if c, _ := Parse("cr:-1"); func() bool { _, err := c.ID(0); return err != ErrBadData }() {
		t.Error("a negative id was read")
	}
	for _, bad := range []string{"", strings.Repeat("x", 65)} {
		if _, err := Parse(bad); err != ErrBadData {
			t.Errorf("Parse(%d bytes): %v", len(bad), err)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("Data over 64 bytes did not panic")
		}
	}()
	Data("cr", strings.Repeat("y", 64))
}

// TestPageNav: ‹ n/N › with the arrows only where there is a page to turn
// to, the counter a label (VerbNoop); nothing for one page.
func TestPageNav(t *testing.T) {
	data := func(p int) string { return Data("cw", p) }
	if PageNav(0, 1, data) != nil {
		t.Error("a row for one page")
	}
	row := PageNav(0, 3, data)
	if len(row) != 2 || row[0].Text != "1/3" || row[0].Data != "no:" || row[1].Data != "cw:1" {
		t.Errorf("first page: %+v", row)
	}
	row = PageNav(2, 3, data)
	if len(row) != 2 || row[0].Data != "cw:1" || row[1].Text != "3/3" {
		t.Errorf("last page: %+v", row)
	}
	if len(PageNav(1, 3, data)) != 3 {
		t.Error("a middle page has both arrows")
	}
}

// TestRenderers: the dates, percentages and keys as the messages show them.
func TestRenderers(t *testing.T) {
	for got, want := range map[string]string{
		Day(calendar.Date{Year: 2026, Month: 11, Day: 5}): "05/11",
		MonthLabel(calendar.Month{Year: 2026, Month: 3}):  "03/2026",
		Key("complaint-confirmed", int64(42)):             "complaint-confirmed:42",
		Escape(`<b>"Q&A"</b>`):                            `&lt;b&gt;"Q&amp;A"&lt;/b&gt;`,
	} {
		if got != want {
			t.Errorf("%q, want %q", got, want)
		}
	}
}
