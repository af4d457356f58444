package roster

import (
	"crypto/sha256"
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/store"
)

var payload = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

func TestInvites(t *testing.T) {
	ctx := t.Context()
	pool := importSample(t)
	ttl := 72 * time.Hour
	invites, err := CreateInvites(ctx, pool, nil, ttl, now())
	if err != nil || len(invites) != 28 {
		t.Fatalf("CreateInvites = %d, %v", len(invites), err)
	}
	seen := map[string]bool{}
	for _, in := range invites {
		if !payload.MatchString(in.Token) || len(in.Token) != 33 || !IsInviteToken(in.Token) || seen[in.Token] {
			t.Errorf("token %q", in.Token)
		}
		seen[in.Token] = true
		if !in.ExpiresAt.Equal(now().Add(ttl)) || in.EmployeeCode == "" || in.FullName == "" {
			t.Errorf("invite %+v", in)
		}
	}
	first := invites[0] // ordered by unit code: PHB first, HB001
	if first.EmployeeCode != "HB001" {
		t.Errorf("first invite is %s", first.EmployeeCode)
	}
	if got, want := DeepLink("@evalbot_hn_bot", first.Token), "https://t.me/evalbot_hn_bot?start="+first.Token; got != want {
		t.Errorf("DeepLink = %q", got)
	}
	// Only the hash is stored.
	h := sha256.Sum256([]byte(first.Token))
	if n := count(t, pool, `SELECT count(*) FROM invites WHERE token_hash = $1 AND official_id = $2`, h[:], first.OfficialID); n != 1 {
		t.Errorf("hash not stored")
	}
	if n := count(t, pool, `SELECT count(*) FROM invites WHERE position($1::bytea in token_hash) > 0`, []byte(first.Token)); n != 0 {
		t.Errorf("token stored in clear")
	}

	redeem := func(token string, user int64, at time.Time) (int64, error) {
		var id int64
		err := store.InTx(ctx, pool, func(tx pgx.Tx) error {
			var err error
			id, err = Redeem(ctx, tx, token, user, user+1, at)
			return err
		})
		return id, err
	}
	later := now().Add(time.Hour)
	id, err := redeem(first.Token, 1001, later)
	if err != nil || id != first.OfficialID {
		t.Fatalf("Redeem = %d, %v", id, err)
	}
	o, err := OfficialByTelegram(ctx, pool, 1001)
	if err != nil || o.EmployeeCode != "HB001" || *o.ChatID != 1002 || !o.Reachable {
		t.Errorf("bound = %+v, %v", o, err)
	}
	if n := count(t, pool, `SELECT count(*) FROM invites WHERE official_id = $1 AND used_at IS NOT NULL`, id); n != 1 {
		t.Error("invite not marked used")
	}
	// The same account again (a repeated /start, even after expiry): fine.
	if id2, err := redeem(first.Token, 1001, later.Add(100*time.Hour)); err != nil || id2 != id {
		t.Errorf("second redeem = %d, %v", id2, err)
	}
	// Another account with the used token.
	if _, err := redeem(first.Token, 3001, later); !errors.Is(err, ErrInviteUsed) {
		t.Errorf("reuse by another = %v", err)
	}
	// The bound account with another official's invite.
	if _, err := redeem(invites[1].Token, 1001, later); !errors.Is(err, ErrAccountBound) {
		t.Errorf("bound account = %v", err)
	}
	// Expired.
	if _, err := redeem(invites[2].Token, 3002, now().Add(ttl)); !errors.Is(err, ErrInviteExpired) {
		t.Errorf("expired = %v", err)
	}
	// Unknown, or not a token at all.
	for _, tok := range []string{otherToken(first.Token), "", "hello", "i$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$$"} {
		if _, err := redeem(tok, 3003, later); !errors.Is(err, ErrInviteUnknown) {
			t.Errorf("Redeem(%q) = %v", tok, err)
		}
	}
	// An official who left.
	if _, err := pool.Exec(ctx, `UPDATE officials SET active = false WHERE id = $1`, invites[3].OfficialID); err != nil {
		t.Fatal(err)
	}
	if _, err := redeem(invites[3].Token, 3004, later); !errors.Is(err, ErrInactive) {
		t.Errorf("inactive = %v", err)
	}
	var e *Error
	if _, err := redeem(invites[2].Token, 3002, now().Add(ttl)); !errors.As(err, &e) || e.Code != "invite_expired" {
		t.Errorf("code = %v", err)
	}

	// Invites for those still unbound, and for a given list.
	again, err := CreateInvites(ctx, pool, nil, ttl, later)
	if err != nil || len(again) != 26 { // 28 − HB001 (bound) − the one who left
		t.Errorf("second round = %d, %v", len(again), err)
	}
	if _, err := CreateInvites(ctx, pool, []int64{first.OfficialID, 999999}, ttl, later); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing id = %v", err)
	}
	if _, err := CreateInvites(ctx, pool, []int64{invites[3].OfficialID}, ttl, later); !errors.Is(err, ErrInactive) {
		t.Errorf("inactive id = %v", err)
	}
	// A new invite moves HB001 to a new Telegram account.
	moved, err := CreateInvites(ctx, pool, []int64{first.OfficialID}, ttl, later)
	if err != nil || len(moved) != 1 {
		t.Fatal(err)
	}
	if id, err := redeem(moved[0].Token, 1005, later); err != nil || id != first.OfficialID {
		t.Errorf("rebind = %d, %v", id, err)
	}
	if _, err := OfficialByTelegram(ctx, pool, 1001); !errors.Is(err, ErrNotFound) {
		t.Errorf("old account still bound: %v", err)
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_log WHERE subject_id = $1 AND action = 'bind'`, first.OfficialID); n != 2 {
		t.Errorf("%d bind audit rows", n)
	}
}

func TestBindByPhone(t *testing.T) {
	ctx := t.Context()
	pool := importSample(t)
	bind := func(phone string, user int64) (int64, error) {
		var id int64
		err := store.InTx(ctx, pool, func(tx pgx.Tx) error {
			var err error
			id, err = BindByPhone(ctx, tx, phone, user, user)
			return err
		})
		return id, err
	}
	hb3 := idOf(t, pool, "HB003")
	// As Telegram sends a contact: digits with the country code, no plus.
	if id, err := bind("84912000103", 2001); err != nil || id != hb3 {
		t.Fatalf("own phone = %d, %v", id, err)
	}
	if o, err := OfficialByTelegram(ctx, pool, 2001); err != nil || o.ID != hb3 || *o.ChatID != 2001 {
		t.Errorf("bound = %+v, %v", o, err)
	}
	if id, err := bind("+84912000103", 2001); err != nil || id != hb3 {
		t.Errorf("again = %d, %v", id, err)
	}
	if _, err := bind("+84912000103", 2002); !errors.Is(err, ErrAlreadyBoundToOther) {
		t.Errorf("other account = %v", err)
	}
	if _, err := bind("+84912999999", 2003); !errors.Is(err, ErrPhoneUnknown) {
		t.Errorf("unknown = %v", err)
	}
	if _, err := bind("12345", 2003); !errors.Is(err, ErrInvalidPhone) {
		t.Errorf("invalid = %v", err)
	}
	if _, err := bind("84912000104", 2001); !errors.Is(err, ErrAccountBound) {
		t.Errorf("account bound = %v", err)
	}
	// Someone who left is not found by phone.
	if _, err := pool.Exec(ctx, `UPDATE officials SET active = false WHERE employee_code = 'HB005'`); err != nil {
		t.Fatal(err)
	}
	if _, err := bind("0912000105", 2005); !errors.Is(err, ErrPhoneUnknown) {
		t.Errorf("inactive = %v", err)
	}
}

// otherToken is a well-formed token that differs from tok in its last
// character (regression: replacing it with "A" gave tok itself when tok
// ended in "A", one run in 64: "izfJu7zzBngpZhreIfCzOfgkzq6urN5mA").
func otherToken(tok string) string {
	last := byte('A')
	if tok[len(tok)-1] == last {
		last = 'B'
	}
	return tok[:len(tok)-1] + string(last)
}

func TestOtherTokenDiffers(t *testing.T) {
	for _, tok := range []string{"izfJu7zzBngpZhreIfCzOfgkzq6urN5mA", "izfJu7zzBngpZhreIfCzOfgkzq6urN5mB", "izfJu7zzBngpZhreIfCzOfgkzq6urN5mz"} {
		if o := otherToken(tok); o == tok || len(o) != len(tok) || o[:len(o)-1] != tok[:len(tok)-1] {
			t.Errorf("otherToken(%q) = %q", tok, o)
		}
	}
}
