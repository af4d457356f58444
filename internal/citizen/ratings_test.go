package citizen_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/citizen"
	"evalbot/internal/grading"
)

const citizenA, citizenB = int64(987654321001), int64(987654321002)

// TestRateRules runs the anti-gaming rules one by one, each on a fresh ward.
func TestRateRules(t *testing.T) {
	ctx := context.Background()
	min := func(n int) time.Time { return now.Add(time.Duration(n) * time.Minute) }
	cases := []struct {
		name string
		run  func(t *testing.T, db *pgxpool.Pool)
	}{
		{"a second rating the same day replaces the first", func(t *testing.T, db *pgxpool.Pool) {
			o1, err := citizen.Rate(ctx, db, vote(t, db, "HCC-Q1", citizenA, citizen.Satisfied, now), citizen.Limits{})
			must(t, err)
			o2, err := citizen.Rate(ctx, db, vote(t, db, "HCC-Q1", citizenA, citizen.Unsatisfied, min(15)), citizen.Limits{})
			must(t, err)
			if o2.Rating.ID != o1.Rating.ID || o2.Previous == nil || o2.Previous.Level != citizen.Satisfied ||
				o2.Rating.Level != citizen.Unsatisfied || o2.Rating.Complaint != citizen.ComplaintPending || !o2.NewComplaint() {
				t.Fatalf("replacement %+v", o2)
			}
			// Back to satisfied: the complaint is withdrawn.
			o3, err := citizen.Rate(ctx, db, vote(t, db, "HCC-Q1", citizenA, citizen.VerySatisfied, min(30)), citizen.Limits{})
			must(t, err)
			if !o3.WithdrawnComplaint() || o3.Rating.Complaint != "" || o3.NewComplaint() {
				t.Fatalf("withdrawal %+v", o3)
			}
			d, _ := desk(t, db, "HCC-Q1")
			c, err := citizen.ByDesk(ctx, db, today.YearMonth(), []int64{d.ID})
			must(t, err)
			if c[d.ID].Counted() != 1 || c[d.ID].Levels[0] != 1 {
				t.Fatalf("counts %+v", c[d.ID])
			}
			// Another citizen's rating is theirs.
			o4, err := citizen.Rate(ctx, db, vote(t, db, "HCC-Q1", citizenB, citizen.Neutral, min(31)), citizen.Limits{})
			must(t, err)
			if o4.Previous != nil || o4.Rating.ID == o1.Rating.ID {
				t.Fatal("two citizens share a rating")
			}
		}},
		{"the daily cap holds, replacements do not count", func(t *testing.T, db *pgxpool.Pool) {
			lim := citizen.Limits{PerDay: 2}
			_, err := citizen.Rate(ctx, db, vote(t, db, "HCC-Q1", citizenA, citizen.Satisfied, now), lim)
			must(t, err)
			_, err = citizen.Rate(ctx, db, vote(t, db, "HCC-Q2", citizenA, citizen.Satisfied, min(20)), lim)
			must(t, err)
			if _, err = citizen.Rate(ctx, db, vote(t, db, "HCC-Q3", citizenA, citizen.Satisfied, min(40)), lim); !errors.Is(err, citizen.ErrDailyCap) {
				t.Fatalf("third desk: %v", err)
			}
			if _, err = citizen.Rate(ctx, db, vote(t, db, "HCC-Q1", citizenA, citizen.Neutral, min(60)), lim); err != nil {
				t.Fatalf("replacing under the cap: %v", err)
			}
			// The next day starts afresh.
			if _, err = citizen.Rate(ctx, db, vote(t, db, "HCC-Q3", citizenA, citizen.Satisfied, now.Add(24*time.Hour)), lim); err != nil {
				t.Fatalf("next day: %v", err)
			}
			if _, err = citizen.Rate(ctx, db, vote(t, db, "HCC-Q3", citizenB, citizen.Satisfied, min(41)), lim); err != nil {
				t.Fatalf("another citizen: %v", err)
			}
		}},
		{"an official cannot rate their own desk", func(t *testing.T, db *pgxpool.Pool) {
			ngoc := official(t, db, "HB022") // HCC-Q1's default
			v := vote(t, db, "HCC-Q1", citizenA, citizen.VerySatisfied, now)
			v.Rater = ngoc.ID
			if _, err := citizen.Rate(ctx, db, v, citizen.Limits{}); !errors.Is(err, citizen.ErrOwnDesk) {
				t.Fatalf("own desk: %v", err)
			}
			// On duty at another desk today: that one is theirs too; their default desk still is.
			d2, _ := desk(t, db, "HCC-Q2")
			must(t, citizen.SetDuty(ctx, db, d2.ID, today, &ngoc.ID, nil))
			v = vote(t, db, "HCC-Q2", citizenA, citizen.VerySatisfied, now)
			v.Rater = ngoc.ID
			if _, err := citizen.Rate(ctx, db, v, citizen.Limits{}); !errors.Is(err, citizen.ErrOwnDesk) {
				t.Fatalf("desk on duty: %v", err)
			}
			v = vote(t, db, "HCC-Q3", citizenA, citizen.VerySatisfied, now)
			v.Rater = ngoc.ID
			if _, err := citizen.Rate(ctx, db, v, citizen.Limits{}); err != nil {
				t.Fatalf("another desk: %v", err)
			}
		}},
		{"a duty change decides who is rated", func(t *testing.T, db *pgxpool.Pool) {
			d, _ := desk(t, db, "HCC-Q1")
			yen := official(t, db, "HB021")
			must(t, citizen.SetDuty(ctx, db, d.ID, today, &yen.ID, nil))
			o, err := citizen.Rate(ctx, db, vote(t, db, "HCC-Q1", citizenA, citizen.Satisfied, now), citizen.Limits{})
			must(t, err)
			if o.Rating.OfficialID != yen.ID {
				t.Fatalf("rated %d, want the official on duty %d", o.Rating.OfficialID, yen.ID)
			}
			// A card shown before the duty changed is out of date.
			v := vote(t, db, "HCC-Q1", citizenB, citizen.Satisfied, now)
			v.OfficialID = *d.OfficialID
			if _, err := citizen.Rate(ctx, db, v, citizen.Limits{}); !errors.Is(err, citizen.ErrCardChanged) {
				t.Fatalf("old card: %v", err)
			}
			// Setting the default back removes the change.
			must(t, citizen.SetDuty(ctx, db, d.ID, today, d.OfficialID, nil))
			if id, _, _ := citizen.ServingOn(ctx, db, d.ID, today); id != *d.OfficialID {
				t.Fatal("duty not removed")
			}
		}},
		{"a burst is flagged and not counted", func(t *testing.T, db *pgxpool.Pool) {
			var last citizen.Outcome
			for i, code := range []string{"HCC-Q1", "HCC-Q2", "HCC-Q3", "HCC-Q4", "HCC-Q1"} {
				o, err := citizen.Rate(ctx, db, vote(t, db, code, citizenA, citizen.Unsatisfied, now.Add(time.Duration(i)*time.Minute)), citizen.Limits{})
				must(t, err)
				if i < 4 && len(o.Burst) > 0 {
					t.Fatalf("action %d already a burst", i+1)
				}
				last = o
			}
			if len(last.Burst) != 4 || last.Actions != 5 || !last.Rating.Flagged || last.NewComplaint() {
				t.Fatalf("burst %+v", last)
			}
			// Later ratings that day are flagged too, without a new notice.
			o, err := citizen.Rate(ctx, db, vote(t, db, "HCC-Q2", citizenA, citizen.Satisfied, now.Add(3*time.Hour)), citizen.Limits{})
			must(t, err)
			if !o.Rating.Flagged || len(o.Burst) > 0 {
				t.Fatalf("after the burst %+v", o)
			}
			yen := official(t, db, "HB022")
			c, err := citizen.OfficialMonth(ctx, db, yen.ID, today.YearMonth())
			must(t, err)
			if c.Counted() != 0 || c.Flagged != 1 {
				t.Fatalf("counts %+v", c)
			}
			// Spaced out, the same number of ratings is no burst.
			for i, code := range []string{"HCC-Q1", "HCC-Q2", "HCC-Q3", "HCC-Q4", "HCC-Q1"} {
				o, err := citizen.Rate(ctx, db, vote(t, db, code, citizenB, citizen.Satisfied, now.Add(time.Duration(i)*4*time.Minute)), citizen.Limits{})
				must(t, err)
				if o.Rating.Flagged {
					t.Fatalf("spaced rating %d flagged", i+1)
				}
			}
		}},
		{"a rotated code is refused", func(t *testing.T, db *pgxpool.Pool) {
			d, old := desk(t, db, "HCC-Q1")
			v := vote(t, db, "HCC-Q1", citizenA, citizen.Satisfied, now)
			c2, err := citizen.Rotate(ctx, db, d.ID, nil, now)
			must(t, err)
			if _, err := citizen.Rate(ctx, db, v, citizen.Limits{}); !errors.Is(err, citizen.ErrCodeRetired) {
				t.Fatalf("old code: %v", err)
			}
			if c, err := citizen.LookupCode(ctx, db, old.Code); err != nil || !c.Retired {
				t.Fatalf("lookup old %+v %v", c, err)
			}
			if c2.Code == old.Code || !citizen.IsPayload(c2.Code) {
				t.Fatalf("new code %q", c2.Code)
			}
			if _, err := citizen.Rate(ctx, db, vote(t, db, "HCC-Q1", citizenA, citizen.Satisfied, now), citizen.Limits{}); err != nil {
				t.Fatalf("new code: %v", err)
			}
			if _, err := citizen.LookupCode(ctx, db, "dZZZZZZZZZZZZZZZZ"); !errors.Is(err, citizen.ErrCodeUnknown) {
				t.Fatalf("unknown code: %v", err)
			}
		}},
		{"old cards, paused desks and decided ratings", func(t *testing.T, db *pgxpool.Pool) {
			v := vote(t, db, "HCC-Q1", citizenA, citizen.Satisfied, now.Add(-48*time.Hour)) // scanned two days ago
			v.Now = now
			if _, err := citizen.Rate(ctx, db, v, citizen.Limits{}); !errors.Is(err, citizen.ErrCardExpired) {
				t.Fatalf("old card: %v", err)
			}
			o, err := citizen.Rate(ctx, db, vote(t, db, "HCC-Q1", citizenA, citizen.Unsatisfied, now), citizen.Limits{})
			must(t, err)
			head := official(t, db, "HB020")
			_, err = citizen.Confirm(ctx, db, o.Rating.ID, o.Rating.Version, head.ID, today.YearMonth(), now)
			must(t, err)
			if _, err := citizen.Rate(ctx, db, vote(t, db, "HCC-Q1", citizenA, citizen.VerySatisfied, now.Add(time.Hour)), citizen.Limits{}); !errors.Is(err, citizen.ErrDecided) {
				t.Fatalf("after the decision: %v", err)
			}
			d, _ := desk(t, db, "HCC-Q2")
			_, err = citizen.SetActive(ctx, db, d.ID, false, nil)
			must(t, err)
			if _, err := citizen.Rate(ctx, db, vote(t, db, "HCC-Q2", citizenA, citizen.Satisfied, now), citizen.Limits{}); !errors.Is(err, citizen.ErrDeskInactive) {
				t.Fatalf("paused desk: %v", err)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.run(t, sample(t)) })
	}
}

func TestComplaintDecisions(t *testing.T) {
	ctx := context.Background()
	db := sample(t)
	head := official(t, db, "HB020")
	ngoc := official(t, db, "HB022")
	nov := today.YearMonth()
	o1, err := citizen.Rate(ctx, db, vote(t, db, "HCC-Q1", citizenA, citizen.Unsatisfied, now), citizen.Limits{})
	must(t, err)
	r, err := citizen.SetComment(ctx, db, o1.Rating.ID, citizen.Hash(citizenA), "  Chờ lâu, không được hướng dẫn.  ", now, citizen.Limits{})
	must(t, err)
	if r.Comment != "Chờ lâu, không được hướng dẫn." || r.Version != o1.Rating.Version+1 {
		t.Fatalf("comment %+v", r)
	}
	// Someone else cannot comment on it, nor twice.
	if _, err := citizen.SetComment(ctx, db, r.ID, citizen.Hash(citizenB), "x", now, citizen.Limits{}); !errors.Is(err, citizen.ErrStale) {
		t.Fatalf("other's comment: %v", err)
	}
	// The old version is stale; the dismissal needs a reason.
	if _, err := citizen.Confirm(ctx, db, r.ID, o1.Rating.Version, head.ID, nov, now); !errors.Is(err, citizen.ErrStale) {
		t.Fatalf("stale confirm: %v", err)
	}
	for _, reason := range []string{"", "  ", ".", "ok", "12345"} {
		if _, err := citizen.Dismiss(ctx, db, r.ID, r.Version, head.ID, reason, now); !errors.Is(err, citizen.ErrNeedReason) {
			t.Fatalf("dismiss with %q: %v", reason, err)
		}
	}
	r, err = citizen.Confirm(ctx, db, r.ID, r.Version, head.ID, nov, now)
	must(t, err)
	if r.Complaint != citizen.ComplaintConfirmed || r.CountedMonth == nil || *r.CountedMonth != nov || r.DecidedBy == nil {
		t.Fatalf("confirmed %+v", r)
	}
	if _, err := citizen.Confirm(ctx, db, r.ID, r.Version, head.ID, nov, now); !errors.Is(err, citizen.ErrStale) {
		t.Fatal("confirmed twice")
	}
	// A second complaint, dismissed with a reason.
	o2, err := citizen.Rate(ctx, db, vote(t, db, "HCC-Q1", citizenB, citizen.Unsatisfied, now), citizen.Limits{})
	must(t, err)
	r2, err := citizen.Dismiss(ctx, db, o2.Rating.ID, o2.Rating.Version, head.ID, "Phản ánh không đúng sự việc", now)
	must(t, err)
	if r2.Complaint != citizen.ComplaintDismissed || r2.DismissReason != "Phản ánh không đúng sự việc" {
		t.Fatalf("dismissed %+v", r2)
	}
	n, err := citizen.ConfirmedComplaints(ctx, db, ngoc.ID, nov)
	must(t, err)
	if n != 1 {
		t.Fatalf("confirmed complaints %d", n)
	}
	c, err := citizen.OfficialMonth(ctx, db, ngoc.ID, nov)
	must(t, err)
	if c.Counted() != 1 || c.Confirmed != 1 || c.Dismissed != 1 || c.Levels[3] != 1 {
		t.Fatalf("counts %+v", c)
	}
	cs, err := citizen.Comments(ctx, db, ngoc.ID, nov)
	must(t, err)
	if len(cs) != 1 || cs[0].Text != "Chờ lâu, không được hướng dẫn." || cs[0].Day != today || cs[0].DeskName == "" {
		t.Fatalf("comments %+v", cs)
	}
	// Both decisions are in the audit log, with who and why.
	var n2 int
	must(t, db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE entity = 'citizen_rating' AND actor_id = $1 AND subject_id = $2`, head.ID, ngoc.ID).Scan(&n2))
	if n2 != 2 {
		t.Fatalf("audit rows %d", n2)
	}
}

func TestSatisfactionRate(t *testing.T) {
	cases := []struct {
		levels [4]int
		want   grading.Points
		ok     bool
	}{
		{[4]int{0, 0, 0, 0}, 0, false},
		{[4]int{1, 0, 0, 0}, 10000, true},
		{[4]int{0, 0, 0, 1}, 0, true},
		{[4]int{1, 2, 0, 1}, 7500, true},
		{[4]int{1, 1, 1, 0}, 6667, true}, // 66.666… rounds up
		{[4]int{0, 1, 2, 0}, 3333, true}, // 33.333… rounds down
		{[4]int{1, 0, 7, 0}, 1250, true},
		{[4]int{0, 1, 0, 7}, 1250, true},
		{[4]int{2, 0, 0, 1}, 6667, true},
		{[4]int{1, 0, 0, 199}, 50, true}, // 0.5% exactly
		{[4]int{1, 0, 0, 15}, 625, true},
	}
	for _, c := range cases {
		got, ok := citizen.Counts{Levels: c.levels}.Rate()
		if got != c.want || ok != c.ok {
			t.Errorf("%v: rate %v %v, want %v %v", c.levels, got, ok, c.want, c.ok)
		}
	}
}

func TestPolicyOfThePresets(t *testing.T) {
	for _, id := range []string{"hanoi-3814-2018", "nd-335-2025"} {
		fw, err := grading.Preset(id)
		must(t, err)
		each, limit := citizen.Policy(fw)
		if each != 100 || limit != 500 {
			t.Errorf("%s: each %v cap %v, want 1.00 and 5.00", id, each, limit)
		}
	}
}

func TestCheckReason(t *testing.T) {
	for in, ok := range map[string]bool{"": false, "   ": false, "ok": false, "!!!": false, "123": false,
		"Sai": true, "Người dân phản ánh sai sự thật": true, "spam": true} {
		if _, err := citizen.CheckReason(in); (err == nil) != ok {
			t.Errorf("CheckReason(%q) = %v", in, err)
		}
	}
}

func TestHashIsKeyed(t *testing.T) {
	defer citizen.SetKey(nil)
	citizen.SetKey(nil)
	a := citizen.Hash(citizenA)
	if len(a) != 32 || string(a) == string(citizen.Hash(citizenB)) {
		t.Fatal("hash not distinct")
	}
	citizen.SetKey([]byte("another key, at least 16 bytes"))
	if string(citizen.Hash(citizenA)) == string(a) {
		t.Fatal("hash does not depend on the key")
	}
	t.Setenv(citizen.KeyEnv, "short")
	if _, err := citizen.LoadKey(); err == nil {
		t.Fatal("a short key was accepted")
	}
	t.Setenv(citizen.KeyEnv, "")
	if dev, err := citizen.LoadKey(); err != nil || !dev {
		t.Fatalf("no key: dev %v err %v", dev, err)
	}
	if string(citizen.Hash(citizenA)) != string(a) {
		t.Fatal("the development key changed")
	}
}

// TestProductionKey (issue 20, point 12): the development key, a short key
// and a regular one are not fit for production; a random one is.
func TestProductionKey(t *testing.T) {
	for key, want := range map[string]error{
		"":                       citizen.ErrKeyUnset,
		citizen.DevelopmentKey:   citizen.ErrKeyDevelopment,
		"0123456789abcdef":       citizen.ErrKeyWeak,
		strings.Repeat("ab", 20): citizen.ErrKeyWeak,
		"5f1c0e9a7b3d42e8a6c4f0b19d27e85c3a6f4b0d91e2c7a8": nil,
	} {
		t.Setenv(citizen.KeyEnv, key)
		if err := citizen.CheckProductionKey(); !errors.Is(err, want) || (want == nil) != (err == nil) {
			t.Errorf("key %q: %v, want %v", key, err, want)
		}
	}
}

// TestCommentAndReasonAreCleaned (issue 21, point 3): a comment or a
// dismissal reason of zero-width characters is empty, and a right-to-left
// override is removed, as from every typed text.
func TestCommentAndReasonAreCleaned(t *testing.T) {
	if _, err := citizen.CleanComment("\u200b\u2060", citizen.DefaultLimits); !errors.Is(err, citizen.ErrCommentEmpty) {
		t.Errorf("a zero-width comment: %v", err)
	}
	if got, err := citizen.CleanComment("Chờ \u202equá lâu", citizen.DefaultLimits); err != nil || got != "Chờ quá lâu" {
		t.Errorf("a comment with U+202E: %q %v", got, err)
	}
	if got, err := citizen.CheckReason("\u202eĐã giải thích\u202c"); err != nil || got != "Đã giải thích" {
		t.Errorf("a reason with U+202E: %q %v", got, err)
	}
}
