package telegram

import (
	"strings"

	"evalbot/internal/calendar"
	"evalbot/internal/telegram/citizenchat"
)

// The citizens' handlers live in internal/telegram/citizenchat; route calls
// its hooks with the update's chatTurn. What stays here is what the rest of
// the chat face uses too.

// scrubToken keeps Telegram's description but never the bot token (a
// transport error quotes the URL, which carries it).
func scrubToken(err error) string {
	s := err.Error()
	if i := strings.Index(s, "/bot"); i >= 0 {
		s = s[:i] + "/bot***"
	}
	return s
}

// botName is the bot's username for deep links: BotUsername, or getMe.
func (a *App) botName(t *turn) string {
	if a.BotUsername != "" {
		return a.BotUsername
	}
	if me, err := a.Bot.GetMe(t.ctx); err == nil && me != nil {
		return me.Username
	}
	return "bot"
}

// satisfactionLine is the grade card's line on the month's citizen ratings
// ("" when there were none): citizenchat.SatisfactionLine.
func (a *App) satisfactionLine(t *turn, officialID int64, m calendar.Month) string {
	return citizenchat.SatisfactionLine(chatTurn{t}, officialID, m)
}
