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
// deputies under a delegation in force: access.ReviewerChats) the menu button
// «Bảng duyệt» opening BoardURL, and gives a deputy whose delegation ended
// (access.FormerDeputyChats) the default one back (setChatMenuButton), at
// most perSecond calls a second; nothing without BoardURL. A chat that
// refuses is logged and left. It returns how many chats took a change. Run
// by `evalbot serve` at start and then daily.
func (a *App) SetBoardMenus(ctx context.Context, perSecond float64) (int, error) {
	if a.BoardURL == "" {
		return 0, nil
	}
	chats, err := access.ReviewerChats(ctx, a.Pool, a.today())
	if err != nil {
		return 0, err
	}
	former, err := access.FormerDeputyChats(ctx, a.Pool, a.today())
	if err != nil {
		return 0, err
	}
	lim := rate.NewLimiter(rate.Limit(perSecond), 1)
	n := 0
	set := func(c access.ReviewerChat, b models.InputMenuButton) error {
		if err := lim.Wait(ctx); err != nil {
			return err
		}
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if _, err := a.Bot.SetChatMenuButton(cctx, &bot.SetChatMenuButtonParams{ChatID: c.ChatID, MenuButton: b}); err != nil {
			a.Log.Warn("menu button not set", "official_id", c.OfficialID, "err", scrubToken(err))
			return nil
		}
		n++
		return nil
	}
	for _, c := range chats {
		if err := set(c, models.MenuButtonWebApp{Type: models.MenuButtonTypeWebApp, Text: a.Cat.T(c.Language, "MenuBoard", nil),
			WebApp: models.WebAppInfo{URL: a.BoardURL}}); err != nil {
			return n, err
		}
	}
	for _, c := range former {
		if err := set(c, models.MenuButtonDefault{Type: models.MenuButtonTypeDefault}); err != nil {
			return n, err
		}
	}
	return n, nil
}
