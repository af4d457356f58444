package telegram

import (
	"context"
	"net/url"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"golang.org/x/time/rate"

	"evalbot/internal/app/access"
	"evalbot/internal/delivery"
)

// The ways into the review board, the web face's Mini App (internal/web,
// issue 24): a web_app button «Mở bảng duyệt» on the head's month in a
// private chat (/pending, /status), a link t.me/<bot>/<app>?startapp=board
// where Telegram refuses web_app buttons (groups), and the menu button of
// every reviewer's private chat (SetBoardMenus). The chat flows stay whole
// without them.

// boardButton is the board's button for t's chat: a web_app button in a
// private chat when BoardURL is set (an https URL), a t.me link to the Mini
// App in a group when MiniAppName is set; nil otherwise.
func (a *App) boardButton(t *turn) []delivery.Button {
	private := t.chatID != 0 && t.chatID == t.userID
	switch {
	case private && a.BoardURL != "":
		return []delivery.Button{{Text: t.t("BtnOpenBoard", nil), WebApp: a.BoardURL}}
	case !private && a.MiniAppName != "" && a.BotUsername != "":
		return []delivery.Button{{Text: t.t("BtnOpenBoard", nil), URL: MiniAppLink(a.BotUsername, a.MiniAppName, "board")}}
	}
	return nil
}

// MiniAppLink is the direct link to the bot's Mini App named app (its short
// name at @BotFather) with a start parameter: https://t.me/<bot>/<app>?startapp=<param>.
func MiniAppLink(botUsername, app, param string) string {
	return "https://t.me/" + url.PathEscape(botUsername) + "/" + url.PathEscape(app) + "?startapp=" + url.QueryEscape(param)
}

// withBoard puts the board's button (if any) above kb.
func (a *App) withBoard(t *turn, kb delivery.Keyboard) delivery.Keyboard {
	if b := a.boardButton(t); b != nil {
		return append(delivery.Keyboard{b}, kb...)
	}
	return kb
}

// SetBoardMenus gives the private chat of every reviewer of today (heads, and
// deputies under a delegation in force) the menu button «Bảng duyệt»
// opening BoardURL, and the default button back to a chat given it whose
// person reviews nobody today (access.MenuChanges: only the chats that
// differ from what was last set), at most perSecond setChatMenuButton calls
// a second; nothing without BoardURL. A chat that refuses is logged and
// tried again on the next run. It returns how many chats took a change.
// Run by `evalbot serve` at start and then every few minutes.
func (a *App) SetBoardMenus(ctx context.Context, perSecond float64) (int, error) {
	changes, err := access.MenuChanges(ctx, a.Pool, a.today(), a.BoardURL, func(lang string) string { return a.Cat.T(lang, "MenuBoard", nil) })
	if err != nil {
		return 0, err
	}
	lim := rate.NewLimiter(rate.Limit(perSecond), 1)
	n := 0
	for _, c := range changes {
		if err := lim.Wait(ctx); err != nil {
			return n, err
		}
		var b models.InputMenuButton = models.MenuButtonDefault{Type: models.MenuButtonTypeDefault}
		if c.URL != "" {
			b = models.MenuButtonWebApp{Type: models.MenuButtonTypeWebApp, Text: c.Label, WebApp: models.WebAppInfo{URL: c.URL}}
		}
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		_, err := a.Bot.SetChatMenuButton(cctx, &bot.SetChatMenuButtonParams{ChatID: c.ChatID, MenuButton: b})
		cancel()
		if err != nil {
			a.Log.Warn("menu button not set", "official_id", c.OfficialID, "err", scrubToken(err))
			continue
		}
		if err := access.MenuSet(ctx, a.Pool, c); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
