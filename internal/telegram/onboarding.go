package telegram

import (
	"errors"

	"github.com/go-telegram/bot/models"

	"evalbot/internal/app/account"
	"evalbot/internal/delivery"
	"evalbot/internal/roster"
)

// onStartToken binds the Telegram account with a one-time invite token.
func (a *App) onStartToken(t *turn, token string) error {
	id, err := roster.Redeem(t.ctx, t.tx, token, t.userID, t.chatID, a.Now())
	switch {
	case err == nil:
	case errors.Is(err, roster.ErrInviteExpired):
		return t.replyStranger(t.t("InviteExpired", nil))
	case errors.Is(err, roster.ErrAccountBound):
		return t.replyStranger(t.t("AccountBoundElsewhere", nil))
	case errors.Is(err, roster.ErrInviteUnknown), errors.Is(err, roster.ErrInviteUsed), errors.Is(err, roster.ErrInactive):
		if t.me != nil {
			return a.onHelp(t, false)
		}
		return a.refuseStranger(t)
	default:
		return err
	}
	return a.welcome(t, id)
}

func (a *App) welcome(t *turn, id int64) error {
	me, err := roster.OfficialByID(t.ctx, t.tx, id)
	if err != nil {
		return err
	}
	t.me, t.lang = &me, me.Language
	if err := t.send(delivery.Message{ChatID: t.chatID, OfficialID: me.ID, RemoveKeyboard: true,
		Text: t.t("Welcome", map[string]any{"Name": me.FullName, "Unit": me.UnitName})}); err != nil {
		return err
	}
	return a.onHelp(t, false)
}

// refuseStranger: a polite refusal and the one thing they can do, share the
// phone number the organization has on file. Nothing else is revealed.
func (a *App) refuseStranger(t *turn) error {
	return t.sendStranger(delivery.Message{ChatID: t.chatID, Text: t.t("StrangerRefused", nil), ContactButton: t.t("ShareContactButton", nil)})
}

// sendStranger answers someone not on the roster (a stranger, a citizen)
// directly, not through the outbox: their Telegram id is personal data that
// the database must not keep (DESIGN.md §6). It is sent once the update's
// transaction has committed, within the chat's pace and again after a 429's
// retry_after (postDirect). An official's message goes through the outbox as
// usual.
func (t *turn) sendStranger(m delivery.Message) error {
	if t.me != nil {
		m.OfficialID = t.me.ID
		return t.send(m)
	}
	var markup models.ReplyMarkup
	switch {
	case m.ContactButton != "":
		markup = &models.ReplyKeyboardMarkup{Keyboard: [][]models.KeyboardButton{{{Text: m.ContactButton, RequestContact: true}}},
			ResizeKeyboard: true, OneTimeKeyboard: true}
	case m.RemoveKeyboard:
		markup = &models.ReplyKeyboardRemove{RemoveKeyboard: true}
	default:
		markup = delivery.InlineMarkup(t.a().fitKeyboard(m.Keyboard, "sendMessage"))
	}
	t.queueDirect(m.Text, markup)
	return nil
}

// replyStranger is reply for a sender who may not be on the roster.
func (t *turn) replyStranger(text string) error {
	return t.sendStranger(delivery.Message{ChatID: t.chatID, Text: text})
}

// onContact binds by phone, only when the shared contact is the sender's own.
func (a *App) onContact(t *turn, c *models.Contact) error {
	if c.UserID != t.userID {
		// The text points to the button below: send it with the text.
		return t.sendStranger(delivery.Message{ChatID: t.chatID, Text: t.t("ContactNotOwn", nil), ContactButton: t.t("ShareContactButton", nil)})
	}
	if t.me != nil {
		return t.send(delivery.Message{ChatID: t.chatID, OfficialID: t.me.ID, RemoveKeyboard: true, Text: t.t("AlreadyLinked", nil)})
	}
	phone, err := roster.NormalizePhone(c.PhoneNumber)
	if err != nil {
		return t.sendStranger(delivery.Message{ChatID: t.chatID, RemoveKeyboard: true, Text: t.t("StrangerPhoneUnknown", nil)})
	}
	id, err := roster.BindByPhone(t.ctx, t.tx, phone, t.userID, t.chatID)
	switch {
	case err == nil:
		return a.welcome(t, id)
	case errors.Is(err, roster.ErrAccountBound), errors.Is(err, roster.ErrAlreadyBoundToOther):
		return t.sendStranger(delivery.Message{ChatID: t.chatID, RemoveKeyboard: true, Text: t.t("AccountBoundElsewhere", nil)})
	case errors.Is(err, roster.ErrPhoneUnknown):
		// The button is gone with this answer, so the text does not point to it.
		return t.sendStranger(delivery.Message{ChatID: t.chatID, RemoveKeyboard: true, Text: t.t("StrangerPhoneUnknown", nil)})
	default:
		return err
	}
}

func (a *App) onHelp(t *turn, greet bool) error {
	id := "Help"
	if t.me.IsHead {
		id = "HelpHead"
	}
	text := t.t(id, nil) + "\n\n" + t.t("PlanFormat", nil)
	if greet {
		text = t.t("Hello", map[string]any{"Name": t.me.FullName}) + "\n\n" + text
	}
	return t.reply(text, nil)
}

func (a *App) onLanguageMenu(t *turn) error {
	return t.reply(t.t("LanguageChoose", nil), delivery.Keyboard{{
		{Text: "Tiếng Việt", Data: cb(vLanguage, "vi")}, {Text: "English", Data: cb(vLanguage, "en")},
	}})
}

func (a *App) onLanguage(t *turn, c callback) error {
	lang, _ := c.str(0)
	if err := account.SetLanguage(t.ctx, t.tx, t.me.ID, lang); errors.Is(err, account.ErrBadLanguage) {
		t.alert(t.t("ErrorStale", nil))
		return nil
	} else if err != nil {
		return err
	}
	t.lang = lang
	t.editPressed(t.t("LanguageSet", nil), nil)
	t.ack(t.t("LanguageSet", nil))
	return nil
}
