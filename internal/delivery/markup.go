package delivery

import "github.com/go-telegram/bot/models"

// InlineMarkup converts k to the Bot API's InlineKeyboardMarkup; nil for none.
func InlineMarkup(k Keyboard) models.ReplyMarkup {
	if len(k) == 0 {
		return nil
	}
	rows := make([][]models.InlineKeyboardButton, 0, len(k))
	for _, r := range k {
		row := make([]models.InlineKeyboardButton, 0, len(r))
		for _, b := range r {
			btn := models.InlineKeyboardButton{Text: b.Text, CallbackData: b.Data, URL: b.URL}
			if b.WebApp != "" {
				btn.WebApp = &models.WebAppInfo{URL: b.WebApp}
			}
			row = append(row, btn)
		}
		rows = append(rows, row)
	}
	return &models.InlineKeyboardMarkup{InlineKeyboard: rows}
}

func (p payload) markup() models.ReplyMarkup {
	switch {
	case p.ContactButton != "":
		return &models.ReplyKeyboardMarkup{
			Keyboard:        [][]models.KeyboardButton{{{Text: p.ContactButton, RequestContact: true}}},
			ResizeKeyboard:  true,
			OneTimeKeyboard: true,
		}
	case p.RemoveKeyboard:
		return &models.ReplyKeyboardRemove{RemoveKeyboard: true}
	default:
		return InlineMarkup(p.Keyboard)
	}
}

// fit brings p within Telegram's limits (Fit, FitKeyboard) and reports what
// it had to cut.
func (p *payload) fit() (text, keyboard bool) {
	p.Text, text = Fit(p.Text, MaxText)
	p.Keyboard, keyboard = FitKeyboard(p.Keyboard)
	return text, keyboard
}
