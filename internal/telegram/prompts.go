package telegram

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/calendar"
	"evalbot/internal/delivery"
	"evalbot/internal/evaluation"
	"evalbot/internal/roster"
	"evalbot/internal/telegram/chat"
)

// The campaigns of DESIGN.md section 2 call these in their own transaction.
// Each message carries a dedup key of person + campaign + period, so a
// repeated run enqueues nothing twice.

// turnFor builds a turn that renders for o inside tx.
func (a *App) turnFor(ctx context.Context, tx pgx.Tx, o roster.Official) *turn {
	t := &turn{ctx: context.WithValue(ctx, appKey{}, a), tx: tx, lang: o.Language, me: &o}
	if o.ChatID != nil {
		t.chatID = *o.ChatID
	}
	if o.TelegramUserID != nil {
		t.userID = *o.TelegramUserID
	}
	return t
}

func key(parts ...any) string { return chat.Key(parts...) }

// PromptPlan asks o for a weekly or monthly plan and waits for the text.
func (a *App) PromptPlan(ctx context.Context, tx pgx.Tx, o roster.Official, kind string, start calendar.Date) error {
	if o.ChatID == nil || o.TelegramUserID == nil {
		return nil
	}
	t := a.turnFor(ctx, tx, o)
	// The next text answers the latest plan prompt; a reason or a score the
	// person is typing is left alone (evidence they were sending is not:
	// their plan's lines are no document numbers).
	t0 := a.turnFor(ctx, tx, o)
	step, _, err := t0.stepOf(*o.TelegramUserID)
	if err != nil {
		return err
	}
	if step == "" || step == stepPlanTasks || step == stepEvidence {
		if err := t0.setStepFor(*o.TelegramUserID, stepPlanTasks, stepData{Kind: kind, Start: start.String()}); err != nil {
			return err
		}
	}
	// The example's deadline lies in the plan's period, as the parser
	// requires: the week's Friday, the month's 25th.
	id, due := "PromptWeekPlan", start.AddDays(4)
	if kind == evaluation.KindMonth {
		id, due = "PromptMonthPlan", start.AddDays(24)
	}
	return t.send(delivery.Message{ChatID: *o.ChatID, OfficialID: o.ID, DedupKey: key("prompt-plan", kind, o.ID, start.String()),
		Text:     t.t(id, map[string]any{"Title": t.planTitle(kind, start), "Due": fmt.Sprintf("%02d/%02d", due.Day, int(due.Month))}),
		Keyboard: t.withPlanPage(delivery.Keyboard{{{Text: t.t("BtnEnterPlan", nil), Data: cb(vPlanEnter, kind[:1], start.String())}}}, kind, start)})
}

// PromptWeekReport sends the week's approved plan with result buttons.
func (a *App) PromptWeekReport(ctx context.Context, tx pgx.Tx, o roster.Official, w calendar.Week) error {
	if o.ChatID == nil {
		return nil
	}
	p, err := evaluation.FindPlan(ctx, tx, o.ID, evaluation.KindWeek, w.Monday())
	if errors.Is(err, evaluation.ErrNotFound) || (err == nil && p.Status != evaluation.StatusApproved) {
		return nil
	}
	if err != nil {
		return err
	}
	t := a.turnFor(ctx, tx, o)
	text, kb, err := t.reportView(p)
	if err != nil {
		return err
	}
	return t.send(delivery.Message{ChatID: *o.ChatID, OfficialID: o.ID, DedupKey: key("prompt-report", o.ID, w.String()),
		Text: t.t("PromptWeekReport", nil) + "\n\n" + text, Keyboard: kb})
}

// PromptSelfAssessment opens o's assessment of month m and sends the card.
func (a *App) PromptSelfAssessment(ctx context.Context, tx pgx.Tx, o roster.Official, m calendar.Month) error {
	if o.ChatID == nil {
		return nil
	}
	t := a.turnFor(ctx, tx, o)
	fw, err := a.frameworkOf(t, o)
	if err != nil {
		return err
	}
	as, err := evaluation.OpenAssessment(ctx, tx, o.ID, m, fw)
	if err != nil {
		return err
	}
	if !as.Editable() {
		return nil
	}
	text, kb, err := a.selfView(t, as, "m")
	if err != nil {
		return err
	}
	return t.send(delivery.Message{ChatID: *o.ChatID, OfficialID: o.ID, DedupKey: key("prompt-assess", o.ID, m.String()), Text: text, Keyboard: kb})
}

// RemindSelfAssessment nudges o once for month m.
func (a *App) RemindSelfAssessment(ctx context.Context, tx pgx.Tx, o roster.Official, m calendar.Month) error {
	if o.ChatID == nil {
		return nil
	}
	t := a.turnFor(ctx, tx, o)
	return t.send(delivery.Message{ChatID: *o.ChatID, OfficialID: o.ID, DedupKey: key("remind-assess", o.ID, m.String()),
		Text: t.t("RemindSelfAssess", map[string]any{"Month": monthLabel(m)})})
}

// TellHeadMissing tells a head who has not self-assessed for month m: every
// name, in as many messages as they take (a unit of 180 people needs two).
func (a *App) TellHeadMissing(ctx context.Context, tx pgx.Tx, head roster.Official, m calendar.Month, names []string) error {
	if head.ChatID == nil || len(names) == 0 {
		return nil
	}
	t := a.turnFor(ctx, tx, head)
	items := make([]string, len(names))
	for i, n := range names {
		items[i] = escape(n)
	}
	msgs := delivery.SplitList(t.T("HeadMissingList", len(names), map[string]any{"Month": monthLabel(m)})+"\n", items, ", ",
		"\n\n"+t.t("HeadMissingHint", nil), delivery.MaxText)
	for i, text := range msgs {
		k := key("head-missing", head.ID, m.String())
		if i > 0 {
			k = key("head-missing", head.ID, m.String(), int64(i))
		}
		if err := t.send(delivery.Message{ChatID: *head.ChatID, OfficialID: head.ID, DedupKey: k, Text: text}); err != nil {
			return err
		}
	}
	return nil
}

// RemindReviewer nudges a head with pending reviews, once a day.
func (a *App) RemindReviewer(ctx context.Context, tx pgx.Tx, head roster.Official, m calendar.Month, day calendar.Date) error {
	if head.ChatID == nil {
		return nil
	}
	t := a.turnFor(ctx, tx, head)
	return t.send(delivery.Message{ChatID: *head.ChatID, OfficialID: head.ID, DedupKey: key("remind-review", head.ID, day.String()),
		Text: t.t("RemindReview", map[string]any{"Month": monthLabel(m)})})
}

// Escalate tells the head's superior, once a month, that the head is late.
func (a *App) Escalate(ctx context.Context, tx pgx.Tx, superior, head roster.Official, m calendar.Month) error {
	if superior.ChatID == nil {
		return nil
	}
	t := a.turnFor(ctx, tx, superior)
	return t.send(delivery.Message{ChatID: *superior.ChatID, OfficialID: superior.ID, DedupKey: key("escalate", head.ID, m.String()),
		Text: t.t("EscalateReview", map[string]any{"Head": head.FullName, "Unit": head.UnitName, "Month": monthLabel(m)})})
}
