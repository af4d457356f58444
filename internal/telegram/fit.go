package telegram

import (
	"log/slog"

	"evalbot/internal/delivery"
)

// Every text the bot sends outside the outbox (whose sender does the same
// for its rows) passes here on its way out: edits after a press, direct
// replies, captions, callback answers. A text or keyboard past Telegram's
// limits is cut (delivery.Fit, delivery.FitKeyboard) and logged, instead of
// being refused with a 400 while the person sees nothing. Lists are bounded
// where they are composed (delivery.FitList, delivery.SplitList, taskList);
// a cut here is a fault.

// fitText returns text (HTML) within limit UTF-16 units (delivery.MaxText,
// delivery.MaxCaption); call names the Bot API method, for the log.
func (a *App) fitText(text string, limit int, call string) string {
	out, cut := delivery.Fit(text, limit)
	if cut {
		a.Log.Warn("text over Telegram's limit, cut", "call", call, "limit", limit)
	}
	return out
}

// fitKeyboard returns kb within Telegram's inline keyboard limits.
func (a *App) fitKeyboard(kb delivery.Keyboard, call string) delivery.Keyboard {
	out, cut := delivery.FitKeyboard(kb)
	if cut {
		a.Log.Warn("keyboard over Telegram's limits, cut", "call", call)
	}
	return out
}

// fitEdit returns e, or a copy within Telegram's limits.
func (a *App) fitEdit(e *edit) *edit {
	text, cutText := delivery.Fit(e.text, delivery.MaxText)
	kb, cutKB := delivery.FitKeyboard(e.kb)
	if !cutText && !cutKB {
		return e
	}
	a.Log.Warn("edit over Telegram's limits, cut", "call", "editMessageText", "text", cutText, "keyboard", cutKB)
	c := *e
	c.text, c.kb = text, kb
	return &c
}

// fitAnswer returns ans with its text within answerCallbackQuery's 200
// characters (plain text).
func fitAnswer(ans *answer) *answer {
	if ans == nil {
		return nil
	}
	text, cut := delivery.FitPlain(ans.text, delivery.MaxAnswer)
	if !cut {
		return ans
	}
	slog.Warn("callback answer over Telegram's limit, cut", "limit", delivery.MaxAnswer)
	return &answer{text: text, alert: ans.alert}
}
