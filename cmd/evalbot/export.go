package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/calendar"
	"evalbot/internal/locale"
	"evalbot/internal/ops"
	"evalbot/internal/report"
	"evalbot/internal/store"
	"evalbot/internal/yearly"
)

// exportCmd writes a month's results (one sheet per unit: points per group,
// total, grade, reviewer, notes), or a quarter's or a year's table in the
// office layout (months graded, mean points, months per grade, the period's
// grade, notes), from DATABASE_URL, and prints the full path of every file
// it wrote.
func exportCmd(ctx context.Context, args []string) error {
	c := newCommand("export", args)
	monthFlag := c.String("month", "")
	quarterFlag := c.String("quarter", "")
	yearFlag := c.String("year", "")
	unit := c.String("unit", "")
	out := c.String("out", "")
	csvOut := c.String("csv", "")
	modeFlag := c.String("mode", "0644")
	if err := c.parse(false); err != nil {
		return err
	}
	periods := 0
	for _, set := range []bool{*monthFlag != "", *quarterFlag != "", *yearFlag != ""} {
		if set {
			periods++
		}
	}
	if periods != 1 {
		return c.usageFault("ExportOnePeriod", nil)
	}
	mode, err := strconv.ParseUint(*modeFlag, 8, 32)
	if err != nil || mode > 0o777 {
		return c.usageFault("ExportBadMode", map[string]any{"Value": *modeFlag})
	}

	// Parse the period before touching the database.
	var month calendar.Month
	var year, quarter int
	var label string
	switch {
	case *monthFlag != "":
		if month, err = c.monthFlag("--month", *monthFlag); err != nil {
			return err
		}
		label = month.String()
	case *quarterFlag != "":
		if year, quarter, err = c.quarterFlag("--quarter", *quarterFlag); err != nil {
			return err
		}
		label = fmt.Sprintf("%d-Q%d", year, quarter)
	default:
		if year, err = c.yearFlag("--year", *yearFlag); err != nil {
			return err
		}
		label = fmt.Sprint(year)
	}
	if *out == "" && *csvOut == "" {
		name := c.say("ExportFileStem", nil) + "-" + label
		if *unit != "" {
			name += "-" + safeFileName(strings.ToUpper(*unit))
		}
		*out = name + ".xlsx"
	}

	url := os.Getenv("DATABASE_URL")
	if url == "" {
		return errNoDatabaseURL
	}
	pool, err := store.Open(ctx, url)
	if err != nil {
		return err
	}
	defer pool.Close()
	// Read-only: export never migrates. A schema behind this binary lacks
	// columns the report reads; one ahead of it is fine to read.
	if err := ops.Ready(ctx, pool); err != nil {
		if errors.Is(err, ops.ErrMigrationsBehind) {
			return c.fail("ExportMigrationsBehind", nil)
		}
		if !errors.Is(err, ops.ErrMigrationsAhead) {
			return err
		}
		fmt.Fprintln(os.Stderr, "evalbot export: "+c.say("ExportMigrationsAhead", nil))
	}
	// One snapshot for every query of the export.
	tx, err := pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()

	cat, l := catalog(), c.lang
	var period string
	switch {
	case *monthFlag != "":
		period = cat.Plain(l, "ExportPeriodMonth", 0, map[string]any{"Month": int(month.Month), "Year": month.Year})
	case quarter != 0:
		// quý IV/2026, as the dashboard and the office's documents write it
		period = cat.Plain(l, "ExportPeriodQuarter", 0, map[string]any{"Roman": [...]string{"I", "II", "III", "IV"}[quarter-1], "Quarter": quarter, "Year": year})
	default:
		period = cat.Plain(l, "ExportPeriodYear", 0, map[string]any{"Year": year})
	}
	var writeXLSX, writeCSV func(io.Writer) error
	var summary string
	if *monthFlag != "" {
		m, err := report.Monthly(ctx, tx, month, *unit)
		if errors.Is(err, report.ErrUnknownUnit) {
			return c.fail("ExportUnknownUnit", map[string]any{"Code": *unit})
		}
		if err != nil {
			return err
		}
		t := report.In(cat, l) // the operator's language (--lang, EVALBOT_LANG)
		writeXLSX = func(w io.Writer) error { return report.WriteXLSX(w, m, t) }
		writeCSV = func(w io.Writer) error { return report.WriteCSV(w, m, t) }
		c := m.Total()
		summary = cat.Plain(l, "ExportMonthSummary", len(m.Units), counts(l, map[string]any{"Period": period, "Units": len(m.Units), "People": c.People,
			"A": c.A, "B": c.B, "C": c.C, "D": c.D, "NotGraded": c.NotGraded, "NotAssessed": c.NotAssessed}))
	} else {
		// The quarter's or the year's table in the office layout, computed
		// from the stored months (internal/yearly), with the heads' decisions.
		res, err := yearly.Compute(ctx, tx, yearly.Period{Year: year, Quarter: quarter}, *unit, nil)
		if errors.Is(err, yearly.ErrUnknownUnit) {
			return c.fail("ExportUnknownUnit", map[string]any{"Code": *unit})
		}
		if err != nil {
			return err
		}
		t := report.In(cat, l)
		writeXLSX = func(w io.Writer) error { return report.WritePeriodXLSX(w, res, t) }
		writeCSV = func(w io.Writer) error { return report.WritePeriodCSV(w, res, t) }
		c, people := report.PeriodCounts(res)
		summary = cat.Plain(l, "ExportPeriodSummary", len(res.Units), counts(l, map[string]any{"Period": period, "Units": len(res.Units), "People": people,
			"A": c[0], "B": c[1], "C": c[2], "D": c[3], "NotGraded": c[4]}))
	}
	var wrote []string
	for _, f := range []struct {
		path  string
		write func(io.Writer) error
	}{{*out, writeXLSX}, {*csvOut, writeCSV}} {
		if f.path == "" {
			continue
		}
		full, err := writeOut(f.path, os.FileMode(mode), f.write)
		if err != nil {
			return err
		}
		if full != "" {
			wrote = append(wrote, full)
		}
	}
	fmt.Fprintln(os.Stderr, summary)
	for _, p := range wrote {
		fmt.Fprintln(os.Stderr, cat.Plain(l, "ExportWrote", 0, map[string]any{"File": p}))
	}
	return nil
}

// writeOut writes through a temporary file renamed into place, so a failed
// export never leaves half a file under the real name, with mode (0644 by
// default: --mode); it returns the file's absolute path. "-" is stdout (and
// the path is "").
func writeOut(path string, mode os.FileMode, write func(io.Writer) error) (string, error) {
	if path == "-" {
		return "", write(os.Stdout)
	}
	full, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	f, err := os.CreateTemp(filepath.Dir(full), "."+filepath.Base(full)+".tmp-*")
	if err != nil {
		return "", err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // a no-op after the rename
	if err := write(f); err != nil {
		f.Close()
		return "", &fs.PathError{Op: "write", Path: full, Err: err}
	}
	// CreateTemp makes 0600; the file gets the mode asked for (the umask
	// does not apply to Chmod).
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	return full, os.Rename(tmp, full)
}

// counts writes the int values of data as lang writes numbers («1.028
// người» in Vietnamese, «1,028 people» in English); the plural form is
// chosen by the count passed to Plain.
func counts(lang string, data map[string]any) map[string]any {
	for k, v := range data {
		if n, ok := v.(int); ok {
			data[k] = locale.Sprintf(lang, "%d", n)
		}
	}
	return data
}

// safeFileName keeps a unit code usable in a file name.
func safeFileName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' || r < ' ' {
			return '_'
		}
		return r
	}, strings.TrimSpace(s))
}
