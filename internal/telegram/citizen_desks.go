package telegram

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"evalbot/internal/app/access"
	"evalbot/internal/app/desks"
	"evalbot/internal/calendar"
	"evalbot/internal/citizen"
	"evalbot/internal/delivery"
	"evalbot/internal/roster"
	"evalbot/internal/textnorm"
)

// The centre's head manages the one-stop shop's desks from Telegram: who
// serves at each by default and on a given day, the QR code (rotate, get
// the printable sign), pause or resume, add a desk. Authorization comes
// from the database on every press: the head of the desk's unit or of a
// unit above it (citizen.CanManage).

// onDesksCommand lists the desks the head manages.
func (a *App) onDesksCommand(t *turn) error {
	if !t.me.IsHead {
		return t.reply(t.t("DesksNotHead", nil), nil)
	}
	text, kb, err := a.deskList(t)
	if err != nil {
		return err
	}
	return t.reply(text, kb)
}

func (a *App) deskList(t *turn) (string, delivery.Keyboard, error) {
	desks, err := citizen.DesksUnder(t.ctx, t.tx, t.me.UnitID)
	if err != nil {
		return "", nil, err
	}
	var b strings.Builder
	b.WriteString(t.t("DesksTitle", nil))
	if len(desks) == 0 {
		b.WriteString("\n" + t.t("DesksNone", nil))
	}
	today := a.today()
	var kb delivery.Keyboard
	var row []delivery.Button
	for _, d := range desks {
		who := t.t("DeskUnassigned", nil)
		if id, ok, err := citizen.ServingOn(t.ctx, t.tx, d.ID, today); err != nil {
			return "", nil, err
		} else if ok {
			if o, err := roster.OfficialByID(t.ctx, t.tx, id); err == nil {
				who = escape(o.FullName)
			}
		}
		mark := ""
		if !d.Active {
			mark = "⏸ "
		}
		b.WriteString("\n" + mark + "<b>" + escape(d.Code) + "</b> · " + escape(d.Name) + " — " + who)
		row = append(row, delivery.Button{Text: d.Code, Data: cb(vCitDesk, d.ID)})
		if len(row) == 3 {
			kb, row = append(kb, row), nil
		}
	}
	if len(row) > 0 {
		kb = append(kb, row)
	}
	kb = append(kb, []delivery.Button{{Text: t.t("BtnDeskAdd", nil), Data: cb(vCitAddDesk)}})
	return b.String(), kb, nil
}

// deskView: the desk, who serves by default, today and on the coming duty
// days, the rating link, and what the head can change.
func (a *App) deskView(t *turn, d citizen.Desk) (string, delivery.Keyboard, error) {
	name := t.t("DeskUnassigned", nil)
	if d.OfficialID != nil {
		if o, err := roster.OfficialByID(t.ctx, t.tx, *d.OfficialID); err == nil {
			name = o.FullName
		}
	}
	var b strings.Builder
	b.WriteString(t.t("DeskView", map[string]any{"Code": d.Code, "Desk": d.Name, "Unit": d.UnitName, "Name": name}))
	today := a.today()
	duties, err := citizen.Duties(t.ctx, t.tx, d.ID, today, today.AddDays(14))
	if err != nil {
		return "", nil, err
	}
	if len(duties) > 0 {
		b.WriteString("\n" + t.t("DeskDuties", nil))
		for _, du := range duties {
			if o, err := roster.OfficialByID(t.ctx, t.tx, du.OfficialID); err == nil {
				b.WriteString("\n• " + day(du.Day) + ": " + escape(o.FullName))
			}
		}
	}
	code, err := citizen.ActiveCode(t.ctx, t.tx, d.ID, a.Now())
	if err != nil {
		return "", nil, err
	}
	b.WriteString("\n" + t.t("DeskLink", map[string]any{"Link": citizen.DeepLink(a.botName(t), code.Code)}))
	if !d.Active {
		b.WriteString("\n" + t.t("DeskPaused", nil))
	}
	toggle := delivery.Button{Text: t.t("BtnDeskPause", nil), Data: cb(vCitActive, d.ID, "0")}
	if !d.Active {
		toggle = delivery.Button{Text: t.t("BtnDeskResume", nil), Data: cb(vCitActive, d.ID, "1")}
	}
	kb := delivery.Keyboard{
		{{Text: t.t("BtnDeskDefault", nil), Data: cb(vCitDefault, d.ID)}, {Text: t.t("BtnDeskDuty", nil), Data: cb(vCitDays, d.ID)}},
		{{Text: t.t("BtnDeskRotate", nil), Data: cb(vCitRotate, d.ID)}, {Text: t.t("BtnDeskSign", nil), Data: cb(vCitSign, d.ID)}},
		{toggle},
		{{Text: t.t("BtnBack", nil), Data: cb(vCitDesks)}},
	}
	return b.String(), kb, nil
}

// membersPerPage keeps the choice of an official within Telegram's 100
// buttons in a unit of any size (a centre of 180 people has 5 pages).
const membersPerPage = 40

// memberButtons: two names a row, each setting the desk's official for
// dayN (0: the default), membersPerPage a page (page from 0), ‹ n/N › to
// turn.
func memberButtons(t *turn, d citizen.Desk, dayN int64, page int) (delivery.Keyboard, error) {
	ms, err := desks.Members(t.ctx, t.tx, d.UnitID)
	if err != nil {
		return nil, err
	}
	pages := max(1, (len(ms)+membersPerPage-1)/membersPerPage)
	page = min(max(page, 0), pages-1)
	ms = ms[page*membersPerPage : min(len(ms), (page+1)*membersPerPage)]
	var kb delivery.Keyboard
	var row []delivery.Button
	for _, m := range ms {
		name := m.Name
		if r := []rune(name); len(r) > 30 {
			name = string(r[:29]) + "…"
		}
		row = append(row, delivery.Button{Text: name, Data: cb(vCitDuty, d.ID, dayN, m.ID)})
		if len(row) == 2 {
			kb, row = append(kb, row), nil
		}
	}
	if len(row) > 0 {
		kb = append(kb, row)
	}
	if nav := pageNav(page, pages, func(p int) string { return cb(vCitDuty, d.ID, dayN, "p"+strconv.Itoa(p)) }); nav != nil {
		kb = append(kb, nav)
	}
	if dayN != 0 {
		kb = append(kb, []delivery.Button{{Text: t.t("BtnDeskAsDefault", nil), Data: cb(vCitDuty, d.ID, dayN, int64(0))}})
	}
	return append(kb, []delivery.Button{{Text: t.t("BtnBack", nil), Data: cb(vCitDesk, d.ID)}}), nil
}

func (a *App) onDeskCallback(t *turn, c callback) error {
	if t.me == nil {
		t.alert(t.t("NotAuthorized", nil))
		return nil
	}
	switch c.verb {
	case vCitDesks:
		if !t.me.IsHead {
			t.alert(t.t("NotAuthorized", nil))
			return nil
		}
		text, kb, err := a.deskList(t)
		if err != nil {
			return err
		}
		t.editPressed(text, kb)
		return nil
	case vCitAddDesk:
		if !t.me.IsHead {
			t.alert(t.t("NotAuthorized", nil))
			return nil
		}
		if err := t.setStep(stepDeskAdd, stepData{}); err != nil {
			return err
		}
		t.ack("")
		return t.reply(t.t("DeskAddAsk", nil), nil)
	}
	id, err := c.id(0)
	if err != nil {
		t.alert(t.t("ErrorStale", nil))
		return nil
	}
	d, err := desks.Managed(t.ctx, t.tx, t.me.ID, id)
	switch {
	case errors.Is(err, citizen.ErrNotFound):
		t.alert(t.t("ErrorStale", nil))
		return nil
	case errors.Is(err, access.ErrForbidden):
		t.alert(t.t("NotAuthorized", nil))
		return nil
	case err != nil:
		return err
	}
	show := func(d citizen.Desk, prefix string) error {
		text, kb, err := a.deskView(t, d)
		if err != nil {
			return err
		}
		if prefix != "" {
			text = prefix + "\n\n" + text
		}
		t.editPressed(text, kb)
		return nil
	}
	switch c.verb {
	case vCitDesk:
		return show(d, "")
	case vCitDefault:
		kb, err := memberButtons(t, d, 0, 0)
		if err != nil {
			return err
		}
		t.editPressed(t.t("DeskChooseDefault", map[string]any{"Desk": d.Name}), kb)
		return nil
	case vCitDays:
		var kb delivery.Keyboard
		var row []delivery.Button
		for _, dd := range a.dutyDays() {
			row = append(row, delivery.Button{Text: day(dd), Data: cb(vCitDuty, d.ID, dayNum(dd))})
			if len(row) == 3 {
				kb, row = append(kb, row), nil
			}
		}
		if len(row) > 0 {
			kb = append(kb, row)
		}
		kb = append(kb, []delivery.Button{{Text: t.t("BtnBack", nil), Data: cb(vCitDesk, d.ID)}})
		t.editPressed(t.t("DeskChooseDay", map[string]any{"Desk": d.Name}), kb)
		return nil
	case vCitDuty:
		dn, err := c.id(1)
		if err != nil {
			t.alert(t.t("ErrorStale", nil))
			return nil
		}
		var on calendar.Date
		if dn != 0 {
			var ok bool
			if on, ok = numDay(dn); !ok || !slices.Contains(a.dutyDays(), on) { // only a day the menu offers
				t.alert(t.t("ErrorStale", nil))
				return nil
			}
		}
		if len(c.args) < 3 || strings.HasPrefix(c.args[2], "p") { // a day was chosen (or a page turned): now who
			page := 0
			if len(c.args) >= 3 {
				page, _ = strconv.Atoi(c.args[2][1:])
			}
			kb, err := memberButtons(t, d, dn, page)
			if err != nil {
				return err
			}
			text := t.t("DeskChooseDefault", map[string]any{"Desk": d.Name})
			if dn != 0 {
				text = t.t("DeskChooseDuty", map[string]any{"Desk": d.Name, "Date": day(on)})
			}
			t.editPressed(text, kb)
			return nil
		}
		who, err := c.id(2)
		if err != nil {
			t.alert(t.t("ErrorStale", nil))
			return nil
		}
		var official *int64
		if who != 0 {
			official = &who
		}
		if dn == 0 {
			d, err = citizen.SetDefault(t.ctx, t.tx, d.ID, official, &t.me.ID)
		} else {
			err = citizen.SetDuty(t.ctx, t.tx, d.ID, on, official, &t.me.ID)
		}
		if errors.Is(err, citizen.ErrBadDesk) {
			t.alert(t.t("ErrorStale", nil))
			return nil
		}
		if err != nil {
			return err
		}
		name := t.t("DeskUnassigned", nil)
		if official != nil {
			o, err := roster.OfficialByID(t.ctx, t.tx, *official)
			if err != nil {
				return err
			}
			name = o.FullName
		}
		if dn == 0 {
			t.ack(t.t("DeskDefaultToast", map[string]any{"Desk": d.Name, "Name": name}))
		} else {
			if official == nil {
				name = strings.TrimSpace(strings.TrimPrefix(t.t("BtnDeskAsDefault", nil), "↺"))
			}
			t.ack(t.t("DeskDutyToast", map[string]any{"Desk": d.Name, "Date": day(on), "Name": name}))
		}
		return show(d, "")
	case vCitRotate:
		if confirm, _ := c.str(1); confirm != "y" {
			t.editPressed(t.t("DeskRotateAsk", map[string]any{"Desk": d.Name}), delivery.Keyboard{
				{{Text: t.t("BtnConfirm", nil), Data: cb(vCitRotate, d.ID, "y")}},
				{{Text: t.t("BtnBack", nil), Data: cb(vCitDesk, d.ID)}},
			})
			return nil
		}
		if _, err := citizen.Rotate(t.ctx, t.tx, d.ID, &t.me.ID, a.Now()); err != nil {
			return err
		}
		t.ack(t.t("DeskRotated", nil))
		return show(d, t.t("DeskRotated", nil))
	case vCitActive:
		v, _ := c.str(1)
		d, err = citizen.SetActive(t.ctx, t.tx, d.ID, v == "1", &t.me.ID)
		if err != nil {
			return err
		}
		if d.Active {
			t.ack(t.t("DeskResumedToast", map[string]any{"Desk": d.Name}))
		} else {
			t.ack(t.t("DeskPausedToast", map[string]any{"Desk": d.Name}))
		}
		return show(d, "")
	case vCitSign:
		t.ack("")
		return a.sendSign(t, d)
	}
	t.alert(t.t("ErrorStale", nil))
	return nil
}

// signText is what a desk's printed sign says, in Vietnamese (the sign is
// for citizens, whatever the head's language).
func (a *App) signText(d citizen.Desk) citizen.SignText {
	return citizen.SignText{Title: d.Name, Lines: []string{a.Cat.T("vi", "QRSignInstruction", nil), a.Cat.T("vi", "QRSignHint", nil)}, Footer: d.Code}
}

// sendSign sends the printable QR sign as a PNG document (a photo would be
// recompressed). It changes nothing, so it is sent at once.
func (a *App) sendSign(t *turn, d citizen.Desk) error {
	code, err := citizen.ActiveCode(t.ctx, t.tx, d.ID, a.Now())
	if err != nil {
		return err
	}
	png, err := citizen.SignPNG(citizen.DeepLink(a.botName(t), code.Code), a.signText(d))
	if err != nil {
		return err
	}
	// Within the chat's pace, and again after a 429's retry_after (direct,
	// which logs a failure).
	_ = a.direct(t.ctx, true, t.chatID, func(ctx context.Context) error {
		_, err := a.Bot.SendDocument(ctx, &bot.SendDocumentParams{ChatID: t.chatID,
			Document:  &models.InputFileUpload{Filename: d.Code + ".png", Data: bytes.NewReader(png)},
			Caption:   a.fitText(t.t("DeskSignCaption", map[string]any{"Code": d.Code, "Desk": d.Name}), delivery.MaxCaption, "sendDocument"),
			ParseMode: models.ParseModeHTML})
		return err
	})
	return nil
}

// onDeskAddText: "code | name | employee code" from a head.
func (a *App) onDeskAddText(t *turn, d stepData, text string) error {
	bad := func(reason string) error {
		return t.reply(t.t("DeskAddBad", map[string]any{"Reason": t.t("DeskErr_"+reason, nil)}), nil)
	}
	parts := strings.Split(text, "|")
	for i := range parts {
		parts[i] = textnorm.Clean(parts[i])
	}
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		return bad("format")
	}
	in := citizen.DeskInput{Code: parts[0], Name: parts[1], UnitID: t.me.UnitID}
	if len(parts) == 3 && parts[2] != "" {
		o, err := roster.OfficialByCode(t.ctx, t.tx, parts[2])
		if errors.Is(err, roster.ErrNotFound) || err == nil && !o.Active {
			return bad("official")
		}
		if err != nil {
			return err
		}
		in.UnitID, in.OfficialID = o.UnitID, &o.ID
	}
	if err := desks.MayManage(t.ctx, t.tx, t.me.ID, in.UnitID); errors.Is(err, access.ErrForbidden) {
		return bad("official")
	} else if err != nil {
		return err
	}
	desk, err := citizen.CreateDesk(t.ctx, t.tx, in, &t.me.ID, a.Now())
	switch {
	case errors.Is(err, citizen.ErrCodeTaken):
		return bad("taken")
	case errors.Is(err, citizen.ErrBadDesk):
		return bad("code")
	case err != nil:
		return err
	}
	if err := t.clearStep(); err != nil {
		return err
	}
	view, kb, err := a.deskView(t, desk)
	if err != nil {
		return err
	}
	return t.reply(t.t("DeskCreated", map[string]any{"Code": desk.Code})+"\n\n"+view, kb)
}

// dutyDays are the days a duty can be set for: the next six working days
// from today (the menu's buttons, and all a button may name).
func (a *App) dutyDays() []calendar.Date {
	var out []calendar.Date
	for dd := a.today(); len(out) < 6; dd = dd.AddDays(1) {
		if a.Cal.IsWorkingDay(dd) {
			out = append(out, dd)
		}
	}
	return out
}
