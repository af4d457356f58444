package citizen_test

import (
	"context"
	"errors"
	"testing"

	"evalbot/internal/calendar"
	"evalbot/internal/citizen"
)

// Issue 20, point 5: the forged callback data "cr:<n>:0:<today>:0" names a
// code id n, an official and today. Rate takes a vote only from an account
// that scanned that code (a current one) that day: not for a desk never
// scanned, not for the new code of a desk whose sign was just rotated, not
// on another account's scan.
func TestRateNeedsThisAccountsScanOfTheCurrentCode(t *testing.T) {
	ctx := context.Background()
	db := sample(t)
	today := calendar.DateOf(now)
	forged := func(deskCode string) citizen.Vote {
		d, c := desk(t, db, deskCode)
		serving, _, err := citizen.ServingOn(ctx, db, d.ID, today)
		must(t, err)
		return citizen.Vote{CodeID: c.ID, OfficialID: serving, Day: today, Citizen: citizen.Hash(citizenA), Level: citizen.Unsatisfied, Now: now}
	}
	// A scanned HCC-Q1 only.
	_ = vote(t, db, "HCC-Q1", citizenA, citizen.Satisfied, now)
	if _, err := citizen.Rate(ctx, db, forged("HCC-Q2"), citizen.Limits{}); !errors.Is(err, citizen.ErrNotScanned) {
		t.Errorf("a desk never scanned: %v", err)
	}
	d3, _ := desk(t, db, "HCC-Q3")
	_, err := citizen.Rotate(ctx, db, d3.ID, nil, now)
	must(t, err)
	if _, err := citizen.Rate(ctx, db, forged("HCC-Q3"), citizen.Limits{}); !errors.Is(err, citizen.ErrNotScanned) {
		t.Errorf("the new code of a rotated desk: %v", err)
	}
	_ = vote(t, db, "HCC-Q4", citizenB, citizen.Satisfied, now) // B's scan
	if _, err := citizen.Rate(ctx, db, forged("HCC-Q4"), citizen.Limits{}); !errors.Is(err, citizen.ErrNotScanned) {
		t.Errorf("another account's scan: %v", err)
	}
	var n int
	must(t, db.QueryRow(ctx, `SELECT count(*) FROM citizen_ratings`).Scan(&n))
	if n != 0 {
		t.Errorf("%d ratings written by refused votes", n)
	}
	if _, err := citizen.Rate(ctx, db, forged("HCC-Q1"), citizen.Limits{}); err != nil {
		t.Errorf("the scanned desk: %v", err)
	}
	// A retired code cannot be recorded as scanned.
	_, old := desk(t, db, "HCC-Q1")
	_, err = citizen.Rotate(ctx, db, d3.ID, nil, now)
	must(t, err)
	old.Retired = true
	if err := citizen.RecordScan(ctx, db, citizen.Hash(citizenA), old, now, citizen.Limits{}); !errors.Is(err, citizen.ErrCodeRetired) {
		t.Errorf("recording a scan of a retired code: %v", err)
	}
}
