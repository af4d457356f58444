package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/calendar"
	"evalbot/internal/locale"
	"evalbot/internal/ops"
	"evalbot/internal/report"
	"evalbot/internal/store"
)

const exportUsage = `usage: evalbot export (--month YYYY-MM | --quarter YYYY-Qn | --year YYYY) [--unit CODE] [--out FILE.xlsx] [--csv FILE.csv]

Writes the approved results of a month (one sheet per unit: points per group,
total, grade, reviewer, notes), or a quarter's or a year's roll-up (months per
grade and the mean total per person), from DATABASE_URL. --unit limits it to a
unit and its sub-units. Without --out or --csv the workbook is written to
ket-qua-<period>[-<unit>].xlsx; "-" writes to standard output.
`

func exportCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(fs.Output(), exportUsage); fs.PrintDefaults() }
	monthFlag := fs.String("month", "", "the month, YYYY-MM")
	quarterFlag := fs.String("quarter", "", "a quarter's roll-up, YYYY-Qn")
	yearFlag := fs.Int("year", 0, "a year's roll-up, YYYY")
	unit := fs.String("unit", "", "a unit's code: that unit and its sub-units (default: every unit)")
	out := fs.String("out", "", "the XLSX file to write")
	csvOut := fs.String("csv", "", "the CSV file to write (UTF-8 with BOM)")
	lang := fs.String("lang", env("EVALBOT_LANG", "vi"), "language of the summary printed: vi or en (the workbook is in Vietnamese)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("export: unexpected argument %q", fs.Arg(0))
	}
	periods := 0
	for _, set := range []bool{*monthFlag != "", *quarterFlag != "", *yearFlag != 0} {
		if set {
			periods++
		}
	}
	if periods != 1 {
		fs.Usage()
		return errors.New("export: give exactly one of --month, --quarter, --year")
	}

	// Parse the period before touching the database.
	var month calendar.Month
	var year, quarter int
	var label string
	var err error
	switch {
	case *monthFlag != "":
		if month, err = calendar.ParseMonth(*monthFlag); err != nil {
			return err
		}
		label = month.String()
	case *quarterFlag != "":
		if year, quarter, err = report.ParseQuarter(*quarterFlag); err != nil {
			return err
		}
		label = fmt.Sprintf("%d-Q%d", year, quarter)
	default:
		if *yearFlag < 1 || *yearFlag > 9999 {
			return fmt.Errorf("export: --year %d: want a year such as 2026", *yearFlag)
		}
		year = *yearFlag
		label = fmt.Sprint(year)
	}
	if *out == "" && *csvOut == "" {
		name := "ket-qua-" + label
		if *unit != "" {
			name += "-" + safeFileName(strings.ToUpper(*unit))
		}
		*out = name + ".xlsx"
	}

	url := os.Getenv("DATABASE_URL")
	if url == "" {
		return errors.New("DATABASE_URL is not set (e.g. postgres://user:pass@localhost:5432/evalbot)")
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
			return fmt.Errorf("%v: run `evalbot migrate` first", err)
		}
		if !errors.Is(err, ops.ErrMigrationsAhead) {
			return err
		}
		fmt.Fprintln(os.Stderr, "evalbot export: warning:", err)
	}
	// One snapshot for every query of the export.
	tx, err := pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()

	cat, err := locale.Load()
	if err != nil {
		return err
	}
	l := locale.Lang(*lang)
	var period string
	switch {
	case *monthFlag != "":
		period = cat.Plain(l, "ExportPeriodMonth", 0, map[string]any{"Month": int(month.Month), "Year": month.Year})
	case quarter != 0:
		period = cat.Plain(l, "ExportPeriodQuarter", 0, map[string]any{"Quarter": quarter, "Year": year})
	default:
		period = cat.Plain(l, "ExportPeriodYear", 0, map[string]any{"Year": year})
	}
	var writeXLSX, writeCSV func(io.Writer) error
	var summary string
	if *monthFlag != "" {
		m, err := report.Monthly(ctx, tx, month, *unit)
		if err != nil {
			return err
		}
		writeXLSX = func(w io.Writer) error { return report.WriteXLSX(w, m) }
		writeCSV = func(w io.Writer) error { return report.WriteCSV(w, m) }
		c := m.Total()
		summary = cat.Plain(l, "ExportMonthSummary", 0, map[string]any{"Period": period, "Units": len(m.Units), "People": c.People,
			"A": c.A, "B": c.B, "C": c.C, "D": c.D, "NotGraded": c.NotGraded, "NotAssessed": c.NotAssessed})
	} else {
		var r *report.Rollup
		if quarter != 0 {
			r, err = report.Quarter(ctx, tx, year, quarter, *unit)
		} else {
			r, err = report.Year(ctx, tx, year, *unit)
		}
		if err != nil {
			return err
		}
		writeXLSX = func(w io.Writer) error { return report.WriteRollupXLSX(w, r) }
		writeCSV = func(w io.Writer) error { return report.WriteRollupCSV(w, r) }
		people := 0
		for _, u := range r.Units {
			people += len(u.People)
		}
		summary = cat.Plain(l, "ExportRollupSummary", 0, map[string]any{"Period": period, "Units": len(r.Units), "People": people})
	}
	if *out != "" {
		if err := writeOut(*out, writeXLSX); err != nil {
			return err
		}
	}
	if *csvOut != "" {
		if err := writeOut(*csvOut, writeCSV); err != nil {
			return err
		}
	}
	fmt.Fprintln(os.Stderr, summary)
	for _, p := range []string{*out, *csvOut} {
		if p != "" && p != "-" {
			fmt.Fprintln(os.Stderr, cat.Plain(l, "ExportWrote", 0, map[string]any{"File": p}))
		}
	}
	return nil
}

// writeOut writes through a temporary file renamed into place, so a failed
// export never leaves half a file under the real name; "-" is stdout.
func writeOut(path string, write func(io.Writer) error) error {
	if path == "-" {
		return write(os.Stdout)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // a no-op after the rename
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	// The file keeps CreateTemp's mode 0600: it holds personal data.
	return os.Rename(tmp, path)
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
