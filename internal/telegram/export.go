package telegram

import (
	"bytes"
	"context"
	"strings"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"evalbot/internal/calendar"
	"evalbot/internal/delivery"
	"evalbot/internal/evaluation"
	"evalbot/internal/report"
	"evalbot/internal/roster"
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
	var code string
	var admin int64
	err := t.tx.QueryRow(t.ctx, `SELECT u.code, a.unit_id FROM admins a JOIN units u ON u.id = a.unit_id
		WHERE a.official_id = $1 ORDER BY a.unit_id LIMIT 1`, t.me.ID).Scan(&code, &admin)
	if err != nil {
		if !t.me.IsHead {
			return t.reply(t.t("NotAHead", nil), nil)
		}
		u, err := roster.UnitByID(t.ctx, t.tx, t.me.UnitID)
		if err != nil {
			return err
		}
		code = u.Code
	}
	if err := evaluation.Audit(t.ctx, t.tx, evaluation.AuditEntry{Actor: &t.me.ID, Entity: "export", Action: "export_month",
		After: map[string]any{"month": m.String(), "unit": code}}); err != nil {
		return err
	}
	month, err := report.Monthly(t.ctx, t.tx, m, code)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := report.WriteXLSX(&buf, month); err != nil {
		return err
	}
	// A document cannot wait in the outbox (its payload is text); the read
	// above changed nothing, so sending it now is safe.
	// Within the chat's pace, and again after a 429's retry_after (direct).
	err = a.direct(t.ctx, true, t.chatID, func(ctx context.Context) error {
		_, err := a.Bot.SendDocument(ctx, &bot.SendDocumentParams{
			ChatID:   t.chatID,
			Document: &models.InputFileUpload{Filename: "ket-qua-" + m.String() + "-" + code + ".xlsx", Data: bytes.NewReader(buf.Bytes())},
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
