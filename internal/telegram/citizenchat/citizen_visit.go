package citizenchat

import (
	"strings"

	"evalbot/internal/calendar"
	"evalbot/internal/citizen"
	"evalbot/internal/signin"
	"evalbot/internal/telegram/chat"
)

// OnVisitCommand: /visit [DESK-CODE] — the official on duty gets a
// per-visit code (citizen.NewVisitCode: one rating, 30 minutes, verified)
// as a QR image of EVALBOT_PUBLIC_URL/v/<code>, to show the citizen in
// front of them; the web's /visit page makes the same codes. With several
// desks today and no code given, the reply lists them.
func OnVisitCommand(t chat.Turn, arg string) error {
	desks, err := citizen.DutyDesks(t.Ctx(), t.Tx(), t.Me().ID, t.Today())
	if err != nil {
		return err
	}
	var pick []citizen.Desk
	for _, d := range desks {
		if arg == "" || strings.EqualFold(arg, d.Code) {
			pick = append(pick, d)
		}
	}
	switch {
	case len(pick) == 0:
		return t.Reply(t.T("WebVisitNotOnDuty", nil), nil)
	case len(pick) > 1:
		lines := make([]string, len(pick))
		for i, d := range pick {
			lines[i] = "/visit " + chat.Escape(d.Code) + " — " + chat.Escape(d.Name)
		}
		return t.Reply(t.T("VisitChooseDesk", nil)+"\n"+strings.Join(lines, "\n"), nil)
	}
	d := pick[0]
	vc, err := citizen.NewVisitCode(t.Ctx(), t.Tx(), t.Me().ID, d.ID, t.Now())
	if err != nil {
		return err
	}
	link := signin.PublicURL() + "/v/" + vc.Code
	png, err := citizen.QRPNG(link, 512)
	if err != nil {
		return err
	}
	// The code exists only in this message (its hash is stored): sent at
	// once, not through the outbox, within the chat's pace and again after
	// a 429's retry_after (a failure is logged).
	t.Photo("visit.png", png, t.T("VisitCaption", map[string]any{"Desk": d.Name, "Link": link,
		"Time": vc.ExpiresAt.In(calendar.Location).Format("15:04")}))
	return nil
}
