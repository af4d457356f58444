package telegram

import (
	"bytes"
	"context"
	"strings"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"evalbot/internal/calendar"
	"evalbot/internal/citizen"
	"evalbot/internal/delivery"
	"evalbot/internal/signin"
)

// onVisitCommand: /visit [DESK-CODE] — the official on duty gets a
// per-visit code (citizen.NewVisitCode: one rating, 30 minutes, verified)
// as a QR image of EVALBOT_PUBLIC_URL/v/<code>, to show the citizen in
// front of them; the web's /visit page makes the same codes. With several
// desks today and no code given, the reply lists them.
func (a *App) onVisitCommand(t *turn, arg string) error {
	desks, err := citizen.DutyDesks(t.ctx, t.tx, t.me.ID, a.today())
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
		return t.reply(t.t("WebVisitNotOnDuty", nil), nil)
	case len(pick) > 1:
		lines := make([]string, len(pick))
		for i, d := range pick {
			lines[i] = "/visit " + escape(d.Code) + " — " + escape(d.Name)
		}
		return t.reply(t.t("VisitChooseDesk", nil)+"\n"+strings.Join(lines, "\n"), nil)
	}
	d := pick[0]
	vc, err := citizen.NewVisitCode(t.ctx, t.tx, t.me.ID, d.ID, a.Now())
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
	// a 429's retry_after (direct, which logs a failure).
	caption := a.fitText(t.t("VisitCaption", map[string]any{"Desk": d.Name, "Link": link,
		"Time": vc.ExpiresAt.In(calendar.Location).Format("15:04")}), delivery.MaxCaption, "sendPhoto")
	_ = a.direct(t.ctx, true, t.chatID, func(ctx context.Context) error {
		_, err := a.Bot.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: t.chatID,
			Photo:   &models.InputFileUpload{Filename: "visit.png", Data: bytes.NewReader(png)},
			Caption: caption, ParseMode: models.ParseModeHTML})
		return err
	})
	return nil
}
