package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/roster"
)

// catalogueCommands are catalogue's own subcommands.
var catalogueCommands = []string{"catalogue import"}

// catalogueCmd dispatches `evalbot catalogue <subcommand>`.
func catalogueCmd(ctx context.Context, args []string) error {
	c := newCommand("catalogue", args)
	c.extra = func() string {
		var b strings.Builder
		fmt.Fprintf(&b, "%s\n", c.say("CLICommands", nil))
		for _, name := range catalogueCommands {
			fmt.Fprintf(&b, "  %-17s %s\n", name, c.say("Cmd_"+strings.ReplaceAll(name, " ", "_")+"_Purpose", nil))
		}
		return b.String()
	}
	if err := c.parse(true); err != nil {
		return err
	}
	if c.fs.NArg() == 0 {
		return c.usageFault("CatalogueNeedKind", nil)
	}
	args = c.fs.Args()
	if args[0] == "import" {
		return catalogueImportCmd(ctx, args[1:])
	}
	return c.usageFault("CatalogueUnknownKind", map[string]any{"Kind": args[0]})
}

// catalogueImportCmd imports an agency's catalogue of products and work
// (danh mục sản phẩm, công việc) from CSV or XLSX: every row is validated,
// nothing is written unless every row is good (one transaction), items are
// matched by code so a file can be imported again.
func catalogueImportCmd(ctx context.Context, args []string) error {
	c := newCommand("catalogue import", args)
	c.extra = catalogueColumns(c.lang)
	file := c.String("file", "")
	agency := c.String("agency", "")
	dry := c.Bool("dry-run", false)
	if err := c.parse(false); err != nil {
		return err
	}
	if err := c.need(map[string]string{"--file": *file}); err != nil {
		return err
	}
	pool, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	return importCatalogue(ctx, os.Stdout, pool, *file, *agency, *dry, c.lang)
}

// catalogueColumns lists the column names the catalogue reader takes.
func catalogueColumns(lang string) func() string {
	return func() string {
		var b strings.Builder
		fmt.Fprintf(&b, "%s\n", say(lang, "CatalogueColumns", nil))
		for _, col := range roster.CatalogueColumns() {
			req := ""
			if col.Required {
				req = " " + say(lang, "ImportColumnRequired", nil)
			}
			fmt.Fprintf(&b, "  %s%s: %s\n", col.Field, req, strings.Join(col.Names, ", "))
		}
		fmt.Fprintf(&b, "%s\n", say(lang, "ImportColumnsNote", nil))
		return b.String()
	}
}

// importCatalogue reads path and imports it into agency's catalogue,
// printing the counts or every faulty row in lang.
func importCatalogue(ctx context.Context, w io.Writer, pool *pgxpool.Pool, path, agency string, dry bool, lang string) error {
	cat := catalog()
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	name := filepath.Base(path)
	rows, errs, err := roster.ReadCatalogue(f, name)
	if errs, err = withErr(errs, err); err != nil {
		return err
	}
	if len(errs) > 0 && hasFileFault(errs) {
		printRowFaults(w, cat, lang, errs)
		return errFaultyRows
	}
	rep, err := roster.ImportCatalogue(ctx, pool, agency, rows, roster.Options{DryRun: dry})
	switch {
	case errors.Is(err, roster.ErrCatalogueAgency):
		return &cliError{msg: say(lang, "CatalogueUnknownAgency", map[string]any{"Agency": agency})}
	case errors.Is(err, roster.ErrRowsInvalid):
		printRowFaults(w, cat, lang, rep.Errors)
		return errFaultyRows
	case err != nil:
		return err
	}
	done := "CatalogueDone"
	if dry {
		done = "CatalogueChecked"
	}
	fmt.Fprintln(w, cat.Plain(lang, done, 0, counts(lang, map[string]any{"Agency": rep.Agency, "New": rep.Counts.Inserted,
		"Changed": rep.Counts.Updated, "Same": rep.Counts.Unchanged, "Missing": rep.Counts.Missing})))
	if dry {
		fmt.Fprintln(w, cat.Plain(lang, "ImportDryRun", 0, nil))
	}
	return nil
}
