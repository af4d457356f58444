package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/roster"
	"evalbot/internal/store"
)

// absenceCmd: evalbot absence --code HB003 --from 2026-11-02 --to 2026-11-20 --kind sick
func absenceCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("absence", flag.ExitOnError)
	code := fs.String("code", "", "employee code")
	from := fs.String("from", "", "first day away, YYYY-MM-DD")
	to := fs.String("to", "", "last day away, YYYY-MM-DD")
	kind := fs.String("kind", "leave", "leave, sick, maternity or other")
	_ = fs.Parse(args)
	first, err1 := calendar.ParseDate(*from)
	last, err2 := calendar.ParseDate(*to)
	if *code == "" || err1 != nil || err2 != nil {
		return errors.New("give --code, --from and --to (YYYY-MM-DD)")
	}
	pool, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	o, err := roster.OfficialByCode(ctx, pool, *code)
	if err != nil {
		return fmt.Errorf("%s: %w", *code, err)
	}
	if err := evaluation.RecordAbsence(ctx, pool, o.ID, first, last, *kind, nil); err != nil {
		return err
	}
	fmt.Printf("%s: absent %s – %s (%s)\n", *code, first, last, *kind)
	return nil
}

// disciplineCmd: evalbot discipline --code HB003 --month 2026-11 --level reprimand --reason "…"
func disciplineCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("discipline", flag.ExitOnError)
	code := fs.String("code", "", "employee code")
	month := fs.String("month", "", "month of the decision, YYYY-MM")
	level := fs.String("level", "", "reprimand, warning, demotion or dismissal")
	reason := fs.String("reason", "", "the decision, e.g. its number and date")
	_ = fs.Parse(args)
	m, err := calendar.ParseMonth(*month)
	if *code == "" || err != nil || *level == "" || *reason == "" {
		return errors.New("give --code, --month (YYYY-MM), --level and --reason")
	}
	pool, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	o, err := roster.OfficialByCode(ctx, pool, *code)
	if err != nil {
		return fmt.Errorf("%s: %w", *code, err)
	}
	if err := store.InTx(ctx, pool, func(tx pgx.Tx) error {
		return evaluation.RecordDiscipline(ctx, tx, o.ID, m, *level, *reason, nil)
	}); err != nil {
		return err
	}
	fmt.Printf("%s: %s in %s recorded (grade D for the month)\n", *code, *level, m)
	return nil
}
