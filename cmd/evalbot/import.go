package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"evalbot/internal/locale"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/term"

	"evalbot/internal/roster"
)

// importCmd reads the roster files, validates every row and writes nothing
// unless every row is good (one transaction). Faults are listed by file and
// line in the clerk's language (--lang, Vietnamese by default). People
// missing from the file are left as they are unless --deactivate-missing;
// more than roster.MaxLeavingShare percent of the active people leaving also
// needs --yes-deactivate-many, or the count typed back at a terminal.
func importCmd(ctx context.Context, args []string) error {
	c := newCommand("import", args)
	c.extra = importColumns(c.lang)
	unitsPath := c.String("units", "")
	officialsPath := c.String("officials", "")
	dry := c.Bool("dry-run", false)
	deactivate := c.Bool("deactivate-missing", false)
	many := c.Bool("yes-deactivate-many", false)
	if err := c.parse(false); err != nil {
		return err
	}
	if *officialsPath == "" && *unitsPath == "" {
		return c.usageFault("ImportNeedFiles", nil)
	}
	if *many && !*deactivate {
		return c.usageFault("ImportManyWithoutDeactivate", nil)
	}
	pool, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	o := importOptions{Units: *unitsPath, Officials: *officialsPath, DryRun: *dry, DeactivateMissing: *deactivate,
		ManyLeaving: *many, Lang: c.lang}
	if term.IsTerminal(int(os.Stdin.Fd())) {
		o.Confirm = confirmAtTerminal(os.Stdin, os.Stdout)
	}
	return importRoster(ctx, os.Stdout, pool, o)
}

// importColumns lists the column names import accepts, from the roster
// reader's own header names.
func importColumns(lang string) func() string {
	return func() string {
		var b strings.Builder
		for _, k := range []struct {
			id    string
			names []roster.Column
		}{{"ImportColumnsUnits", roster.UnitColumns()}, {"ImportColumnsOfficials", roster.OfficialColumns()}} {
			fmt.Fprintf(&b, "%s\n", say(lang, k.id, nil))
			for _, col := range k.names {
				req := ""
				if col.Required {
					req = " " + say(lang, "ImportColumnRequired", nil)
				}
				fmt.Fprintf(&b, "  %s%s: %s\n", col.Field, req, strings.Join(col.Names, ", "))
			}
		}
		fmt.Fprintf(&b, "%s\n", say(lang, "ImportColumnsNote", nil))
		return b.String()
	}
}

// confirmAtTerminal asks the clerk to type the number of people who would
// leave; only that number confirms.
func confirmAtTerminal(in io.Reader, out io.Writer) func(lang string, n int) bool {
	return func(lang string, n int) bool {
		fmt.Fprint(out, say(lang, "ImportConfirmMany", map[string]any{"N": n})+" ")
		line, _ := bufio.NewReader(in).ReadString('\n')
		return strings.TrimSpace(line) == strconv.Itoa(n)
	}
}

// errFaultyRows ends the command with a non-zero status after the report.
var errFaultyRows = errors.New("nothing was written")

// importOptions are import's flags; Confirm, when set (a terminal), asks
// whether n people may leave.
type importOptions struct {
	Units, Officials  string
	DryRun            bool
	DeactivateMissing bool
	ManyLeaving       bool
	Lang              string
	Confirm           func(lang string, n int) bool
}

// runImport imports the files with import's defaults (no one deactivated).
func runImport(ctx context.Context, w io.Writer, pool *pgxpool.Pool, unitsPath, officialsPath string, dry bool, lang string) error {
	return importRoster(ctx, w, pool, importOptions{Units: unitsPath, Officials: officialsPath, DryRun: dry, Lang: lang})
}

func importRoster(ctx context.Context, w io.Writer, pool *pgxpool.Pool, o importOptions) error {
	cat := catalog()
	lang := o.Lang
	var us []roster.UnitRow
	var ofs []roster.OfficialRow
	var fileErrs []roster.RowError
	read := func(path string, fn func(f *os.File, name string) ([]roster.RowError, error)) error {
		if path == "" {
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		errs, err := fn(f, filepath.Base(path))
		fileErrs = append(fileErrs, errs...)
		return err
	}
	if err := read(o.Units, func(f *os.File, name string) ([]roster.RowError, error) {
		rows, errs, err := roster.ReadUnits(f, name)
		us = rows
		return withErr(errs, err)
	}); err != nil {
		return err
	}
	if err := read(o.Officials, func(f *os.File, name string) ([]roster.RowError, error) {
		rows, errs, err := roster.ReadOfficials(f, name)
		ofs = rows
		return withErr(errs, err)
	}); err != nil {
		return err
	}
	rep := roster.Report{Errors: fileErrs}
	opts := roster.Options{DryRun: o.DryRun, DeactivateMissing: o.DeactivateMissing, ManyLeaving: o.ManyLeaving}
	var err error
	if !hasFileFault(fileErrs) {
		rep, err = roster.Import(ctx, pool, us, ofs, opts)
		if errors.Is(err, roster.ErrManyLeaving) && !o.DryRun && o.Confirm != nil {
			fmt.Fprintln(w, cat.Plain(lang, "ImportManyLeaving", 0, counts(lang, leaving(rep))))
			if !o.Confirm(lang, rep.Officials.Deactivated) {
				fmt.Fprintln(w, cat.Plain(lang, "ImportNotConfirmed", 0, nil))
				return errFaultyRows
			}
			opts.ManyLeaving = true
			rep, err = roster.Import(ctx, pool, us, ofs, opts)
		}
		if err != nil && !errors.Is(err, roster.ErrRowsInvalid) && !errors.Is(err, roster.ErrManyLeaving) {
			return err
		}
	}
	if len(rep.Errors) > 0 {
		printRowFaults(w, cat, lang, rep.Errors)
		return errFaultyRows
	}
	refused := errors.Is(err, roster.ErrManyLeaving)
	if refused && !o.DryRun {
		fmt.Fprintln(w, cat.Plain(lang, "ImportManyRefused", 0, counts(lang, leaving(rep))))
		return errFaultyRows
	}
	done := "ImportDone"
	if o.DryRun {
		done = "ImportChecked"
	}
	fmt.Fprintln(w, cat.Plain(lang, done, 0, counts(lang, map[string]any{
		"UnitsNew": rep.Units.Inserted, "UnitsChanged": rep.Units.Updated + rep.Units.Reactivated,
		"New": rep.Officials.Inserted, "Changed": rep.Officials.Updated + rep.Officials.Reactivated,
		"Left": rep.Officials.Deactivated, "Same": rep.Officials.Unchanged})))
	if n := rep.Officials.Missing; n > 0 {
		fmt.Fprintln(w, cat.Plain(lang, "ImportMissingKept", n, counts(lang, map[string]any{"N": n})))
	}
	if refused {
		fmt.Fprintln(w, cat.Plain(lang, "ImportManyWouldNeed", 0, counts(lang, leaving(rep))))
	}
	if o.DryRun {
		fmt.Fprintln(w, cat.Plain(lang, "ImportDryRun", 0, nil))
	}
	return nil
}

// leaving is the data of the messages about many people leaving.
func leaving(rep roster.Report) map[string]any {
	return map[string]any{"N": rep.Officials.Deactivated, "Active": rep.Active, "Share": roster.MaxLeavingShare}
}

// withErr adds a reader's file-level fault to the row faults; any other
// error (a folder given for a file, a read failing) comes back as it is, for
// explain to tell in the operator's language, never as Go text in a fault.
func withErr(errs []roster.RowError, err error) ([]roster.RowError, error) {
	var re *roster.RowError
	if err == nil {
		return errs, nil
	}
	if errors.As(err, &re) {
		return append(errs, *re), nil
	}
	return errs, err
}

// hasFileFault: a file that could not be read at all makes importing the
// other pointless (units and officials refer to each other).
func hasFileFault(errs []roster.RowError) bool {
	for _, e := range errs {
		if roster.FileFault(e.Code) {
			return true
		}
	}
	return false
}

// printRowFaults writes how many rows are faulty and nothing was written,
// then each fault by file and line.
func printRowFaults(w io.Writer, cat *locale.Catalog, lang string, errs []roster.RowError) {
	// A row can have several faults: both counts, so the list that follows
	// adds up.
	if n := faultyRows(errs); n == len(errs) {
		fmt.Fprintln(w, cat.Plain(lang, "ImportFaulty", n, nil))
	} else {
		fmt.Fprintln(w, cat.Plain(lang, "ImportFaultyMany", n, map[string]any{"Rows": n, "Faults": len(errs)}))
	}
	for _, e := range errs {
		id := "ImportRowError"
		if e.Line == 0 {
			id = "ImportFileError" // the whole file, or a place not known
		}
		fmt.Fprintln(w, "  "+cat.Plain(lang, id, 0, map[string]any{
			"File": e.File, "Line": e.Line, "Reason": cat.Plain(lang, "ImportErr_"+e.Code, 0, map[string]any{"Field": columnOf(cat, lang, e), "Value": e.Value}),
		}))
	}
}

// columnOf names the column of fault e to the clerk: its header as the
// file wrote it; else, and for the missing columns, each canonical field in
// the clerk's words with the header to write («tên quầy (name)»), never a
// bare internal name.
func columnOf(cat *locale.Catalog, lang string, e roster.RowError) string {
	if e.Column != "" && e.Code != roster.CodeMissingColumns {
		return e.Column
	}
	var names []string
	for _, f := range strings.Split(e.Field, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		if cat.Has(lang, "Column_"+f) {
			f = cat.Plain(lang, "ColumnNamed", 0, map[string]any{"Name": cat.Plain(lang, "Column_"+f, 0, nil), "Field": f})
		}
		names = append(names, f)
	}
	return strings.Join(names, ", ")
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
