package main

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/citizen"
	"evalbot/internal/locale"
	"evalbot/internal/roster"
	"evalbot/internal/signin"
	"evalbot/internal/store"
	"evalbot/internal/textnorm"
)

// qrCmd writes one printable PNG per desk of the one-stop shop: the QR code
// of the desk's web page (EVALBOT_PUBLIC_URL/r/<opaque code>), or with
// --telegram of its deep link (https://t.me/<bot>?start=<opaque code>), with
// the desk's name and a short instruction under it. Both store the same ratings.
//
//	evalbot qr [--telegram --bot <username>] [--out qr] [--desks desks.csv] [--desk HCC-Q1,HCC-Q2] [--rotate] [--lang vi]
//
// --desks imports (creates or updates) desks from a CSV of the shape of
// shared/data/roster/desks.csv first; --rotate issues new codes, so that the
// old signs stop working (a scan of one is answered politely).
func qrCmd(ctx context.Context, args []string) error {
	c := newCommand("qr", args)
	botName := c.String("bot", os.Getenv("TELEGRAM_BOT_USERNAME"))
	out := c.String("out", "qr")
	desks := c.String("desks", "")
	only := c.String("desk", "")
	rotate := c.Bool("rotate", false)
	telegram := c.Bool("telegram", false)
	if err := c.parse(false); err != nil {
		return err
	}
	// --out is a folder: a file there would be found only after the codes
	// were issued.
	if st, err := os.Stat(*out); err == nil && !st.IsDir() {
		return c.usageFault("QROutNotFolder", map[string]any{"Path": *out})
	}
	web := ""
	if !*telegram {
		// A sign lasts for years: never print one for the development default.
		if err := signin.CheckPublicURL(); err != nil {
			return err // told by explain: set, but not a web address
		}
		if strings.TrimSpace(os.Getenv("EVALBOT_PUBLIC_URL")) == "" {
			return c.usageFault("QRNeedPublicURL", nil)
		}
		web = signin.PublicURL()
	} else if *botName == "" {
		return c.usageFault("CLIErrNeedBot", nil)
	}
	// The signs are for citizens: Vietnamese unless --lang asks otherwise
	// (EVALBOT_LANG sets only what the clerk reads).
	signLang := "vi"
	if c.set("lang") {
		if v := c.fs.Lookup("lang").Value.String(); v != "vi" && v != "en" {
			return c.usageFault("QRBadLang", map[string]any{"Value": v})
		}
		signLang = c.lang
	}
	pool, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	o := qrOptions{Bot: *botName, Web: web, Out: *out, DesksFile: *desks, Rotate: *rotate, Lang: signLang, Say: c.lang, Now: time.Now()}
	for _, c := range strings.Split(*only, ",") {
		if c = textnorm.Code(c); c != "" {
			o.Only = append(o.Only, c)
		}
	}
	_, err = runQR(ctx, os.Stdout, pool, o)
	return err
}

type qrOptions struct {
	Bot       string
	Web       string // the site's public URL: signs open Web/r/<code>; "" for the bot's deep links
	Out       string
	DesksFile string
	Only      []string // desk codes; empty: every active desk
	Rotate    bool
	Lang      string // of the signs
	Say       string // of what the clerk reads; Lang when empty
	Now       time.Time
}

// qrSign is one file runQR wrote.
type qrSign struct {
	Desk citizen.Desk
	Link string
	Path string
	png  []byte
}

// errDeskRows: the faults were listed in the clerk's language; main adds nothing.
var errDeskRows = fmt.Errorf("desks: %w", errFaultyRows)

// printDeskFaults lists a desks file's faults as import lists a roster's:
// a count of faulty rows, then each fault by line, in the clerk's language.
func printDeskFaults(w io.Writer, cat *locale.Catalog, lang string, errs []citizen.RowError) {
	rows := make([]roster.RowError, len(errs))
	for i, e := range errs {
		rows[i] = roster.RowError{File: e.File, Line: e.Line, Field: e.Field, Code: e.Code, Value: e.Value, Column: e.Column}
	}
	printRowFaults(w, cat, lang, rows)
}

// runQR imports and rotates (in one transaction) as asked, then renders
// the signs and prints "code<TAB>link<TAB>file" per desk.
func runQR(ctx context.Context, w io.Writer, pool *pgxpool.Pool, o qrOptions) ([]qrSign, error) {
	cat, err := locale.Load()
	if err != nil {
		return nil, err
	}
	say := o.Say
	if say == "" {
		say = o.Lang
	}
	var rows []citizen.DeskRow
	if o.DesksFile != "" {
		f, err := os.Open(o.DesksFile)
		if err != nil {
			return nil, err
		}
		var errs []citizen.RowError
		rows, errs, err = citizen.ReadDesks(f, filepath.Base(o.DesksFile))
		f.Close()
		if err != nil {
			return nil, err
		}
		if len(errs) > 0 {
			// The rows read well are checked against the database too
			// (units, officials), in a transaction rolled back: every fault
			// of the file is listed at once, not in rounds.
			tx, err := pool.Begin(ctx)
			if err != nil {
				return nil, err
			}
			rep, err := citizen.ImportDesks(ctx, tx, filepath.Base(o.DesksFile), rows, o.Now)
			_ = tx.Rollback(context.WithoutCancel(ctx))
			if err != nil {
				return nil, err
			}
			errs = append(errs, rep.Errors...)
			slices.SortStableFunc(errs, func(a, b citizen.RowError) int { return a.Line - b.Line })
			printDeskFaults(w, cat, say, errs)
			return nil, errDeskRows
		}
	}
	var signs []qrSign
	err = store.InTx(ctx, pool, func(tx pgx.Tx) error {
		if o.DesksFile != "" {
			rep, err := citizen.ImportDesks(ctx, tx, filepath.Base(o.DesksFile), rows, o.Now)
			if err != nil {
				return err
			}
			if len(rep.Errors) > 0 {
				printDeskFaults(w, cat, say, rep.Errors)
				return errDeskRows
			}
			fmt.Fprintln(w, cat.Plain(say, "QRDesksImported", 0, map[string]any{
				"Created": rep.Created, "Updated": rep.Updated, "Unchanged": rep.Unchanged}))
		}
		all, err := citizen.AllDesks(ctx, tx)
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, d := range all {
			if len(o.Only) > 0 && !hasCode(o.Only, d.Code) || len(o.Only) == 0 && !d.Active {
				continue
			}
			seen[d.Code] = true
			var c citizen.Code
			if o.Rotate {
				c, err = citizen.Rotate(ctx, tx, d.ID, nil, o.Now)
			} else {
				c, err = citizen.ActiveCode(ctx, tx, d.ID, o.Now)
			}
			if err != nil {
				return err
			}
			hint := "QRSignHint"
			if o.Web != "" {
				hint = "QRSignHintWeb"
			}
			text := citizen.SignText{Title: d.Name, Footer: d.Code,
				Lines: []string{cat.T(o.Lang, "QRSignInstruction", nil), cat.T(o.Lang, hint, nil)}}
			for attempt := 1; ; attempt++ {
				link := citizen.DeepLink(o.Bot, c.Code)
				if o.Web != "" {
					link = citizen.WebLink(o.Web, c.Code)
				}
				img, err := citizen.SignImage(link, text)
				if err != nil {
					return err
				}
				if citizen.Readable(img, link) {
					var buf bytes.Buffer
					if err := png.Encode(&buf, img); err != nil {
						return err
					}
					signs = append(signs, qrSign{Desk: d, Link: link, png: buf.Bytes()})
					break
				}
				if attempt == 5 {
					return &cliError{msg: cat.Plain(say, "QRUnreadable", 0, map[string]any{"Desk": d.Code, "Tries": attempt})}
				}
				// Some phones could not read this one: a new code, the old one retired.
				if c, err = citizen.Rotate(ctx, tx, d.ID, nil, o.Now); err != nil {
					return err
				}
			}
		}
		for _, c := range o.Only {
			if !seen[c] {
				return &cliError{msg: cat.Plain(say, "QRNoDesk", 0, map[string]any{"Desk": c})}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return nil, err
	}
	for i, s := range signs {
		signs[i].Path = filepath.Join(o.Out, s.Desk.Code+".png")
		if err := os.WriteFile(signs[i].Path, s.png, 0o644); err != nil {
			return nil, err
		}
		fmt.Fprintf(w, "%s\t%s\t%s\n", s.Desk.Code, s.Link, signs[i].Path)
	}
	return signs, nil
}

func hasCode(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
