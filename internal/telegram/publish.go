package telegram

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/calendar"
	"evalbot/internal/collation"
	"evalbot/internal/delivery"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/roster"
)

// groupChunk keeps each publication message well within Telegram's 4096
// characters, splitting a long list between people.
const groupChunk = 3500

// reconsiderDays is how many working days after publication an official may
// ask for reconsideration.
const reconsiderDays = 3

// Publish posts unit's approved results for month m to the unit's group
// (công khai), sends every person their final grade card, and locks those
// results. It runs under the unit's month lock (evaluation.LockUnitMonth),
// as approvals do: one pressed meanwhile waits, then finds the month
// published and goes out as the addendum. A second call for the same unit
// and month does nothing. actor is nil for the scheduled run.
func (a *App) Publish(ctx context.Context, tx pgx.Tx, unitID int64, m calendar.Month, actor *int64) (bool, error) {
	if err := evaluation.LockUnitMonth(ctx, tx, unitID, m); err != nil {
		return false, err
	}
	tag, err := tx.Exec(ctx, `INSERT INTO publications (unit_id, month, published_by, published_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
		unitID, m.First().Time(0, 0), actor, a.Now())
	if err != nil || tag.RowsAffected() == 0 {
		return false, err
	}
	u, err := roster.UnitByID(ctx, tx, unitID)
	if err != nil {
		return false, err
	}
	rows, err := tx.Query(ctx, `SELECT o.id, o.full_name, o.position, o.is_head, a.total, a.grade, a.id
		FROM assessments a JOIN officials o ON o.id = a.official_id
		WHERE o.unit_id = $1 AND a.month = $2 AND a.status = 'approved'
		ORDER BY o.id`, unitID, m.First().Time(0, 0))
	if err != nil {
		return false, err
	}
	type line struct {
		official         int64
		name, pos, grade string
		head             bool
		total            *int64
		assessment       int64
	}
	var lines []line
	for rows.Next() {
		var l line
		var g *string
		if err := rows.Scan(&l.official, &l.name, &l.pos, &l.head, &l.total, &g, &l.assessment); err != nil {
			rows.Close()
			return false, err
		}
		if g != nil {
			l.grade = *g
		}
		lines = append(lines, l)
	}
	rows.Close()
	collation.SortBy(lines, func(l line) []collation.Key { return collation.OfficeKeys(l.head, l.pos, l.name) })
	if _, err := tx.Exec(ctx, `UPDATE assessments a SET locked_at = $3 FROM officials o
		WHERE o.id = a.official_id AND o.unit_id = $1 AND a.month = $2 AND a.status = 'approved'`, unitID, m.First().Time(0, 0), a.Now()); err != nil {
		return false, err
	}
	if err := evaluation.Audit(ctx, tx, evaluation.AuditEntry{Actor: actor, Entity: "publication", EntityID: unitID, Action: "publish",
		After: map[string]any{"month": m.String(), "people": len(lines)}}); err != nil {
		return false, err
	}
	if u.GroupChatID != nil {
		var text []string
		for i, l := range lines {
			result := a.Cat.T("vi", "PublishNotGraded", nil) // approved without a grade: say so, not «— —»
			if l.total != nil && l.grade != "" {
				result = pts("vi", grading.Points(*l.total)) + " — " + l.grade
			}
			text = append(text, strconv.Itoa(i+1)+". "+escape(l.name)+" — "+escape(l.pos)+" — "+result)
		}
		head := "<b>" + a.Cat.T("vi", "PublishTitle", map[string]any{"Month": monthLabel(m), "Unit": u.Name}) + "</b>"
		for i, chunk := range chunks(head, text, groupChunk) {
			if _, err := delivery.Enqueue(ctx, tx, delivery.Message{ChatID: *u.GroupChatID,
				DedupKey: "publish:" + strconv.FormatInt(unitID, 10) + ":" + m.String() + ":" + strconv.Itoa(i), Text: chunk}); err != nil {
				return false, err
			}
		}
	}
	for _, l := range lines {
		o, err := roster.OfficialByID(ctx, tx, l.official)
		if err != nil {
			return false, err
		}
		if o.ChatID == nil {
			continue
		}
		as, err := evaluation.LoadAssessment(ctx, tx, l.assessment)
		if err != nil {
			return false, err
		}
		card, err := a.gradeCard(a.turnFor(ctx, tx, o), as) // the final card: the month is published
		if err != nil {
			return false, err
		}
		if _, err := delivery.Enqueue(ctx, tx, delivery.Message{ChatID: *o.ChatID, OfficialID: o.ID,
			DedupKey: "published:" + strconv.FormatInt(o.ID, 10) + ":" + m.String(), Text: card}); err != nil {
			return false, err
		}
	}
	return true, nil
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
// have not published it (the scheduled run on the publication day publishes
// each, in its own transaction).
func (a *App) UnitsToPublish(ctx context.Context, tx pgx.Tx, m calendar.Month) ([]int64, error) {
	rows, err := tx.Query(ctx, `SELECT DISTINCT o.unit_id FROM assessments a JOIN officials o ON o.id = a.official_id
		WHERE a.month = $1 AND a.status = 'approved'
		  AND NOT EXISTS (SELECT 1 FROM publications p WHERE p.unit_id = o.unit_id AND p.month = a.month) ORDER BY 1`, m.First().Time(0, 0))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// onPublish: a head publishes their own unit's month now. /publish shows
// the month it means (calendar.MonthUnderReview: the month just ended,
// through its publication day) and the unit's counts, and asks for a
// confirmation; a month that has not ended yet is refused.
func (a *App) onPublish(t *turn) error {
	if !t.me.IsHead {
		return t.reply(t.t("NotAHead", nil), nil)
	}
	m := a.assessMonth()
	if !m.Ended(a.today()) {
		return t.reply(t.t("PublishNotEnded", map[string]any{"Month": monthLabel(m)}), nil)
	}
	published, err := evaluation.UnitPublished(t.ctx, t.tx, t.me.UnitID, m)
	if err != nil {
		return err
	}
	if published {
		return t.reply(t.t("AlreadyPublished", map[string]any{"Month": monthLabel(m)}), nil)
	}
	n, err := evaluation.CountUnitMonth(t.ctx, t.tx, t.me.UnitID, m)
	if err != nil {
		return err
	}
	return t.reply(t.t("PublishAsk", map[string]any{"Month": monthLabel(m), "Unit": t.me.UnitName,
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
	if !t.me.IsHead {
		t.alert(t.t("NotAuthorized", nil))
		return nil
	}
	m, err := calendar.ParseMonth(arg)
	if err != nil || m != a.assessMonth() || !m.Ended(a.today()) {
		return staleOr(t, evaluation.ErrStale)
	}
	ok, err := a.Publish(t.ctx, t.tx, t.me.UnitID, m, &t.me.ID)
	if err != nil {
		return err
	}
	if !ok {
		t.ack(t.t("AlreadyPublished", map[string]any{"Month": monthLabel(m)}))
		t.editPressed(t.t("AlreadyPublished", map[string]any{"Month": monthLabel(m)}), nil)
		return nil
	}
	n, err := evaluation.CountUnitMonth(t.ctx, t.tx, t.me.UnitID, m)
	if err != nil {
		return err
	}
	t.ack(t.t("PublishedToast", map[string]any{"Month": monthLabel(m), "Unit": t.me.UnitName}))
	t.editPressed(t.t("PublishedConfirm", map[string]any{"Month": monthLabel(m), "Unit": t.me.UnitName})+"\n"+
		t.t("PublishedCounts", map[string]any{"Approved": n.Approved, "Wait": n.Waiting, "Missing": n.Missing}), nil)
	return nil
}

// onGroupCommand: in a group, the unit's head binds it with /bindgroup.
func (a *App) onGroupCommand(t *turn, cmd string) error {
	if cmd != "bindgroup" || t.me == nil || !t.me.IsHead {
		return nil // groups hear nothing from the bot but what it publishes
	}
	if _, err := t.tx.Exec(t.ctx, `UPDATE units SET group_chat_id = $2, updated_at = now() WHERE id = $1`, t.me.UnitID, t.chatID); err != nil {
		return err
	}
	if err := evaluation.Audit(t.ctx, t.tx, evaluation.AuditEntry{Actor: &t.me.ID, Entity: "unit", EntityID: t.me.UnitID, Action: "bind_group"}); err != nil {
		return err
	}
	return t.send(delivery.Message{ChatID: t.chatID, Text: t.t("GroupBound", map[string]any{"Unit": t.me.UnitName})})
}

// lastPublished finds the official's most recent locked month and when it was published.
func (a *App) lastPublished(t *turn) (evaluation.Assessment, time.Time, error) {
	var id int64
	var at time.Time
	err := t.tx.QueryRow(t.ctx, `SELECT a.id, p.published_at FROM assessments a
		JOIN officials o ON o.id = a.official_id
		JOIN publications p ON p.unit_id = o.unit_id AND p.month = a.month
		WHERE a.official_id = $1 AND a.locked_at IS NOT NULL ORDER BY a.month DESC LIMIT 1`, t.me.ID).Scan(&id, &at)
	if err != nil {
		return evaluation.Assessment{}, at, err
	}
	as, err := evaluation.LoadAssessment(t.ctx, t.tx, id)
	return as, at, err
}

// onReconsider: within 3 working days of publication, an official asks for
// reconsideration with a reason.
func (a *App) onReconsider(t *turn) error {
	as, at, err := a.lastPublished(t)
	if errors.Is(err, pgx.ErrNoRows) {
		return t.reply(t.t("ReconsiderNothing", nil), nil)
	}
	if err != nil {
		return err
	}
	var asked bool
	if err := t.tx.QueryRow(t.ctx, `SELECT EXISTS (SELECT 1 FROM reconsiderations WHERE assessment_id = $1)`, as.ID).Scan(&asked); err != nil {
		return err
	}
	if asked {
		return t.reply(t.t("ReconsiderOnce", nil), nil) // one request a month; the head's decision stands
	}
	if a.Cal.WorkingDaysBetween(calendar.DateOf(at), a.today()) > reconsiderDays {
		return t.reply(t.t("ReconsiderTooLate", map[string]any{"Days": reconsiderDays}), nil)
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
	as, err := evaluation.LoadAssessment(t.ctx, t.tx, d.AssessmentID)
	if err != nil || as.OfficialID != t.me.ID {
		return t.reply(t.t("ErrorStale", nil), nil)
	}
	var id int64
	err = t.tx.QueryRow(t.ctx, `INSERT INTO reconsiderations (assessment_id, reason) VALUES ($1, $2)
		ON CONFLICT (assessment_id) WHERE status = 'pending' DO NOTHING RETURNING id`, as.ID, reason).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return t.reply(t.t("ReconsiderPending", nil), nil)
	}
	if err != nil {
		return err
	}
	if err := evaluation.Audit(t.ctx, t.tx, evaluation.AuditEntry{Actor: &t.me.ID, Subject: t.me.ID, Entity: "reconsideration",
		EntityID: id, Action: "request", Reason: reason}); err != nil {
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
	var assessmentID int64
	var status string
	if err := t.tx.QueryRow(t.ctx, `SELECT assessment_id, status FROM reconsiderations WHERE id = $1 FOR UPDATE`, id).Scan(&assessmentID, &status); err != nil {
		return staleOr(t, evaluation.ErrStale)
	}
	as, err := evaluation.LoadAssessment(t.ctx, t.tx, assessmentID)
	if err != nil {
		return err
	}
	if ok, err := t.canReview(as.OfficialID); err != nil || !ok {
		if err == nil {
			t.alert(t.t("NotAuthorized", nil))
		}
		return err
	}
	if status != "pending" {
		return staleOr(t, evaluation.ErrStale)
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
	if _, err := t.tx.Exec(t.ctx, `UPDATE reconsiderations SET status = 'accepted', decided_by = $2, decided_at = now() WHERE id = $1`, id, t.me.ID); err != nil {
		return err
	}
	if _, err := t.tx.Exec(t.ctx, `UPDATE assessments SET status = 'submitted', locked_at = NULL, version = version + 1, updated_at = now() WHERE id = $1`, as.ID); err != nil {
		return err
	}
	if err := evaluation.Audit(t.ctx, t.tx, evaluation.AuditEntry{Actor: &t.me.ID, Subject: o.ID, Entity: "reconsideration", EntityID: id,
		Action: "accept", Before: map[string]any{"total": as.Total, "grade": as.Grade}}); err != nil {
		return err
	}
	as, err = evaluation.LoadAssessment(t.ctx, t.tx, as.ID)
	if err != nil {
		return err
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
	var assessmentID int64
	var status string
	if err := t.tx.QueryRow(t.ctx, `SELECT assessment_id, status FROM reconsiderations WHERE id = $1 FOR UPDATE`, d.PlanID).Scan(&assessmentID, &status); err != nil || status != "pending" {
		return t.reply(t.t("ErrorStale", nil), nil)
	}
	as, err := evaluation.LoadAssessment(t.ctx, t.tx, assessmentID)
	if err != nil {
		return err
	}
	if ok, err := t.canReview(as.OfficialID); err != nil || !ok {
		return err
	}
	if _, err := t.tx.Exec(t.ctx, `UPDATE reconsiderations SET status = 'rejected', decided_by = $2, decision_reason = $3, decided_at = now() WHERE id = $1`,
		d.PlanID, t.me.ID, reason); err != nil {
		return err
	}
	if err := evaluation.Audit(t.ctx, t.tx, evaluation.AuditEntry{Actor: &t.me.ID, Subject: as.OfficialID, Entity: "reconsideration", EntityID: d.PlanID,
		Action: "reject", Reason: reason}); err != nil {
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

// publishLate: a result approved after its unit's month was published (a
// review still open then, or a reconsideration) is published at once as an
// addendum to the unit's group and locked; the person's grade card (sent by
// approve) is then the final one. The caller holds the unit's month lock.
func (a *App) publishLate(t *turn, as evaluation.Assessment, o roster.Official) error {
	published, err := evaluation.Published(t.ctx, t.tx, o.ID, as.Month)
	if err != nil || !published {
		return err
	}
	if _, err := t.tx.Exec(t.ctx, `UPDATE assessments SET locked_at = $2 WHERE id = $1`, as.ID, a.Now()); err != nil {
		return err
	}
	if err := evaluation.Audit(t.ctx, t.tx, evaluation.AuditEntry{Actor: &t.me.ID, Subject: o.ID, Entity: "assessment", EntityID: as.ID,
		Action: "publish_addendum", After: map[string]any{"month": as.Month.String()}}); err != nil {
		return err
	}
	u, err := roster.UnitByID(t.ctx, t.tx, o.UnitID)
	if err != nil {
		return err
	}
	if u.GroupChatID != nil && as.Total != nil {
		line := a.Cat.T("vi", "PublishAddendum", map[string]any{"Month": monthLabel(as.Month), "Unit": u.Name,
			"Name": o.FullName, "Position": o.Position, "Total": pts("vi", *as.Total), "Grade": as.Grade})
		if err := t.send(delivery.Message{ChatID: *u.GroupChatID, DedupKey: key("publish-late", as.ID, strconv.Itoa(as.Version)), Text: line}); err != nil {
			return err
		}
	}
	return nil
}
