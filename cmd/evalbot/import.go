package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"evalbot/internal/locale"
	"evalbot/internal/roster"
	"github.com/jackc/pgx/v5/pgxpool"
)

// importCmd reads the roster files, validates every row and writes nothing
// unless every row is good (one transaction). Faults are listed by file and
// line in the clerk's language (--lang, Vietnamese by default).
func importCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("import", flag.ExitOnError)
	unitsPath := fs.String("units", "", "units file (.csv or .xlsx)")
	officialsPath := fs.String("officials", "", "officials file (.csv or .xlsx)")
	dry := fs.Bool("dry-run", false, "validate and report; write nothing")
	lang := fs.String("lang", env("EVALBOT_LANG", "vi"), "language of the report: vi or en")
	_ = fs.Parse(args)
	if *officialsPath == "" && *unitsPath == "" {
		return errors.New("give --units and/or --officials")
	}
	pool, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	return runImport(ctx, os.Stdout, pool, *unitsPath, *officialsPath, *dry, locale.Lang(*lang))
}

// errFaultyRows ends the command with a non-zero status after the report.
var errFaultyRows = errors.New("nothing was written")

func runImport(ctx context.Context, w io.Writer, pool *pgxpool.Pool, unitsPath, officialsPath string, dry bool, lang string) error {
	cat, err := locale.Load()
	if err != nil {
		return err
	}
	var us []roster.UnitRow
	var ofs []roster.OfficialRow
	var fileErrs []roster.RowError
	read := func(path string, fn func(f *os.File, name string) []roster.RowError) error {
		if path == "" {
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		fileErrs = append(fileErrs, fn(f, filepath.Base(path))...)
		return nil
	}
	if err := read(unitsPath, func(f *os.File, name string) []roster.RowError {
		rows, errs, err := roster.ReadUnits(f, name)
		us = rows
		return withErr(errs, err, name)
	}); err != nil {
		return err
	}
	if err := read(officialsPath, func(f *os.File, name string) []roster.RowError {
		rows, errs, err := roster.ReadOfficials(f, name)
		ofs = rows
		return withErr(errs, err, name)
	}); err != nil {
		return err
	}
	rep := roster.Report{Errors: fileErrs}
	if !hasFileFault(fileErrs) {
		rep, err = roster.Import(ctx, pool, us, ofs, roster.Options{DryRun: dry})
		if err != nil && !errors.Is(err, roster.ErrRowsInvalid) {
			return err
		}
	}
	if len(rep.Errors) > 0 {
		printRowFaults(w, cat, lang, rep.Errors)
		return errFaultyRows
	}
	done := "ImportDone"
	if dry {
		done = "ImportChecked"
	}
	fmt.Fprintln(w, cat.Plain(lang, done, 0, map[string]any{
		"UnitsNew": rep.Units.Inserted, "UnitsChanged": rep.Units.Updated + rep.Units.Reactivated,
		"New": rep.Officials.Inserted, "Changed": rep.Officials.Updated + rep.Officials.Reactivated,
		"Left": rep.Officials.Deactivated, "Same": rep.Officials.Unchanged}))
	if dry {
		fmt.Fprintln(w, cat.Plain(lang, "ImportDryRun", 0, nil))
	}
	return nil
}

func withErr(errs []roster.RowError, err error, name string) []roster.RowError {
	if err == nil {
		return errs
	}
	var re *roster.RowError
	if errors.As(err, &re) {
		return append(errs, *re)
	}
	return append(errs, roster.RowError{File: name, Code: roster.CodeMalformedFile, Value: err.Error()})
}

// hasFileFault: a file that could not be read at all makes importing the
// other pointless (units and officials refer to each other).
func hasFileFault(errs []roster.RowError) bool {
	for _, e := range errs {
		switch e.Code {
		case roster.CodeUnsupportedFormat, roster.CodeInvalidEncoding, roster.CodeMalformedFile, roster.CodeMissingColumns, roster.CodeDuplicateColumn:
			return true
		}
	}
	return false
}

// printRowFaults writes how many rows are faulty and nothing was written,
// then each fault by file and line.
func printRowFaults(w io.Writer, cat *locale.Catalog, lang string, errs []roster.RowError) {
	fmt.Fprintln(w, cat.Plain(lang, "ImportFaulty", faultyRows(errs), nil))
	for _, e := range errs {
		fmt.Fprintln(w, "  "+cat.Plain(lang, "ImportRowError", 0, map[string]any{
			"File": e.File, "Line": e.Line, "Reason": cat.Plain(lang, "ImportErr_"+e.Code, 0, map[string]any{"Field": e.Field, "Value": e.Value}),
		}))
	}
}

// faultyRows counts the rows (file and line) with at least one fault: a row
// can have several, and each is listed, but the clerk mends rows.
func faultyRows(errs []roster.RowError) int {
	type row struct {
		file string
		line int
	}
	seen := map[row]bool{}
	for _, e := range errs {
		seen[row{e.File, e.Line}] = true
	}
	return len(seen)
}
