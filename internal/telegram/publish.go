package telegram

import (
	"context"
	"errors"
	"strconv"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/app/access"
	"evalbot/internal/app/publication"
	"evalbot/internal/calendar"
	"evalbot/internal/delivery"
	"evalbot/internal/evaluation"
	"evalbot/internal/roster"
)

// groupChunk keeps each publication message well within Telegram's 4096
// characters, splitting a long list between people.
const groupChunk = 3500

// Publish posts unit's approved results for month m to the unit's group
// (công khai), sends every person their final grade card, and locks those
// results (publication.Publish: under the unit's month lock; a second call
// for the same unit and month does nothing). actor is nil for the scheduled run.
func (a *App) Publish(ctx context.Context, tx pgx.Tx, unitID int64, m calendar.Month, actor *int64) (bool, error) {
	pub, err := publication.Publish(ctx, tx, unitID, m, actor, a.Now())
	if err != nil || !pub.Done {
		return false, err
	}
	return true, a.announce(ctx, tx, m, pub)
}

// announce posts a publication to the unit's group and sends every person
// of it their final grade card, through the outbox.
func (a *App) announce(ctx context.Context, tx pgx.Tx, m calendar.Month, pub publication.Publication) error {
	u, unitID := pub.Unit, pub.Unit.ID
	if u.GroupChatID != nil {
		var text []string
		for i, l := range pub.Lines {
			result := a.Cat.T("vi", "PublishNotGraded", nil) // approved without a grade: say so, not «— —»
			if l.Total != nil && l.Grade != "" {
				result = pts("vi", *l.Total) + " — " + l.Grade
			}
			text = append(text, strconv.Itoa(i+1)+". "+escape(l.Name)+" — "+escape(l.Position)+" — "+result)
		}
		head := "<b>" + a.Cat.T("vi", "PublishTitle", map[string]any{"Month": monthLabel(m), "Unit": u.Name}) + "</b>"
		for i, chunk := range chunks(head, text, groupChunk) {
			if _, err := delivery.Enqueue(ctx, tx, delivery.Message{ChatID: *u.GroupChatID,
				DedupKey: "publish:" + strconv.FormatInt(unitID, 10) + ":" + m.String() + ":" + strconv.Itoa(i), Text: chunk}); err != nil {
				return err
			}
		}
	}
	for _, l := range pub.Lines {
		o, err := roster.OfficialByID(ctx, tx, l.OfficialID)
		if err != nil {
			return err
		}
		if o.ChatID == nil {
			continue
		}
		as, err := evaluation.LoadAssessment(ctx, tx, l.AssessmentID)
		if err != nil {
			return err
		}
		card, err := a.gradeCard(a.turnFor(ctx, tx, o), as) // the final card: the month is published
		if err != nil {
			return err
		}
		if _, err := delivery.Enqueue(ctx, tx, delivery.Message{ChatID: *o.ChatID, OfficialID: o.ID,
			DedupKey: "published:" + strconv.FormatInt(o.ID, 10) + ":" + m.String(), Text: card}); err != nil {
			return err
		}
	}
	return nil
}

// chunks splits lines into messages of at most max characters, the title on the first.
func chunks(title string, lines []string, max int) []string {
	var out []string
	cur := title
	for _, l := range lines {
		if len(cur)+1+len(l) > max {
			out = append(out, cur)
			cur = ""
		}
		if cur != "" {
			cur += "\n"
		}
		cur += l
	}
	return append(out, cur)
}

// UnitsToPublish lists the units with approved results for month m that
// have not published it (publication.UnitsToPublish).
func (a *App) UnitsToPublish(ctx context.Context, tx pgx.Tx, m calendar.Month) ([]int64, error) {
	return publication.UnitsToPublish(ctx, tx, m)
}

// onPublish: a head publishes their own unit's month now. /publish shows
// the month it means (calendar.MonthUnderReview: the month just ended,
// through its publication day) and the unit's counts, and asks for a
// confirmation; a month that has not ended yet is refused.
func (a *App) onPublish(t *turn) error {
	m := a.assessMonth()
	p, err := publication.Propose(t.ctx, t.tx, t.me.ID, m, a.today())
	switch {
	case errors.Is(err, access.ErrForbidden):
		return t.reply(t.t("NotAHead", nil), nil)
	case errors.Is(err, publication.ErrNotEnded):
		return t.reply(t.t("PublishNotEnded", map[string]any{"Month": monthLabel(m)}), nil)
	case errors.Is(err, publication.ErrAlreadyPublished):
		return t.reply(t.t("AlreadyPublished", map[string]any{"Month": monthLabel(m)}), nil)
	case err != nil:
		return err
	}
	n := p.Counts
	return t.reply(t.t("PublishAsk", map[string]any{"Month": monthLabel(m), "Unit": p.Unit.Name,
		"Approved": n.Approved, "Wait": n.Waiting, "Missing": n.Missing}),
		delivery.Keyboard{{
			{Text: t.t("BtnPublish", map[string]any{"Month": monthLabel(m)}), Data: cb(vPublish, m.String())},
			{Text: t.t("BtnCancel", nil), Data: cb(vPublish, "x")},
		}})
}

// onPublishConfirm: the confirmation of /publish. The month on the button
// must still be the one /publish means now, and ended; who may publish
// comes from the database (the sender heads the unit).
func (a *App) onPublishConfirm(t *turn, c callback) error {
	arg, _ := c.str(0)
	if arg == "x" {
		t.ack("")
		t.editPressed(t.t("PublishCancelled", nil), nil)
		return nil
	}
	m, err := calendar.ParseMonth(arg)
	if err != nil {
		return staleOr(t, evaluation.ErrStale)
	}
	pub, err := publication.PublishOwnUnit(t.ctx, t.tx, t.me.ID, m, a.assessMonth(), a.Now())
	if errors.Is(err, access.ErrForbidden) {
		t.alert(t.t("NotAuthorized", nil))
		return nil
	}
	if err != nil {
		return staleOr(t, err)
	}
	if !pub.Done {
		t.ack(t.t("AlreadyPublished", map[string]any{"Month": monthLabel(m)}))
		t.editPressed(t.t("AlreadyPublished", map[string]any{"Month": monthLabel(m)}), nil)
		return nil
	}
	if err := a.announce(t.ctx, t.tx, m, pub); err != nil {
		return err
	}
	t.ack(t.t("PublishedToast", map[string]any{"Month": monthLabel(m), "Unit": pub.Unit.Name}))
	n, err := evaluation.CountUnitMonth(t.ctx, t.tx, pub.Unit.ID, m)
	if err != nil {
		return err
	}
	t.editPressed(t.t("PublishedConfirm", map[string]any{"Month": monthLabel(m), "Unit": pub.Unit.Name})+"\n"+
		t.t("PublishedCounts", map[string]any{"Approved": n.Approved, "Wait": n.Waiting, "Missing": n.Missing}), nil)
	return nil
}

// onGroupCommand: in a group, the unit's head binds it with /bindgroup.
func (a *App) onGroupCommand(t *turn, cmd string) error {
	if cmd != "bindgroup" || t.me == nil {
		return nil // groups hear nothing from the bot but what it publishes
	}
	u, err := publication.BindGroup(t.ctx, t.tx, t.me.ID, t.chatID)
	if errors.Is(err, access.ErrForbidden) {
		return nil // only the unit's head binds its group
	}
	if err != nil {
		return err
	}
	return t.send(delivery.Message{ChatID: t.chatID, Text: t.t("GroupBound", map[string]any{"Unit": u.Name})})
}

// onReconsider: within 3 working days of publication, an official asks for
// reconsideration with a reason (publication.Reconsiderable).
func (a *App) onReconsider(t *turn) error {
	as, err := publication.Reconsiderable(t.ctx, t.tx, a.Cal, t.me.ID, a.today())
	switch {
	case errors.Is(err, publication.ErrNothingPublished):
		return t.reply(t.t("ReconsiderNothing", nil), nil)
	case errors.Is(err, publication.ErrAlreadyAsked):
		return t.reply(t.t("ReconsiderOnce", nil), nil) // one request a month; the head's decision stands
	case errors.Is(err, publication.ErrTooLate):
		return t.reply(t.t("ReconsiderTooLate", map[string]any{"Days": publication.ReconsiderDays}), nil)
	case err != nil:
		return err
	}
	if err := t.setStep(stepReconsider, stepData{AssessmentID: as.ID}); err != nil {
		return err
	}
	return t.reply(t.t("ReconsiderAsk", map[string]any{"Month": monthLabel(as.Month)}), nil)
}

func (a *App) onReconsiderReason(t *turn, d stepData, text string) error {
	reason, ok, err := t.reason(text)
	if !ok {
		return err
	}
	if err := t.clearStep(); err != nil {
		return err
	}
	id, as, err := publication.RequestReconsideration(t.ctx, t.tx, t.me.ID, d.AssessmentID, reason)
	switch {
	case errors.Is(err, evaluation.ErrStale):
		return t.reply(t.t("ErrorStale", nil), nil)
	case errors.Is(err, publication.ErrPending):
		return t.reply(t.t("ReconsiderPending", nil), nil)
	case err != nil:
		return err
	}
	if err := t.reply(t.t("ReconsiderSent", nil), nil); err != nil {
		return err
	}
	head, ok, err := roster.HeadOf(t.ctx, t.tx, t.me.ID)
	if err != nil || !ok || head.ChatID == nil {
		return err
	}
	ht := t.as(head)
	return t.send(delivery.Message{ChatID: *head.ChatID, OfficialID: head.ID, DedupKey: key("reconsider", id),
		Text: ht.t("ReconsiderToHead", map[string]any{"Name": t.me.FullName, "Month": monthLabel(as.Month), "Total": totalText(ht, as), "Grade": as.Grade, "Reason": reason}),
		Keyboard: delivery.Keyboard{{
			{Text: ht.t("BtnReconsiderAccept", nil), Data: cb(vReconsider, id, "a")},
			{Text: ht.t("BtnReconsiderKeep", nil), Data: cb(vReconsider, id, "k")},
		}}})
}

// onReconsiderDecision: accept reopens the review (unlocked, submitted);
// keep asks the head for a reason.
func (a *App) onReconsiderDecision(t *turn, c callback) error {
	id, err := c.id(0)
	choice, _ := c.str(1)
	if err != nil {
		return staleOr(t, evaluation.ErrStale)
	}
	decide := publication.Accept
	if choice == "k" {
		decide = publication.Decidable // the reason is asked first
	}
	as, err := decide(t.ctx, t.tx, t.me.ID, id, a.today())
	if errors.Is(err, access.ErrForbidden) {
		t.alert(t.t("NotAuthorized", nil))
		return nil
	}
	if err != nil {
		return staleOr(t, err)
	}
	o, err := roster.OfficialByID(t.ctx, t.tx, as.OfficialID)
	if err != nil {
		return err
	}
	if choice == "k" {
		m := t.pressed()
		if err := t.setStep(stepReconsiderKeep, stepData{PlanID: id, ChatID: m.chatID, MessageID: m.messageID}); err != nil {
			return err
		}
		t.ack("")
		return t.reply(t.t("ReconsiderKeepAsk", map[string]any{"Name": o.FullName}), nil)
	}
	card, kb, err := a.reviewCard(t, as, o)
	if err != nil {
		return err
	}
	t.ack(t.t("ReconsiderAcceptedToast", map[string]any{"Month": monthLabel(as.Month), "Name": o.FullName}))
	t.editPressed(card, kb)
	if o.ChatID == nil {
		return nil
	}
	return t.send(delivery.Message{ChatID: *o.ChatID, OfficialID: o.ID, Text: t.as(o).t("ReconsiderAccepted", map[string]any{"Month": monthLabel(as.Month)})})
}

func (a *App) onReconsiderKeepReason(t *turn, d stepData, text string) error {
	reason, ok, err := t.reason(text)
	if !ok {
		return err
	}
	if err := t.clearStep(); err != nil {
		return err
	}
	as, err := publication.Reject(t.ctx, t.tx, t.me.ID, d.PlanID, reason, a.today())
	switch {
	case errors.Is(err, access.ErrForbidden):
		return nil
	case errors.Is(err, evaluation.ErrStale):
		return t.reply(t.t("ErrorStale", nil), nil)
	case err != nil:
		return err
	}
	o, err := roster.OfficialByID(t.ctx, t.tx, as.OfficialID)
	if err != nil {
		return err
	}
	t.showCard(cardRef{d.ChatID, d.MessageID}, t.t("ReconsiderKeptByYou", map[string]any{"Name": o.FullName}), nil)
	if err := t.reply(t.t("ReconsiderKeptReply", map[string]any{"Month": monthLabel(as.Month), "Name": o.FullName}), nil); err != nil {
		return err
	}
	if o.ChatID == nil {
		return nil
	}
	return t.send(delivery.Message{ChatID: *o.ChatID, OfficialID: o.ID,
		Text: t.as(o).t("ReconsiderKept", map[string]any{"Month": monthLabel(as.Month), "Reason": reason})})
}

// announceLate tells unit u's group a result approved after its month was
// published (publication.PublishLate: it is published at once, as an
// addendum); the person's grade card (sent by approve) is then the final one.
func (a *App) announceLate(t *turn, as evaluation.Assessment, o roster.Official, u roster.Unit) error {
	if u.GroupChatID != nil && as.Total != nil {
		line := a.Cat.T("vi", "PublishAddendum", map[string]any{"Month": monthLabel(as.Month), "Unit": u.Name,
			"Name": o.FullName, "Position": o.Position, "Total": pts("vi", *as.Total), "Grade": as.Grade})
		if err := t.send(delivery.Message{ChatID: *u.GroupChatID, DedupKey: key("publish-late", as.ID, strconv.Itoa(as.Version)), Text: line}); err != nil {
			return err
		}
	}
	return nil
}
