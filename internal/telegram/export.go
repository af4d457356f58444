package telegram

import (
	"bytes"
	"context"
	"errors"
	"strings"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"evalbot/internal/app/access"
	"evalbot/internal/app/exports"
	"evalbot/internal/calendar"
	"evalbot/internal/delivery"
	"evalbot/internal/report"
)

// onExport sends the month's results as an XLSX workbook (a sheet per unit):
// to an admin for the subtree they administer, to a head for their own unit
// and the units below it. /export 2026-10 picks another month.
func (a *App) onExport(t *turn, arg string) error {
	m := a.assessMonth()
	if arg != "" {
		pm, err := calendar.ParseMonth(strings.TrimSpace(arg))
		if err != nil {
			return t.reply(t.t("ExportBadMonth", nil), nil)
		}
		m = pm
	}
	month, code, err := exports.Month(t.ctx, t.tx, t.me.ID, m)
	if errors.Is(err, access.ErrForbidden) {
		return t.reply(t.t("NotAHead", nil), nil)
	}
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := report.WriteXLSX(&buf, month, report.In(a.Cat, t.lang)); err != nil {
		return err
	}
	// A document cannot wait in the outbox (its payload is text); the read
	// above changed nothing, so sending it now is safe.
	// Within the chat's pace, and again after a 429's retry_after (direct).
	err = a.direct(t.ctx, true, t.chatID, func(ctx context.Context) error {
		_, err := a.Bot.SendDocument(ctx, &bot.SendDocumentParams{
			ChatID:   t.chatID,
			Document: &models.InputFileUpload{Filename: t.t("ExportFileStem", nil) + "-" + m.String() + "-" + code + ".xlsx", Data: bytes.NewReader(buf.Bytes())},
			// Rendered as HTML (its values escaped), so sent as HTML.
			Caption:   a.fitText(t.t("ExportCaption", map[string]any{"Month": monthLabel(m), "Unit": code}), delivery.MaxCaption, "sendDocument"),
			ParseMode: models.ParseModeHTML,
		})
		return err
	})
	if err != nil {
		return t.reply(t.t("ErrorGeneric", nil), nil)
	}
	return nil
}
