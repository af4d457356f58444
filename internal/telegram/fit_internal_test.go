package telegram

import (
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"

	"evalbot/internal/delivery"
)

// A callback answer over Telegram's 200 characters (a long name in an
// alert) is cut in the webhook reply that carries it, as in answerQuery.
func TestAnswerWithinTelegramsLimit(t *testing.T) {
	long := strings.Repeat("Nguyễn Thị Thu Hương chưa thể duyệt 😀 ", 10)
	body := answerReply(&models.CallbackQuery{ID: "q"}, &answer{text: long, alert: true})
	var got answerReplyBody
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if n := len(utf16.Encode([]rune(got.Text))); n > delivery.MaxAnswer || !strings.HasSuffix(got.Text, "…") || !got.ShowAlert {
		t.Fatalf("%d characters: %q", n, got.Text)
	}
	short := &answer{text: "Đã lưu"}
	if fitAnswer(short) != short {
		t.Fatal("a short answer was copied")
	}
}

// An edit past the limits goes out cut; one within them is the same edit
// (the press path copies nothing).
func TestFitEdit(t *testing.T) {
	a := &App{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	e := &edit{text: "<b>Thẻ</b>\n" + strings.Repeat("• Việc &amp; hạn 27/11\n", 300), kb: delivery.Keyboard{make([]delivery.Button, 120)}}
	got := a.fitEdit(e)
	n := 0
	for _, r := range got.kb {
		n += len(r)
	}
	if delivery.TextLen(got.text) > delivery.MaxText || n > delivery.MaxButtons || len(got.kb[0]) != delivery.MaxRowButtons {
		t.Fatalf("%d characters, %d buttons", delivery.TextLen(got.text), n)
	}
	card := &edit{text: "<b>Tự đánh giá</b>", kb: delivery.Keyboard{{{Text: "5", Data: "sc:1:0:5"}}}}
	if a.fitEdit(card) != card {
		t.Fatal("a card within the limits was copied")
	}
}
