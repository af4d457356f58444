package botapitest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"evalbot/internal/botapitest"
)

// TestWebAppButtons: a web_app inline button and a web_app menu button are
// taken with an https URL and refused, with Telegram's reason, without one.
func TestWebAppButtons(t *testing.T) {
	srv := botapitest.New()
	defer srv.Close()
	b, err := bot.New(srv.Token(), bot.WithServerURL(srv.URL()), bot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	u := srv.NewUser(5001, "Hùng", "vi")
	u.Start("")
	ctx := context.Background()
	kb := func(url string) *models.InlineKeyboardMarkup {
		return &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "Mở bảng duyệt", WebApp: &models.WebAppInfo{URL: url}}}}}
	}
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.ID, Text: "Tháng 11", ReplyMarkup: kb("https://danhgia.phuong.gov.vn/tg")}); err != nil {
		t.Fatal(err)
	}
	if got := u.Last().Keyboard[0][0]; got.WebApp != "https://danhgia.phuong.gov.vn/tg" {
		t.Fatalf("button: %+v", got)
	}
	_, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.ID, Text: "Tháng 11", ReplyMarkup: kb("http://danhgia.phuong.gov.vn/tg")})
	if err == nil || !strings.Contains(err.Error(), "Only HTTPS links are allowed") {
		t.Fatalf("an http web_app button: %v", err)
	}
	menu := func(url string) error {
		_, err := b.SetChatMenuButton(ctx, &bot.SetChatMenuButtonParams{ChatID: u.ID,
			MenuButton: models.MenuButtonWebApp{Type: models.MenuButtonTypeWebApp, Text: "Bảng duyệt", WebApp: models.WebAppInfo{URL: url}}})
		return err
	}
	if err := menu("http://danhgia.phuong.gov.vn/tg"); err == nil {
		t.Fatal("an http menu button was taken")
	}
	if got := srv.MenuButtonOf(u.ID); got.Type != "default" {
		t.Fatalf("menu after a refusal: %+v", got)
	}
	if err := menu("https://danhgia.phuong.gov.vn/tg"); err != nil {
		t.Fatal(err)
	}
	if got := srv.MenuButtonOf(u.ID); got != (botapitest.MenuButton{Type: "web_app", Text: "Bảng duyệt", URL: "https://danhgia.phuong.gov.vn/tg"}) {
		t.Fatalf("menu: %+v", got)
	}
}
