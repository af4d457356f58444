package telegram_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"evalbot/internal/signin"
)

// /web sends a one-time sign-in link to the web pages: the link opens a
// session for the person who asked, once; it is not kept in the outbox.
func TestWebCommandSendsAOneTimeSignInLink(t *testing.T) {
	h, ps, pool := bk(t, at(2026, 12, 1, 9))
	H := ps["H"]
	must(t, h.Command(H, "/web"))
	last := lastText(H)
	m := regexp.MustCompile(`/signin/([A-Za-z0-9_-]+)`).FindStringSubmatch(last)
	if m == nil || !strings.Contains(last, "dùng một lần") {
		t.Fatalf("/web answered %q", last)
	}
	var kept int
	must(t, pool.QueryRow(t.Context(), `SELECT count(*) FROM outbox WHERE payload->>'text' LIKE '%' || $1 || '%'`, m[1]).Scan(&kept))
	if kept != 0 {
		t.Errorf("the sign-in link was stored in the outbox %d times", kept)
	}
	s, err := signin.SignIn(t.Context(), pool, m[1], h.Clock.Now())
	must(t, err)
	if s.OfficialID != H.ID {
		t.Errorf("the link signed in official %d, want %d (H)", s.OfficialID, H.ID)
	}
	if _, err := signin.SignIn(t.Context(), pool, m[1], h.Clock.Now()); !errors.Is(err, signin.ErrLinkUsed) {
		t.Errorf("a second use of the link: %v, want ErrLinkUsed", err)
	}
}
