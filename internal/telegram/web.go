package telegram

import (
	"errors"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"evalbot/internal/signin"
)

// webLinkTTL is how long the link /web sends stays valid.
const webLinkTTL = 15 * time.Minute

// onWeb: /web sends the person a one-time sign-in link to the web pages
// (internal/signin: the link `evalbot weblink` prints), valid webLinkTTL.
// It goes directly after the commit, paced like any send, and is never
// kept in the outbox: only the token's hash is stored.
func (a *App) onWeb(t *turn) error {
	token, _, err := signin.Issue(t.ctx, t.tx, t.me.ID, webLinkTTL, a.Now())
	if errors.Is(err, signin.ErrInactive) {
		return t.reply(t.t("NotAuthorized", nil), nil)
	}
	if err != nil {
		return err
	}
	t.direct = append(t.direct, directMsg{known: true, params: &bot.SendMessageParams{
		ChatID: t.chatID, ParseMode: models.ParseModeHTML,
		Text: t.t("WebLinkSent", map[string]any{"URL": signin.LinkURL(signin.PublicURL(), token),
			"Minutes": int(webLinkTTL / time.Minute)}),
		LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: bot.True()},
	}})
	return nil
}
