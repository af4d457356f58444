package citizenchat

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"evalbot/internal/app/access"
	"evalbot/internal/app/desks"
	"evalbot/internal/calendar"
	"evalbot/internal/citizen"
	"evalbot/internal/delivery"
	"evalbot/internal/roster"
	"evalbot/internal/telegram/chat"
	"evalbot/internal/textnorm"
)

// The centre's head manages the one-stop shop's desks from Telegram: who
// serves at each by default and on a given day, the QR code (rotate, get
// the printable sign), pause or resume, add a desk. Authorization comes
// from the database on every press: the head of the desk's unit or of a
// unit above it (citizen.CanManage).

// OnDesksCommand (/desks) lists the desks the head manages.
func OnDesksCommand(t chat.Turn) error {
	if !t.Me().IsHead {
		return t.Reply(t.T("DesksNotHead", nil), nil)
	}
	text, kb, err := deskList(t)
	if err != nil {
		return err
	}
	return t.Reply(text, kb)
}

func deskList(t chat.Turn) (string, delivery.Keyboard, error) {
	desks, err := citizen.DesksUnder(t.Ctx(), t.Tx(), t.Me().UnitID)
	if err != nil {
		return "", nil, err
	}
	var b strings.Builder
	b.WriteString(t.T("DesksTitle", nil))
	if len(desks) == 0 {
		b.WriteString("\n" + t.T("DesksNone", nil))
	}
	today := t.Today()
	var kb delivery.Keyboard
	var row []delivery.Button
	for _, d := range desks {
		who := t.T("DeskUnassigned", nil)
		if id, ok, err := citizen.ServingOn(t.Ctx(), t.Tx(), d.ID, today); err != nil {
			return "", nil, err
		} else if ok {
			if o, err := roster.OfficialByID(t.Ctx(), t.Tx(), id); err == nil {
				who = chat.Escape(o.FullName)
			}
		}
		mark := ""
		if !d.Active {
			mark = "⏸ "
		}
		b.WriteString("\n" + mark + "<b>" + chat.Escape(d.Code) + "</b> · " + chat.Escape(d.Name) + " — " + who)
		row = append(row, delivery.Button{Text: d.Code, Data: chat.Data(vCitDesk, d.ID)})
		if len(row) == 3 {
			kb, row = append(kb, row), nil
		}
	}
	if len(row) > 0 {
		kb = append(kb, row)
	}
	kb = append(kb, []delivery.Button{{Text: t.T("BtnDeskAdd", nil), Data: chat.Data(vCitAddDesk)}})
	return b.String(), kb, nil
}

// deskView: the desk, who serves by default, today and on the coming duty
// days, the rating link, and what the head can change.
func deskView(t chat.Turn, d citizen.Desk) (string, delivery.Keyboard, error) {
	name := t.T("DeskUnassigned", nil)
	if d.OfficialID != nil {
		if o, err := roster.OfficialByID(t.Ctx(), t.Tx(), *d.OfficialID); err == nil {
			name = o.FullName
		}
	}
	var b strings.Builder
	b.WriteString(t.T("DeskView", map[string]any{"Code": d.Code, "Desk": d.Name, "Unit": d.UnitName, "Name": name}))
	today := t.Today()
	duties, err := citizen.Duties(t.Ctx(), t.Tx(), d.ID, today, today.AddDays(14))
	if err != nil {
		return "", nil, err
	}
	if len(duties) > 0 {
		b.WriteString("\n" + t.T("DeskDuties", nil))
		for _, du := range duties {
			if o, err := roster.OfficialByID(t.Ctx(), t.Tx(), du.OfficialID); err == nil {
				b.WriteString("\n• " + chat.Day(du.Day) + ": " + chat.Escape(o.FullName))
			}
		}
	}
	code, err := citizen.ActiveCode(t.Ctx(), t.Tx(), d.ID, t.Now())
	if err != nil {
		return "", nil, err
	}
	b.WriteString("\n" + t.T("DeskLink", map[string]any{"Link": citizen.DeepLink(t.BotName(), code.Code)}))
	if !d.Active {
		b.WriteString("\n" + t.T("DeskPaused", nil))
	}
	toggle := delivery.Button{Text: t.T("BtnDeskPause", nil), Data: chat.Data(vCitActive, d.ID, "0")}
	if !d.Active {
		toggle = delivery.Button{Text: t.T("BtnDeskResume", nil), Data: chat.Data(vCitActive, d.ID, "1")}
	}
	kb := delivery.Keyboard{
		{{Text: t.T("BtnDeskDefault", nil), Data: chat.Data(vCitDefault, d.ID)}, {Text: t.T("BtnDeskDuty", nil), Data: chat.Data(vCitDays, d.ID)}},
		{{Text: t.T("BtnDeskRotate", nil), Data: chat.Data(vCitRotate, d.ID)}, {Text: t.T("BtnDeskSign", nil), Data: chat.Data(vCitSign, d.ID)}},
		{toggle},
		{{Text: t.T("BtnBack", nil), Data: chat.Data(vCitDesks)}},
	}
	return b.String(), kb, nil
}

// membersPerPage keeps the choice of an official within Telegram's 100
// buttons in a unit of any size (a centre of 180 people has 5 pages).
const membersPerPage = 40

// memberButtons: two names a row, each setting the desk's official for
// dayN (0: the default), membersPerPage a page (page from 0), ‹ n/N › to
// turn.
func memberButtons(t chat.Turn, d citizen.Desk, dayN int64, page int) (delivery.Keyboard, error) {
	ms, err := desks.Members(t.Ctx(), t.Tx(), d.UnitID)
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
		row = append(row, delivery.Button{Text: name, Data: chat.Data(vCitDuty, d.ID, dayN, m.ID)})
		if len(row) == 2 {
			kb, row = append(kb, row), nil
		}
	}
	if len(row) > 0 {
		kb = append(kb, row)
	}
	if nav := chat.PageNav(page, pages, func(p int) string { return chat.Data(vCitDuty, d.ID, dayN, "p"+strconv.Itoa(p)) }); nav != nil {
		kb = append(kb, nav)
	}
	if dayN != 0 {
		kb = append(kb, []delivery.Button{{Text: t.T("BtnDeskAsDefault", nil), Data: chat.Data(vCitDuty, d.ID, dayN, int64(0))}})
	}
	return append(kb, []delivery.Button{{Text: t.T("BtnBack", nil), Data: chat.Data(vCitDesk, d.ID)}}), nil
}

func onDeskCallback(t chat.Turn, c chat.Callback) error {
	if t.Me() == nil {
		t.Alert(t.T("NotAuthorized", nil))
		return nil
	}
	switch c.Verb {
	case vCitDesks:
		if !t.Me().IsHead {
			t.Alert(t.T("NotAuthorized", nil))
			return nil
		}
		text, kb, err := deskList(t)
		if err != nil {
			return err
		}
		t.EditPressed(text, kb)
		return nil
	case vCitAddDesk:
		if !t.Me().IsHead {
			t.Alert(t.T("NotAuthorized", nil))
			return nil
		}
		if err := setStep(t, stepDeskAdd, stepData{}); err != nil {
			return err
		}
		t.Ack("")
		return t.Reply(t.T("DeskAddAsk", nil), nil)
	}
	id, err := c.ID(0)
	if err != nil {
		t.Alert(t.T("ErrorStale", nil))
		return nil
	}
	d, err := desks.Managed(t.Ctx(), t.Tx(), t.Me().ID, id)
	switch {
	case errors.Is(err, citizen.ErrNotFound):
		t.Alert(t.T("ErrorStale", nil))
		return nil
	case errors.Is(err, access.ErrForbidden):
		t.Alert(t.T("NotAuthorized", nil))
		return nil
	case err != nil:
		return err
	}
	show := func(d citizen.Desk, prefix string) error {
		text, kb, err := deskView(t, d)
		if err != nil {
			return err
		}
		if prefix != "" {
			text = prefix + "\n\n" + text
		}
		t.EditPressed(text, kb)
		return nil
	}
	switch c.Verb {
	case vCitDesk:
		return show(d, "")
	case vCitDefault:
		kb, err := memberButtons(t, d, 0, 0)
		if err != nil {
			return err
		}
		t.EditPressed(t.T("DeskChooseDefault", map[string]any{"Desk": d.Name}), kb)
		return nil
	case vCitDays:
		var kb delivery.Keyboard
		var row []delivery.Button
		for _, dd := range dutyDays(t) {
			row = append(row, delivery.Button{Text: chat.Day(dd), Data: chat.Data(vCitDuty, d.ID, dayNum(dd))})
			if len(row) == 3 {
				kb, row = append(kb, row), nil
			}
		}
		if len(row) > 0 {
			kb = append(kb, row)
		}
		kb = append(kb, []delivery.Button{{Text: t.T("BtnBack", nil), Data: chat.Data(vCitDesk, d.ID)}})
		t.EditPressed(t.T("DeskChooseDay", map[string]any{"Desk": d.Name}), kb)
		return nil
	case vCitDuty:
		dn, err := c.ID(1)
		if err != nil {
			t.Alert(t.T("ErrorStale", nil))
			return nil
		}
		var on calendar.Date
		if dn != 0 {
			var ok bool
			if on, ok = numDay(dn); !ok || !slices.Contains(dutyDays(t), on) { // only a day the menu offers
				t.Alert(t.T("ErrorStale", nil))
				return nil
			}
		}
		if len(c.Args) < 3 || strings.HasPrefix(c.Args[2], "p") { // a day was chosen (or a page turned): now who
			page := 0
			if len(c.Args) >= 3 {
				page, _ = strconv.Atoi(c.Args[2][1:])
			}
			kb, err := memberButtons(t, d, dn, page)
			if err != nil {
				return err
			}
			text := t.T("DeskChooseDefault", map[string]any{"Desk": d.Name})
			if dn != 0 {
				text = t.T("DeskChooseDuty", map[string]any{"Desk": d.Name, "Date": chat.Day(on)})
			}
			t.EditPressed(text, kb)
			return nil
		}
		who, err := c.ID(2)
		if err != nil {
			t.Alert(t.T("ErrorStale", nil))
			return nil
		}
		var official *int64
		if who != 0 {
			official = &who
		}
		if dn == 0 {
			d, err = citizen.SetDefault(t.Ctx(), t.Tx(), d.ID, official, &t.Me().ID)
		} else {
			err = citizen.SetDuty(t.Ctx(), t.Tx(), d.ID, on, official, &t.Me().ID)
		}
		if errors.Is(err, citizen.ErrBadDesk) {
			t.Alert(t.T("ErrorStale", nil))
			return nil
		}
		if err != nil {
			return err
		}
		name := t.T("DeskUnassigned", nil)
		if official != nil {
			o, err := roster.OfficialByID(t.Ctx(), t.Tx(), *official)
			if err != nil {
				return err
			}
			name = o.FullName
		}
		if dn == 0 {
			t.Ack(t.T("DeskDefaultToast", map[string]any{"Desk": d.Name, "Name": name}))
		} else {
			if official == nil {
				name = strings.TrimSpace(strings.TrimPrefix(t.T("BtnDeskAsDefault", nil), "↺"))
			}
			t.Ack(t.T("DeskDutyToast", map[string]any{"Desk": d.Name, "Date": chat.Day(on), "Name": name}))
		}
		return show(d, "")
	case vCitRotate:
		if confirm, _ := c.Str(1); confirm != "y" {
			t.EditPressed(t.T("DeskRotateAsk", map[string]any{"Desk": d.Name}), delivery.Keyboard{
				{{Text: t.T("BtnConfirm", nil), Data: chat.Data(vCitRotate, d.ID, "y")}},
				{{Text: t.T("BtnBack", nil), Data: chat.Data(vCitDesk, d.ID)}},
			})
			return nil
		}
		if _, err := citizen.Rotate(t.Ctx(), t.Tx(), d.ID, &t.Me().ID, t.Now()); err != nil {
			return err
		}
		t.Ack(t.T("DeskRotated", nil))
		return show(d, t.T("DeskRotated", nil))
	case vCitActive:
		v, _ := c.Str(1)
		d, err = citizen.SetActive(t.Ctx(), t.Tx(), d.ID, v == "1", &t.Me().ID)
		if err != nil {
			return err
		}
		if d.Active {
			t.Ack(t.T("DeskResumedToast", map[string]any{"Desk": d.Name}))
		} else {
			t.Ack(t.T("DeskPausedToast", map[string]any{"Desk": d.Name}))
		}
		return show(d, "")
	case vCitSign:
		t.Ack("")
		return sendSign(t, d)
	}
	t.Alert(t.T("ErrorStale", nil))
	return nil
}

// signText is what a desk's printed sign says, in Vietnamese (the sign is
// for citizens, whatever the head's language).
func signText(t chat.Turn, d citizen.Desk) citizen.SignText {
	cat := t.Catalog()
	return citizen.SignText{Title: d.Name, Lines: []string{cat.T("vi", "QRSignInstruction", nil), cat.T("vi", "QRSignHint", nil)}, Footer: d.Code}
}

// sendSign sends the printable QR sign as a PNG document (a photo would be
// recompressed). It changes nothing, so it is sent at once.
func sendSign(t chat.Turn, d citizen.Desk) error {
	code, err := citizen.ActiveCode(t.Ctx(), t.Tx(), d.ID, t.Now())
	if err != nil {
		return err
	}
	png, err := citizen.SignPNG(citizen.DeepLink(t.BotName(), code.Code), signText(t, d))
	if err != nil {
		return err
	}
	// Within the chat's pace, and again after a 429's retry_after (a
	// failure is logged).
	t.Document(d.Code+".png", png, t.T("DeskSignCaption", map[string]any{"Code": d.Code, "Desk": d.Name}))
	return nil
}

// onDeskAddText: "code | name | employee code" from a head.
func onDeskAddText(t chat.Turn, d stepData, text string) error {
	bad := func(reason string) error {
		return t.Reply(t.T("DeskAddBad", map[string]any{"Reason": t.T("DeskErr_"+reason, nil)}), nil)
	}
	parts := strings.Split(text, "|")
	for i := range parts {
		parts[i] = textnorm.Clean(parts[i])
	}
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		return bad("format")
	}
	in := citizen.DeskInput{Code: parts[0], Name: parts[1], UnitID: t.Me().UnitID}
	if len(parts) == 3 && parts[2] != "" {
		o, err := roster.OfficialByCode(t.Ctx(), t.Tx(), parts[2])
		if errors.Is(err, roster.ErrNotFound) || err == nil && !o.Active {
			return bad("official")
		}
		if err != nil {
			return err
		}
		in.UnitID, in.OfficialID = o.UnitID, &o.ID
	}
	if err := desks.MayManage(t.Ctx(), t.Tx(), t.Me().ID, in.UnitID); errors.Is(err, access.ErrForbidden) {
		return bad("official")
	} else if err != nil {
		return err
	}
	desk, err := citizen.CreateDesk(t.Ctx(), t.Tx(), in, &t.Me().ID, t.Now())
	switch {
	case errors.Is(err, citizen.ErrCodeTaken):
		return bad("taken")
	case errors.Is(err, citizen.ErrBadDesk):
		return bad("code")
	case err != nil:
		return err
	}
	if err := clearStep(t); err != nil {
		return err
	}
	view, kb, err := deskView(t, desk)
	if err != nil {
		return err
	}
	return t.Reply(t.T("DeskCreated", map[string]any{"Code": desk.Code})+"\n\n"+view, kb)
}

// dutyDays are the days a duty can be set for: the next six working days
// from today (the menu's buttons, and all a button may name).
func dutyDays(t chat.Turn) []calendar.Date {
	var out []calendar.Date
	for dd := t.Today(); len(out) < 6; dd = dd.AddDays(1) {
		if t.Calendar().IsWorkingDay(dd) {
			out = append(out, dd)
		}
	}
	return out
}
