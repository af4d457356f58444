package telegram

import (
	"context"
	"strconv"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/plans"
	"evalbot/internal/calendar"
	"evalbot/internal/delivery"
	"evalbot/internal/evaluation"
	"evalbot/internal/roster"
)

// The chat side of the plan form on the web (/me/plan, issue 24): App is a
// plans.SheetNotifier. A draft saved on the page edits the official's draft
// card in chat to the plan as it is now, with buttons of its new version (an
// older card's buttons would only say "out of date"); a plan submitted on
// the page makes that card say so and sends the head the plan card, as
// «Gửi» in chat does (sendPlanToHead, the same dedup key).

var _ plans.SheetNotifier = (*App)(nil)

// sendDraft sends the official the draft card of p (the plan, Submit, Edit,
// Cancel, and in a private chat the plan form's web_app button), under
// draftKey so the web face can edit it later.
func (t *turn) sendDraft(p evaluation.Plan) error {
	return t.send(delivery.Message{ChatID: t.chatID, OfficialID: t.me.ID, DedupKey: draftKey(p),
		Text: t.planText(p, "", "PlanDraftHint"), Keyboard: t.withPlanForm(t.draftKeyboard(p), p)})
}

// withPlanForm appends the plan form's web_app button «🗒 Sửa kế hoạch
// trên trang» for p's period (withPlanPage).
func (t *turn) withPlanForm(kb delivery.Keyboard, p evaluation.Plan) delivery.Keyboard {
	return t.withPlanPage(kb, p.Kind, p.PeriodStart)
}

// withPlanPage appends the web_app button «🗒 Sửa kế hoạch trên trang»
// (the Mini App opening /me/plan for the plan of kind starting at start) in
// a private chat when the Mini App is configured (BoardURL); kb unchanged
// otherwise.
func (t *turn) withPlanPage(kb delivery.Keyboard, kind string, start calendar.Date) delivery.Keyboard {
	a := t.a()
	if a.BoardURL == "" || t.chatID == 0 || t.chatID != t.userID {
		return kb
	}
	return append(kb, []delivery.Button{{Text: t.t("BtnPlanOnePage", nil), WebApp: a.BoardURL + "?next=plan-" + kind + "&start=" + start.String()}})
}

// withPage appends a web_app button labelled labelID opening the official's
// page next (the Mini App's /tg?next=…: "report", "history") in t's private
// chat when the Mini App is configured (BoardURL); kb unchanged otherwise.
func (t *turn) withPage(kb delivery.Keyboard, labelID, next string) delivery.Keyboard {
	a := t.a()
	if a.BoardURL == "" || t.chatID == 0 || t.chatID != t.userID {
		return kb
	}
	return append(kb, []delivery.Button{{Text: t.t(labelID, nil), WebApp: a.BoardURL + "?next=" + next}})
}

// historyButton is the keyboard of o's grade card, sent from another
// person's turn t: «📊 Kết quả các tháng trên trang» (the history page) when
// o's chat with the bot is private and the Mini App is configured; nil
// otherwise.
func (a *App) historyButton(t *turn, o roster.Official) delivery.Keyboard {
	if a.BoardURL == "" || o.ChatID == nil || o.TelegramUserID == nil || *o.ChatID != *o.TelegramUserID {
		return nil
	}
	return delivery.Keyboard{{{Text: t.t("BtnHistoryOnePage", nil), WebApp: a.BoardURL + "?next=history"}}}
}

// PlanDrafted implements plans.SheetNotifier: every draft card of p's
// earlier versions that Telegram took shows p now, with its buttons.
func (a *App) PlanDrafted(ctx context.Context, tx pgx.Tx, p evaluation.Plan, o roster.Official) error {
	t := a.turnFor(ctx, tx, o)
	return a.editDraftCards(t, p, t.planText(p, "", "PlanDraftHint"), t.withPlanForm(t.draftKeyboard(p), p))
}

// PlanSubmitted implements plans.SheetNotifier: the draft cards say the plan
// went to the head (or was approved at once, for someone without a head),
// and the head gets the plan card.
func (a *App) PlanSubmitted(ctx context.Context, tx pgx.Tx, p evaluation.Plan, o roster.Official, head *roster.Official) error {
	t := a.turnFor(ctx, tx, o)
	if head == nil {
		return a.editDraftCards(t, p, t.planText(p, "", "PlanApprovedStatus"), nil)
	}
	if err := a.editDraftCards(t, p, t.planText(p, "", "PlanSubmitted"), nil); err != nil {
		return err
	}
	return a.sendPlanToHead(t, p, *head)
}

// editDraftCards queues, in t's transaction, the edit of the draft cards
// of p (versions 1 … p.Version) that Telegram took, to text and kb.
func (a *App) editDraftCards(t *turn, p evaluation.Plan, text string, kb delivery.Keyboard) error {
	keys := make([]string, 0, p.Version)
	for v := 1; v <= p.Version; v++ {
		keys = append(keys, key("plan-draft", p.ID, strconv.Itoa(v)))
	}
	cards, err := delivery.SentByKeys(t.ctx, t.tx, keys)
	if err != nil || len(cards) == 0 {
		return err
	}
	edits := make([]delivery.CardEdit, 0, len(cards))
	for _, c := range cards {
		edits = append(edits, delivery.CardEdit{ChatID: c.ChatID, MessageID: c.MessageID, Text: text, Keyboard: kb})
	}
	return delivery.QueueCardEdits(t.ctx, t.tx, a.limits(), edits)
}
