package telegram

import "evalbot/internal/calendar"

// Citizen ratings (issue: citizens rate the counter service). These hooks
// are called by route; the rating flow lives here.

// isCitizenPayload reports whether a /start payload is a desk's QR code.
func isCitizenPayload(payload string) bool { return false }

// isCitizenVerb reports whether callback data belongs to the rating flow.
func isCitizenVerb(verb string) bool { return false }

func (a *App) onCitizenStart(t *turn, payload string) error { return a.refuseStranger(t) }

func (a *App) onCitizenCallback(t *turn, c callback) error {
	t.alert(t.t("ErrorStale", nil))
	return nil
}

// onCitizenText handles a text that belongs to the rating flow (a comment);
// handled is false when the text is not part of it.
func (a *App) onCitizenText(t *turn, text string) (handled bool, err error) { return false, nil }

// satisfactionLine is the grade card's line on the month's citizen ratings
// ("" when there were none).
func (a *App) satisfactionLine(t *turn, officialID int64, m calendar.Month) string { return "" }
