package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/locale"
	"evalbot/internal/roster"
	"evalbot/internal/store"
)

// clerk speaks to the organization department's clerk who runs a record
// command: confirmations and refusals in their language (--lang, Vietnamese
// by default), from locales/.
type clerk struct {
	cat  *locale.Catalog
	lang string
}

// newClerk adds --lang to fs; call say only after fs.Parse.
func newClerk(fs *flag.FlagSet) (*clerk, *string, error) {
	cat, err := locale.Load()
	if err != nil {
		return nil, nil, err
	}
	lang := fs.String("lang", env("EVALBOT_LANG", "vi"), "language of the messages: vi or en")
	return &clerk{cat: cat}, lang, nil
}

// day writes a date as the clerk's language does (02/11/2026; 2026-11-02).
func (c *clerk) day(d calendar.Date) string {
	if c.lang == "en" {
		return d.String()
	}
	return fmt.Sprintf("%02d/%02d/%d", d.Day, int(d.Month), d.Year)
}

func (c *clerk) say(id string, data map[string]any) string {
	return c.cat.Plain(c.lang, id, 0, data)
}

// refuse is a refusal the clerk reads as it is (main prints it after "evalbot:").
func (c *clerk) refuse(id string, data map[string]any) error {
	return errors.New(c.say(id, data))
}

// official finds an active or former official by employee code.
func (c *clerk) official(ctx context.Context, db store.DB, code string) (roster.Official, error) {
	o, err := roster.OfficialByCode(ctx, db, code)
	if errors.Is(err, roster.ErrNotFound) {
		return o, c.refuse("RecordNoOfficial", map[string]any{"Code": code})
	}
	if err != nil {
		return o, fmt.Errorf("%s: %w", code, err)
	}
	return o, nil
}

// absenceCmd: evalbot absence --code HB003 --from 2026-11-02 --to 2026-11-20 --kind sick
func absenceCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("absence", flag.ExitOnError)
	code := fs.String("code", "", "employee code")
	from := fs.String("from", "", "first day away, YYYY-MM-DD")
	to := fs.String("to", "", "last day away, YYYY-MM-DD")
	kind := fs.String("kind", "leave", "leave, sick, maternity or other")
	c, lang, err := newClerk(fs)
	if err != nil {
		return err
	}
	_ = fs.Parse(args)
	c.lang = locale.Lang(*lang)
	first, err1 := calendar.ParseDate(*from)
	last, err2 := calendar.ParseDate(*to)
	if *code == "" || err1 != nil || err2 != nil {
		return errors.New("give --code, --from and --to (YYYY-MM-DD)")
	}
	if last.Before(first) {
		return c.refuse("AbsenceDaysReversed", map[string]any{"From": c.day(first), "To": c.day(last)})
	}
	if !slices.Contains(evaluation.AbsenceKinds, *kind) {
		return c.refuse("AbsenceKindUnknown", map[string]any{"Kind": *kind})
	}
	pool, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	o, err := c.official(ctx, pool, *code)
	if err != nil {
		return err
	}
	if err := evaluation.RecordAbsence(ctx, pool, o.ID, first, last, *kind, nil); err != nil {
		return err
	}
	fmt.Fprintln(os.Stdout, c.say("AbsenceRecorded", map[string]any{"Code": *code, "Kind": c.say("Absence_"+*kind, nil),
		"From": c.day(first), "To": c.day(last)}))
	return nil
}

// disciplineCmd: evalbot discipline --code HB003 --month 2026-11 --level reprimand --reason "…"
func disciplineCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("discipline", flag.ExitOnError)
	code := fs.String("code", "", "employee code")
	month := fs.String("month", "", "month of the decision, YYYY-MM")
	level := fs.String("level", "", "reprimand, warning, demotion or dismissal")
	reason := fs.String("reason", "", "the decision, e.g. its number and date")
	c, lang, err := newClerk(fs)
	if err != nil {
		return err
	}
	_ = fs.Parse(args)
	c.lang = locale.Lang(*lang)
	m, err := calendar.ParseMonth(*month)
	if *code == "" || err != nil || *level == "" || *reason == "" {
		return errors.New("give --code, --month (YYYY-MM), --level and --reason")
	}
	if !slices.Contains(evaluation.DisciplineLevels, *level) {
		return c.refuse("DisciplineLevelUnknown", map[string]any{"Level": *level})
	}
	pool, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	o, err := c.official(ctx, pool, *code)
	if err != nil {
		return err
	}
	if err := store.InTx(ctx, pool, func(tx pgx.Tx) error {
		return evaluation.RecordDiscipline(ctx, tx, o.ID, m, *level, *reason, nil)
	}); err != nil {
		return err
	}
	fmt.Fprintln(os.Stdout, c.say("DisciplineRecorded", map[string]any{"Code": *code, "Level": c.say("Discipline_"+*level, nil),
		"Month": fmt.Sprintf("%02d/%d", int(m.Month), m.Year)}))
	return nil
}
