package main

import (
	"context"
	"errors"
	"fmt"
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
	code string // the employee code the command is about (withOfficial)
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

// absenceCmd: evalbot absence --code HB003 --from 2026-11-02 --to 2026-11-20 --kind sick,
// or evalbot absence --code HB003 --list. The same absence again is told as
// already recorded; one overlapping another is refused naming it.
func absenceCmd(ctx context.Context, args []string) error {
	cmd := newCommand("absence", args)
	code := cmd.String("code", "")
	from := cmd.String("from", "")
	to := cmd.String("to", "")
	kind := cmd.String("kind", "leave")
	list := cmd.Bool("list", false)
	if err := cmd.parse(false); err != nil {
		return err
	}
	c := newClerk(cmd)
	if *list {
		if err := cmd.need(map[string]string{"--code": *code}); err != nil {
			return err
		}
		return c.withOfficial(ctx, *code, func(tx pgx.Tx, o roster.Official) error {
			as, err := evaluation.Absences(ctx, tx, o.ID)
			if err != nil {
				return err
			}
			fmt.Println(c.cat.Plain(c.lang, "AbsenceList", len(as), map[string]any{"Code": *code, "N": len(as)}))
			for _, a := range as {
				fmt.Println("  " + c.say("AbsenceListLine", c.absence(a)))
			}
			return nil
		})
	}
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
	return c.withOfficial(ctx, *code, func(tx pgx.Tx, o roster.Official) error {
		a, added, err := evaluation.AddAbsence(ctx, tx, o.ID, first, last, *kind, nil)
		var overlap *evaluation.AbsenceOverlapError
		switch {
		case errors.As(err, &overlap):
			return c.refuse("AbsenceOverlaps", c.absence(overlap.Existing))
		case err != nil:
			return err
		case !added:
			fmt.Println(c.say("AbsenceAlready", c.absence(a)))
			return nil
		}
		fmt.Println(c.say("AbsenceRecorded", c.absence(a)))
		return nil
	})
}

// absence is the data of the messages about one absence: Kind, From, To.
func (c *clerk) absence(a evaluation.Absence) map[string]any {
	return map[string]any{"Code": c.code, "Kind": c.say("Absence_"+a.Kind, nil), "From": c.day(a.First), "To": c.day(a.Last)}
}

// withOfficial runs fn in one transaction on the official with the
// employee code (refused in the clerk's words when there is none).
func (c *clerk) withOfficial(ctx context.Context, code string, fn func(pgx.Tx, roster.Official) error) error {
	pool, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	c.code = code
	return store.InTx(ctx, pool, func(tx pgx.Tx) error {
		o, err := c.official(ctx, tx, code)
		if err != nil {
			return err
		}
		return fn(tx, o)
	})
}

// disciplineCmd: evalbot discipline --code HB003 --month 2026-11 --level reprimand --reason "…"
func disciplineCmd(ctx context.Context, args []string) error {
	cmd := newCommand("discipline", args)
	code := cmd.String("code", "")
	month := cmd.String("month", "")
	level := cmd.String("level", "")
	reason := cmd.String("reason", "")
	list := cmd.Bool("list", false)
	if err := cmd.parse(false); err != nil {
		return err
	}
	c := newClerk(cmd)
	if *list {
		if err := cmd.need(map[string]string{"--code": *code}); err != nil {
			return err
		}
		return c.disciplineList(ctx, *code)
	}
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
	return c.withOfficial(ctx, *code, func(tx pgx.Tx, o roster.Official) error {
		prev, changed, err := evaluation.SetDiscipline(ctx, tx, o.ID, m, *level, *reason, nil)
		if err != nil {
			return err
		}
		data := map[string]any{"Code": *code, "Level": c.say("Discipline_"+*level, nil), "Month": c.month(m)}
		switch {
		case !changed:
			fmt.Println(c.say("DisciplineAlready", data))
		case prev != nil:
			data["Before"], data["BeforeReason"] = c.say("Discipline_"+prev.Level, nil), prev.Reason
			fmt.Println(c.say("DisciplineReplaced", data))
		default:
			fmt.Println(c.say("DisciplineRecorded", data))
		}
		return nil
	})
}

// month writes a month as the clerk reads it: 11/2026.
func (c *clerk) month(m calendar.Month) string { return fmt.Sprintf("%02d/%d", int(m.Month), m.Year) }

// disciplineList prints the official's recorded measures.
func (c *clerk) disciplineList(ctx context.Context, code string) error {
	return c.withOfficial(ctx, code, func(tx pgx.Tx, o roster.Official) error {
		ds, err := evaluation.Disciplines(ctx, tx, o.ID)
		if err != nil {
			return err
		}
		fmt.Println(c.cat.Plain(c.lang, "DisciplineList", len(ds), map[string]any{"Code": code, "N": len(ds)}))
		for _, d := range ds {
			fmt.Println("  " + c.say("DisciplineListLine", map[string]any{"Month": c.month(d.Month), "Level": c.say("Discipline_"+d.Level, nil), "Reason": d.Reason}))
		}
		return nil
	})
}
