package main

import (
	"context"
	"errors"
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

// newClerk speaks the parsed command's language.
func newClerk(c *command) *clerk { return &clerk{cat: catalog(), lang: c.lang} }

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
	return &cliError{msg: c.say(id, data)}
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
	cmd := newCommand("absence", args)
	code := cmd.String("code", "")
	from := cmd.String("from", "")
	to := cmd.String("to", "")
	kind := cmd.String("kind", "leave")
	if err := cmd.parse(false); err != nil {
		return err
	}
	c := newClerk(cmd)
	if err := cmd.need(map[string]string{"--code": *code, "--from": *from, "--to": *to}); err != nil {
		return err
	}
	first, err := cmd.dateFlag("--from", *from)
	if err != nil {
		return err
	}
	last, err := cmd.dateFlag("--to", *to)
	if err != nil {
		return err
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
	cmd := newCommand("discipline", args)
	code := cmd.String("code", "")
	month := cmd.String("month", "")
	level := cmd.String("level", "")
	reason := cmd.String("reason", "")
	if err := cmd.parse(false); err != nil {
		return err
	}
	c := newClerk(cmd)
	if err := cmd.need(map[string]string{"--code": *code, "--month": *month, "--level": *level, "--reason": *reason}); err != nil {
		return err
	}
	m, err := cmd.monthFlag("--month", *month)
	if err != nil {
		return err
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
