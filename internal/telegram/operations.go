package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"evalbot/internal/app/access"
	"evalbot/internal/app/status"
	"evalbot/internal/calendar"
	"evalbot/internal/chart"
	"evalbot/internal/dashboard"
	"evalbot/internal/delivery"
	"evalbot/internal/evaluation"
	"evalbot/internal/locale"
	"evalbot/internal/roster"
)

// statusUnitsPerPage keeps a /status page within one phone screen.
const statusUnitsPerPage = 8

// statusNames, statusNamesChars: a unit's missing people on /status, the
// first 10 names within 300 characters (eight units a page stay within
// Telegram's 4096), then how many more.
const (
	statusNames      = 10
	statusNamesChars = 300
)

func (a *App) onStatus(t *turn, page int) error {
	m := a.assessMonth()
	// The command (not a page's button) also gets the month's picture.
	ov, err := status.Overview(t.ctx, t.tx, t.me.ID, m, calendar.WeekOf(a.today()), page, statusUnitsPerPage, t.cq == nil)
	if err != nil {
		return err
	}
	if ov.Pages == 0 {
		return t.reply(t.t("NotAHead", nil), nil)
	}
	if ov.Picture != nil {
		a.sendPicture(t, ov.Picture)
	}
	pages, page, missing := ov.Pages, ov.Page, ov.Missing
	var b strings.Builder
	b.WriteString("<b>" + t.t("StatusTitle", map[string]any{"Month": monthLabel(m)}) + "</b>")
	for _, u := range ov.Units {
		b.WriteString("\n\n<b>" + escape(u.Name) + "</b> — " + t.T("PeopleCount", u.People, nil))
		b.WriteString("\n" + t.t("StatusPlans", map[string]any{"OK": u.PlansApproved, "Wait": u.PlansWaiting, "N": u.People}))
		b.WriteString("\n" + t.t("StatusAssess", map[string]any{"Submitted": u.SelfAssessed, "Approved": u.Approved, "Missing": u.Missing}))
		if missingNames := ov.MissingNames[u.ID]; len(missingNames) > 0 {
			names := make([]string, 0, min(len(missingNames), statusNames+1))
			for _, n := range missingNames[:min(len(missingNames), statusNames+1)] {
				names = append(names, escape(n))
			}
			extra := len(missingNames) - len(names)
			list := delivery.FitList("", names, ", ", "", statusNamesChars, statusNames,
				func(k int) string { return t.T("AndMore", k+extra, nil) })
			b.WriteString("\n" + t.t("StatusMissingNames", map[string]any{"Names": html(list)}))
		}
	}
	var kb delivery.Keyboard
	if missing > 0 {
		kb = append(kb, []delivery.Button{{Text: t.T("BtnRemindMissing", missing, nil), Data: cb(vRemindMissing, m.String(), page)}})
	}
	if pages > 1 {
		var nav []delivery.Button
		if page > 0 {
			nav = append(nav, delivery.Button{Text: "‹ " + strconv.Itoa(page), Data: cb(vStatusPage, page-1)})
		}
		nav = append(nav, delivery.Button{Text: strconv.Itoa(page+1) + "/" + strconv.Itoa(pages), Data: cb(vNoop, "")})
		if page < pages-1 {
			nav = append(nav, delivery.Button{Text: strconv.Itoa(page+2) + " ›", Data: cb(vStatusPage, page+1)})
		}
		kb = append(kb, nav)
	}
	kb = a.withBoard(t, kb)
	if t.cq != nil {
		t.ack("")
		t.editPressed(b.String(), kb)
		return nil
	}
	return t.reply(b.String(), kb)
}

// sendPicture sends the month's picture (dashboard.PictureData.Picture,
// the one the web's dashboard draws) as a PNG photo after the commit,
// within the chat's pace (App.direct), with a caption of the month's counts
// that fits Telegram's 1024 characters. Drawing it happens after the commit
// too, outside the transaction.
func (a *App) sendPicture(t *turn, d *dashboard.PictureData) {
	pic := d.Picture(func(id string, data map[string]any) string { return a.Cat.Plain(t.lang, id, 0, data) }, monthLabel)
	total := d.Total
	rate := "—"
	if r, ok := d.TotalRatings.Rate(); ok {
		rate = pct(t.lang, r)
	}
	caption := a.fitText(t.t("StatusPictureCaption", map[string]any{"Month": monthLabel(d.Month), "People": total.People,
		"Approved": total.Approved, "A": total.Grades.A, "B": total.Grades.B, "C": total.Grades.C, "D": total.Grades.D,
		"Missing": total.Missing, "Total": d.TotalRatings.Counted(), "Rate": rate,
		"Verified": d.TotalRatings.Verified, "Unverified": d.TotalRatings.Unverified()}), delivery.MaxCaption, "sendPhoto")
	chatID := t.chatID
	t.afterCommit = append(t.afterCommit, func(ctx context.Context) {
		img, err := chart.PNG(pic)
		if err != nil {
			a.Log.Warn("status picture", "err", err)
			return
		}
		_ = a.direct(ctx, true, chatID, func(ctx context.Context) error {
			_, err := a.Bot.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: chatID,
				Photo:   &models.InputFileUpload{Filename: "tinh-hinh-" + d.Month.String() + ".png", Data: bytes.NewReader(img)},
				Caption: caption, ParseMode: models.ParseModeHTML})
			return err
		})
	})
}

// onRemindMissing nudges everyone in the sender's scope who has not
// self-assessed; at most once a day per person (the outbox dedup key).
func (a *App) onRemindMissing(t *turn, c callback) error {
	ms, _ := c.str(0)
	m, err := calendar.ParseMonth(ms)
	if err != nil || m != a.assessMonth() {
		return staleOr(t, evaluation.ErrStale) // only the month /status shows now
	}
	today := a.today().String()
	sent, err := status.RemindMissing(t.ctx, t.tx, t.me.ID, m, func(r dashboard.Recipient) (bool, error) {
		ot := t.as(roster.Official{ID: r.ID, Language: r.Language})
		ok, err := delivery.Enqueue(t.ctx, t.tx, delivery.Message{ChatID: r.ChatID, OfficialID: r.ID,
			DedupKey: key("remind-assess-manual", r.ID, today), Text: ot.t("RemindSelfAssess", map[string]any{"Month": monthLabel(m)})})
		if ok {
			t.enqueued = true
		}
		return ok, err
	})
	if err != nil {
		return err
	}
	if sent == 0 {
		t.alert(t.t("RemindedAlready", nil))
		return nil
	}
	t.ack(t.T("RemindedN", sent, nil))
	return nil
}

// onDelegateMenu lets a head pick a deputy from their own unit.
func (a *App) onDelegateMenu(t *turn) error {
	subs, err := access.Deputies(t.ctx, t.tx, t.me.ID)
	if errors.Is(err, access.ErrNotAHead) {
		return t.reply(t.t("NotAHead", nil), nil)
	}
	if err != nil {
		return err
	}
	var kb delivery.Keyboard
	for _, o := range subs {
		kb = append(kb, []delivery.Button{{Text: o.FullName + " — " + o.Position, Data: cb(vDelegate, o.ID, 0)}})
	}
	if len(kb) == 0 {
		return t.reply(t.t("DelegateNobody", nil), nil)
	}
	return t.reply(t.t("DelegateChoose", nil), kb)
}

// onDelegate: first the deputy, then how long (access.Delegate).
func (a *App) onDelegate(t *turn, c callback) error {
	deputyID, err1 := c.id(0)
	days, err2 := c.id(1)
	if err1 != nil || err2 != nil {
		return staleOr(t, evaluation.ErrStale)
	}
	var deputy roster.Official
	var err error
	first, last := a.today(), a.today()
	if days == 0 {
		deputy, err = access.Deputy(t.ctx, t.tx, t.me.ID, deputyID)
	} else {
		deputy, last, err = access.Delegate(t.ctx, t.tx, t.me.ID, deputyID, int(days), first)
	}
	switch {
	case errors.Is(err, access.ErrNotAHead):
		return staleOr(t, evaluation.ErrStale)
	case errors.Is(err, access.ErrForbidden):
		t.alert(t.t("NotAuthorized", nil))
		return nil
	case err != nil:
		return staleOr(t, err)
	}
	if days == 0 {
		t.ack("")
		var row []delivery.Button
		for _, n := range access.DelegationDays {
			row = append(row, delivery.Button{Text: t.T("DaysN", n, nil), Data: cb(vDelegate, deputyID, n)})
		}
		t.editPressed(t.t("DelegateHowLong", map[string]any{"Name": deputy.FullName}), delivery.Keyboard{row})
		return nil
	}
	t.ack(t.t("DelegatedToast", map[string]any{"Name": deputy.FullName, "To": day(last)}))
	t.editPressed(t.t("DelegateDone", map[string]any{"Name": deputy.FullName, "From": day(first), "To": day(last)}), nil)
	if deputy.ChatID == nil {
		return nil
	}
	dt := t.as(deputy)
	return t.send(delivery.Message{ChatID: *deputy.ChatID, OfficialID: deputy.ID,
		Text: dt.t("DelegateNotice", map[string]any{"Head": t.me.FullName, "From": day(first), "To": day(last)})})
}

func (a *App) onUndelegate(t *turn) error {
	ok, err := evaluation.RevokeDelegation(t.ctx, t.tx, t.me.ID)
	if err != nil {
		return err
	}
	if !ok {
		return t.reply(t.t("DelegateNone", nil), nil)
	}
	return t.reply(t.t("DelegateRevoked", nil), nil)
}

// onHistory shows the sender their own audit trail (who changed what, when,
// why), newest first: the 15 newest changes, as many as one message holds,
// and the count of the older ones. Each change reads as a sentence
// (historyLine), never as the audit log's JSON.
func (a *App) onHistory(t *turn) error {
	changes, total, err := status.History(t.ctx, t.tx, t.me.ID, 15)
	if err != nil {
		return err
	}
	var lines []string
	for _, e := range changes {
		lines = append(lines, historyLine(t, e))
	}
	title := "<b>" + t.t("HistoryTitle", nil) + "</b>\n"
	if len(lines) == 0 {
		return t.reply(title+t.t("HistoryEmpty", nil), nil)
	}
	older := total - len(lines) // beyond the 15 read
	return t.reply(delivery.FitList(title, lines, "\n", "", delivery.MaxText, 0,
		func(n int) string { return t.T("MoreOlder", n+older, nil) }), nil)
}

// HistoryKey is the locale message of an audit kind in /history: a verb
// phrase («duyệt kế hoạch») that follows who did it. A kind without one
// reads as HistoryUnknown («cập nhật hồ sơ của anh/chị»).
func HistoryKey(entity, action string) string { return "History_" + entity + "_" + action }

// historyDetails are the values of an audit kind's before/after JSON that
// /history shows after the sentence, by kind (entity/action): only fields
// named here are ever shown, so a column name or an internal status never
// reaches a person.
var historyDetails = map[string]func(t *turn, before, after map[string]any) string{
	"task/weigh":                   fromTo("weight"),
	"assessment/adjust_bonus":      fromTo("bonus"),
	"assessment/manual_task_score": fromTo("manual_task_score"),
	"assessment/adjust_criterion": func(t *turn, before, after map[string]any) string {
		for k := range after { // one criterion per entry
			return fromTo(k)(t, before, after)
		}
		return ""
	},
	"assessment/approve":      result,
	"assessment/quota_demote": result,
}

// fromTo shows field's value before and after: «1 → 2».
func fromTo(field string) func(t *turn, before, after map[string]any) string {
	return func(t *turn, before, after map[string]any) string {
		return t.t("HistoryFromTo", map[string]any{"From": historyValue(t, before[field]), "To": historyValue(t, after[field])})
	}
}

// result shows the points and the grade after: «85,5 điểm, xếp loại B».
func result(t *turn, _, after map[string]any) string {
	total, ok := after["total"].(float64)
	grade, _ := after["grade"].(string)
	if !ok || grade == "" {
		return ""
	}
	return t.t("HistoryResult", map[string]any{"Points": total, "Grade": grade})
}

// historyValue writes a JSON number as the language writes numbers, and
// nothing (null, a string, an object) as «—».
func historyValue(t *turn, v any) string {
	if f, ok := v.(float64); ok {
		return locale.Decimal(t.lang, f)
	}
	return "—"
}

// historyLine is one change of /history as a sentence: «20/11 09:15 —
// Trần Thị Trưởng duyệt kết quả: 85,5 điểm, xếp loại B», and the reason on
// the next line. The sentence is the kind's HistoryKey, or HistoryUnknown.
func historyLine(t *turn, e status.Change) string {
	who := e.Who
	if who == "" {
		who = t.t("TheSystem", nil)
	}
	what := t.t("HistoryUnknown", nil)
	if t.a().Cat.Has(t.lang, HistoryKey(e.Entity, e.Action)) {
		what = t.t(HistoryKey(e.Entity, e.Action), nil)
	}
	line := t.t("HistoryLine", map[string]any{"When": e.At.In(calendar.Location).Format("02/01 15:04"),
		"Who": who, "What": locale.HTML(what)})
	if detail, ok := historyDetails[e.Entity+"/"+e.Action]; ok {
		var before, after map[string]any
		_ = json.Unmarshal([]byte(e.Before), &before) // "" or null: no values
		_ = json.Unmarshal([]byte(e.After), &after)
		if d := detail(t, before, after); d != "" {
			line += ": " + d
		}
	}
	if e.Reason != "" {
		line += "\n   " + t.t("ReasonLine", map[string]any{"Reason": e.Reason})
	}
	return line
}
