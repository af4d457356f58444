package citizen_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/calendar"
	"evalbot/internal/citizen"
	"evalbot/internal/citizen/notice"
	"evalbot/internal/locale"
	"evalbot/internal/store"
)

// webVote is a web vote from device on deskCode's current code, scanned at at.
func webVote(t *testing.T, db store.DB, deskCode string, device string, ip string, l citizen.Level, at time.Time) citizen.Vote {
	t.Helper()
	d, c := desk(t, db, deskCode)
	serving, ok, err := citizen.ServingOn(context.Background(), db, d.ID, calendar.DateOf(at))
	if err != nil || !ok {
		t.Fatalf("nobody serves at %s: %v", deskCode, err)
	}
	who := citizen.DeviceHash([]byte(device))
	must(t, citizen.RecordScan(context.Background(), db, who, c, at, citizen.Limits{}))
	return citizen.Vote{CodeID: c.ID, OfficialID: serving, Day: calendar.DateOf(at), Citizen: who, Level: l, Now: at,
		Channel: citizen.ChannelWeb, Network: citizen.NetworkHash(ip)}
}

// TestVisitCodeRatesOnce: the official on duty issues a per-visit code; it
// rates once (verified, counted apart), even when two devices press at
// once; a second use, an expired code and an official not on duty are refused.
func TestVisitCodeRatesOnce(t *testing.T) {
	ctx := context.Background()
	db := sample(t)
	d, _ := desk(t, db, "HCC-Q1")
	hb022, hb023 := official(t, db, "HB022"), official(t, db, "HB023")
	if _, err := citizen.NewVisitCode(ctx, db, hb023.ID, d.ID, now); !errors.Is(err, citizen.ErrNotOnDuty) {
		t.Fatalf("an official not on duty at the desk got a code: %v", err)
	}
	vc, err := citizen.NewVisitCode(ctx, db, hb022.ID, d.ID, now)
	must(t, err)
	if !citizen.IsVisitCode(vc.Code) || len(vc.Code) != 17 {
		t.Fatalf("code %q", vc.Code)
	}
	var stored int
	must(t, db.QueryRow(ctx, `SELECT count(*) FROM visit_codes WHERE code_hash = sha256(convert_to($1, 'UTF8'))`, vc.Code).Scan(&stored))
	if stored != 1 {
		t.Fatal("the code is not stored as its SHA-256")
	}

	// Two devices press at once: one rating.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = store.InTx(ctx, db, func(tx pgx.Tx) error {
				_, err := citizen.RateVisit(ctx, tx, vc.Code, citizen.Vote{Citizen: citizen.DeviceHash([]byte{byte(i), 1, 2, 3, 4, 5, 6, 7}),
					Level: citizen.VerySatisfied, Now: now.Add(time.Minute), Channel: citizen.ChannelWeb}, citizen.Limits{})
				return err
			})
		}()
	}
	wg.Wait()
	used := 0
	for _, err := range errs {
		switch {
		case err == nil:
		case errors.Is(err, citizen.ErrVisitUsed):
			used++
		default:
			t.Fatal(err)
		}
	}
	if used != 1 {
		t.Fatalf("two presses at once: %v", errs)
	}
	c, err := citizen.ByDesk(ctx, db, today.YearMonth(), []int64{d.ID})
	must(t, err)
	if got := c[d.ID]; got.Counted() != 1 || got.Verified != 1 || got.Unverified() != 0 {
		t.Fatalf("counts %+v", got)
	}
	// The winner pressing again (a double tap) gets their rating back.
	for i, e := range errs {
		if e != nil {
			continue
		}
		var out citizen.Outcome
		must(t, store.InTx(ctx, db, func(tx pgx.Tx) error {
			var err error
			out, err = citizen.RateVisit(ctx, tx, vc.Code, citizen.Vote{Citizen: citizen.DeviceHash([]byte{byte(i), 1, 2, 3, 4, 5, 6, 7}),
				Level: citizen.VerySatisfied, Now: now.Add(90 * time.Second), Channel: citizen.ChannelWeb}, citizen.Limits{})
			return err
		}))
		if !out.Repeat || !out.Rating.Verified || out.Rating.Version != 1 {
			t.Fatalf("a double tap: %+v", out)
		}
	}
	// A later use is refused and writes nothing.
	if _, err := citizen.LookupVisit(ctx, db, vc.Code, now.Add(2*time.Minute)); !errors.Is(err, citizen.ErrVisitUsed) {
		t.Fatalf("used code looked up: %v", err)
	}
	// An unverified rating of the same desk by a scan counts apart.
	_, err = citizen.Rate(ctx, db, webVote(t, db, "HCC-Q1", "device-c", "203.0.113.7", citizen.Satisfied, now.Add(3*time.Minute)), citizen.Limits{})
	must(t, err)
	c, err = citizen.ByDesk(ctx, db, today.YearMonth(), []int64{d.ID})
	must(t, err)
	if got := c[d.ID]; got.Counted() != 2 || got.Verified != 1 || got.Unverified() != 1 {
		t.Fatalf("counts %+v", got)
	}
	// 30 minutes later a fresh code is expired.
	late, err := citizen.NewVisitCode(ctx, db, hb022.ID, d.ID, now)
	must(t, err)
	if _, err := citizen.RateVisit(ctx, db, late.Code, citizen.Vote{Citizen: citizen.DeviceHash([]byte("device-d")),
		Level: citizen.Neutral, Now: now.Add(citizen.VisitTTL)}, citizen.Limits{}); !errors.Is(err, citizen.ErrVisitExpired) {
		t.Fatalf("an expired code: %v", err)
	}
	if _, err := citizen.LookupVisit(ctx, db, "vAAAAAAAAAAAAAAAA", now); !errors.Is(err, citizen.ErrVisitUnknown) {
		t.Fatalf("an unknown code: %v", err)
	}
}

// TestNetworkBurst: more than NetBurst ratings of one desk from one network
// (a /24) within the burst window, each from a fresh device, are flagged
// and not counted, and the head is told once; another network is not.
func TestNetworkBurst(t *testing.T) {
	ctx := context.Background()
	db := sample(t)
	cat, err := locale.Load()
	must(t, err)
	d, _ := desk(t, db, "HCC-Q1")
	_, err = db.Exec(ctx, `UPDATE officials SET chat_id = 2020 WHERE employee_code = 'HB020'`)
	must(t, err)
	lim := citizen.Limits{NetBurst: 3}
	var last citizen.Outcome
	for i := range 4 {
		ip := "198.51.100." + itoa(10+i) // one /24
		out, err := citizen.Rate(ctx, db, webVote(t, db, "HCC-Q1", "device-"+itoa(i), ip, citizen.Satisfied, now.Add(time.Duration(i)*time.Minute)), lim)
		must(t, err)
		if i < 3 && (out.Rating.Flagged || len(out.Burst) > 0) {
			t.Fatalf("rating %d flagged before the burst", i)
		}
		last = out
		_, err = notice.AfterRate(ctx, db, cat, out, citizen.DeviceHash([]byte("device-"+itoa(i))))
		must(t, err)
	}
	if !last.NetworkBurst || len(last.Burst) != 4 || !last.Rating.Flagged {
		t.Fatalf("the burst: %+v", last)
	}
	// Another network's rating counts.
	_, err = citizen.Rate(ctx, db, webVote(t, db, "HCC-Q1", "device-x", "2001:db8::1", citizen.Satisfied, now.Add(5*time.Minute)), lim)
	must(t, err)
	c, err := citizen.ByDesk(ctx, db, today.YearMonth(), []int64{d.ID})
	must(t, err)
	if got := c[d.ID]; got.Counted() != 1 || got.Flagged != 4 {
		t.Fatalf("counts %+v", got)
	}
	var n int
	var text string
	must(t, db.QueryRow(ctx, `SELECT count(*), max(payload->>'text') FROM outbox WHERE chat_id = 2020 AND dedup_key LIKE 'citizen-net-burst:%'`).Scan(&n, &text))
	if n != 1 || text == "" {
		t.Fatalf("%d burst notices to the head: %q", n, text)
	}
}

// TestDeskBurst: more than DeskBurst ratings of one desk within the burst
// window, from different accounts and networks (here the chat's), are
// flagged and the head is told once per desk and day; another desk is not.
func TestDeskBurst(t *testing.T) {
	ctx := context.Background()
	db := sample(t)
	cat, err := locale.Load()
	must(t, err)
	q1, _ := desk(t, db, "HCC-Q1")
	q2, _ := desk(t, db, "HCC-Q2")
	_, err = db.Exec(ctx, `UPDATE officials SET chat_id = 2020 WHERE employee_code = 'HB020'`)
	must(t, err)
	lim := citizen.Limits{DeskBurst: 3}
	for i := range 5 {
		id := citizenA + int64(i)
		out, err := citizen.Rate(ctx, db, vote(t, db, "HCC-Q1", id, citizen.Satisfied, now.Add(time.Duration(i)*time.Minute)), lim)
		must(t, err)
		if (i >= 3) != out.DeskBurst || (i >= 3) != out.Rating.Flagged {
			t.Fatalf("rating %d: desk burst %v, flagged %v", i, out.DeskBurst, out.Rating.Flagged)
		}
		_, err = notice.AfterRate(ctx, db, cat, out, citizen.Hash(id))
		must(t, err)
	}
	_, err = citizen.Rate(ctx, db, vote(t, db, "HCC-Q2", citizenB+100, citizen.Satisfied, now.Add(6*time.Minute)), lim)
	must(t, err)
	c, err := citizen.ByDesk(ctx, db, today.YearMonth(), []int64{q1.ID, q2.ID})
	must(t, err)
	if c[q1.ID].Counted() != 0 || c[q1.ID].Flagged != 5 || c[q2.ID].Counted() != 1 {
		t.Fatalf("counts %+v %+v", c[q1.ID], c[q2.ID])
	}
	var n int
	must(t, db.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE chat_id = 2020 AND dedup_key LIKE 'citizen-desk-burst:%'`).Scan(&n))
	if n != 1 {
		t.Fatalf("%d desk burst notices", n)
	}
}
