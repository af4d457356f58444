package citizen

import (
	"context"
	"time"

	"evalbot/internal/calendar"
	"evalbot/internal/grading"
	"evalbot/internal/store"
)

// Counts sums one official's or one desk's ratings of a month.
type Counts struct {
	// Levels counts the ratings that count, per level in Levels order:
	// neither flagged nor a dismissed complaint.
	Levels [4]int
	// Flagged counts ratings from bursts, which do not count.
	Flagged int
	// Complaints ("không hài lòng") by the head's decision. Dismissed ones
	// are not in Levels; confirmed and pending ones are.
	Confirmed, Dismissed, Pending int
	// Verified counts the ratings that count and were given with a
	// per-visit code (Rating.Verified); the others are Unverified.
	Verified int
}

// Unverified is the number of ratings that count without a per-visit code.
func (c Counts) Unverified() int { return c.Counted() - c.Verified }

// Counted is the number of ratings that count.
func (c Counts) Counted() int { return c.Levels[0] + c.Levels[1] + c.Levels[2] + c.Levels[3] }

// Satisfied is the number of "rất hài lòng" and "hài lòng" ratings.
func (c Counts) Satisfied() int { return c.Levels[0] + c.Levels[1] }

// Rate is the satisfaction rate, (rất hài lòng + hài lòng) / ratings that
// count, as a percentage in hundredths (7500 = 75%), rounded half up; ok is
// false when no rating counts.
func (c Counts) Rate() (rate grading.Points, ok bool) {
	n := c.Counted()
	if n == 0 {
		return 0, false
	}
	return grading.Points((int64(c.Satisfied())*20000 + int64(n)) / (2 * int64(n))), true
}

// Empty reports whether there is nothing at all to show.
func (c Counts) Empty() bool { return c.Counted() == 0 && c.Flagged == 0 && c.Dismissed == 0 }

func (c *Counts) add(level, complaint string, flagged, verified bool, n int) {
	i := Level(level).Index()
	switch {
	case i < 0:
	case flagged:
		c.Flagged += n
	case complaint == ComplaintDismissed:
		c.Dismissed += n
	default:
		c.Levels[i] += n
		if verified {
			c.Verified += n
		}
		switch complaint {
		case ComplaintConfirmed:
			c.Confirmed += n
		case ComplaintPending:
			c.Pending += n
		}
	}
}

// countBy sums the ratings of month m per official_id or desk_id among ids.
func countBy(ctx context.Context, db store.DB, col string, m calendar.Month, ids []int64) (map[int64]Counts, error) {
	out := map[int64]Counts{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := db.Query(ctx, `SELECT `+col+`, level, coalesce(complaint, ''), flagged, verified, count(*) FROM citizen_ratings
		WHERE `+col+` = ANY($1) AND day BETWEEN $2::date AND $3::date GROUP BY 1, 2, 3, 4, 5`,
		ids, m.First().String(), m.Last().String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var level, complaint string
		var flagged, verified bool
		var n int
		if err := rows.Scan(&id, &level, &complaint, &flagged, &verified, &n); err != nil {
			return nil, err
		}
		c := out[id]
		c.add(level, complaint, flagged, verified, n)
		out[id] = c
	}
	return out, rows.Err()
}

// ByOfficial sums month m's ratings of each official among ids (an official
// without ratings has no entry).
func ByOfficial(ctx context.Context, db store.DB, m calendar.Month, ids []int64) (map[int64]Counts, error) {
	return countBy(ctx, db, "official_id", m, ids)
}

// ByDesk sums month m's ratings of each desk among ids.
func ByDesk(ctx context.Context, db store.DB, m calendar.Month, ids []int64) (map[int64]Counts, error) {
	return countBy(ctx, db, "desk_id", m, ids)
}

// OfficialMonth sums one official's ratings of month m.
func OfficialMonth(ctx context.Context, db store.DB, officialID int64, m calendar.Month) (Counts, error) {
	all, err := ByOfficial(ctx, db, m, []int64{officialID})
	return all[officialID], err
}

// ConfirmedComplaints counts the complaints about an official that the head
// confirmed and that deduct from month m's grade (grading.Input.ConfirmedComplaints).
func ConfirmedComplaints(ctx context.Context, db store.DB, officialID int64, m calendar.Month) (int, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT count(*) FROM citizen_ratings WHERE official_id = $1 AND complaint = 'confirmed'
		AND NOT flagged AND counted_month = $2::date`, officialID, m.First().String()).Scan(&n)
	return n, err
}

// Comment is a citizen's comment as the official and the head see it: the
// day and the desk, never who or when exactly.
type Comment struct {
	RatingID      int64
	Day           calendar.Date
	DeskName      string
	Level         Level
	Text          string
	Complaint     string
	DismissReason string
}

// Comments lists the comments about an official in month m, by day.
// Flagged ratings are left out.
func Comments(ctx context.Context, db store.DB, officialID int64, m calendar.Month) ([]Comment, error) {
	rows, err := db.Query(ctx, `SELECT r.id, r.day, d.name, r.level, r.comment, coalesce(r.complaint, ''), coalesce(r.dismiss_reason, '')
		FROM citizen_ratings r JOIN desks d ON d.id = r.desk_id
		WHERE r.official_id = $1 AND r.day BETWEEN $2::date AND $3::date AND r.comment IS NOT NULL AND NOT r.flagged
		ORDER BY r.day, r.id`, officialID, m.First().String(), m.Last().String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Comment
	for rows.Next() {
		var c Comment
		var day time.Time
		var level string
		if err := rows.Scan(&c.RatingID, &day, &c.DeskName, &level, &c.Text, &c.Complaint, &c.DismissReason); err != nil {
			return nil, err
		}
		c.Day, c.Level = dateOf(day), Level(level)
		out = append(out, c)
	}
	return out, rows.Err()
}

// Policy reads the framework's complaint policy: points deducted per
// confirmed complaint and the monthly cap, by grading a full month with
// one complaint and with very many.
func Policy(fw *grading.Framework) (each, monthlyCap grading.Points) {
	in := grading.Input{Criteria: map[string]grading.Points{}, Tasks: []grading.Task{{Status: grading.StatusOnTime}}}
	for _, c := range fw.General {
		in.Criteria[c.ID] = c.Max
	}
	in.ConfirmedComplaints = 1
	if r, err := fw.Grade(in); err == nil {
		each = r.Deduction
	}
	in.ConfirmedComplaints = 1 << 20
	if r, err := fw.Grade(in); err == nil {
		monthlyCap = r.Deduction
	}
	return each, monthlyCap
}
