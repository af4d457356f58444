package botapitest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

func TestClientGetMe(t *testing.T) {
	s := newServer(t)
	b, err := bot.New(s.Token(), bot.WithServerURL(s.URL())) // calls getMe
	if err != nil {
		t.Fatal(err)
	}
	me, err := b.GetMe(context.Background())
	if err != nil || me.ID != b.ID() || !me.IsBot || me.Username != s.BotUsername() {
		t.Fatalf("%+v %v", me, err)
	}
	if _, err := bot.New("123:wrong", bot.WithServerURL(s.URL())); !errors.Is(err, bot.ErrorUnauthorized) {
		t.Fatalf("wrong token: %v", err)
	}
	ok, err := b.DeleteWebhook(context.Background(), &bot.DeleteWebhookParams{})
	if !ok || err != nil {
		t.Fatal(ok, err)
	}
	ok, err = b.SetMyCommands(context.Background(), &bot.SetMyCommandsParams{
		Commands: []models.BotCommand{{Command: "start", Description: "Start"}},
		Scope:    &models.BotCommandScopeAllPrivateChats{},
	})
	if !ok || err != nil || len(s.Commands("all_private_chats", "")) != 1 {
		t.Fatal(ok, err, s.Commands("all_private_chats", ""))
	}
}

func TestRejections(t *testing.T) {
	s := newServer(t)
	b := newBot(t, s)
	ctx := context.Background()
	u := s.NewUser(1001, "An", "vi")
	u.Start("")
	s.NewUser(1002, "Never", "") // never started the bot

	send := func(text string, markup models.ReplyMarkup) error {
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.ID, Text: text, ParseMode: models.ParseModeHTML, ReplyMarkup: markup})
		return err
	}
	okSent, _ := s.Sent()

	t.Run("empty text", func(t *testing.T) {
		wantBadRequest(t, send("", nil), "Bad Request: message text is empty")
		wantBadRequest(t, send(" \n ", nil), "Bad Request: message text is empty")
		wantBadRequest(t, send("<b></b>", nil), "Bad Request: message text is empty")
	})
	t.Run("too long", func(t *testing.T) {
		wantBadRequest(t, send(strings.Repeat("a", 4097), nil), "Bad Request: message is too long")
		wantBadRequest(t, send(strings.Repeat("😀", 2049), nil), "Bad Request: message is too long")
		if err := send(strings.Repeat("😀", 2048), nil); err != nil {
			t.Fatal(err)
		}
		if err := send("<b>"+strings.Repeat("ệ", 4096)+"</b>", nil); err != nil { // tags do not count
			t.Fatal(err)
		}
		if err := send(strings.Repeat("&lt;", 4096), nil); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("callback data", func(t *testing.T) {
		wantBadRequest(t, send("x", kb([]models.InlineKeyboardButton{cb("A", strings.Repeat("d", 65))})), "Bad Request: BUTTON_DATA_INVALID")
		wantBadRequest(t, send("x", kb([]models.InlineKeyboardButton{cb("A", "")})), "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
		r := call(t, s, "sendMessage", map[string]any{"chat_id": u.ID, "text": "x", "reply_markup": `{"inline_keyboard":[[{"text":"A","callback_data":""}]]}`})
		if r.OK || r.Description != "Bad Request: BUTTON_DATA_INVALID" {
			t.Fatalf("%+v", r)
		}
		if err := send("x", kb([]models.InlineKeyboardButton{cb("A", strings.Repeat("d", 64))})); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("html", func(t *testing.T) {
		for text, desc := range map[string]string{
			"<foo>x</foo>":  `Bad Request: can't parse entities: Unsupported start tag "foo" at byte offset 0`,
			"<b>x":          `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`,
			"<b>x</i>":      `Bad Request: can't parse entities: Unmatched end tag at byte offset 4, expected "</b>", found "</i>"`,
			"a < b":         `Bad Request: can't parse entities: Unsupported start tag "" at byte offset 2`,
			"Tom & Jerry":   `Bad Request: can't parse entities: Unescaped "&" at byte offset 4`,
			"x</b>":         `Bad Request: can't parse entities: Unexpected end tag at byte offset 1`,
			"<b>&nbsp;</b>": `Bad Request: can't parse entities: Unescaped "&" at byte offset 3`,
		} {
			wantBadRequest(t, send(text, nil), desc)
		}
	})
	t.Run("too many buttons", func(t *testing.T) {
		row := func(n int) []models.InlineKeyboardButton {
			var r []models.InlineKeyboardButton
			for i := range n {
				r = append(r, cb(fmt.Sprint(i), fmt.Sprint(i)))
			}
			return r
		}
		wantBadRequest(t, send("x", kb(row(9))), "Bad Request: reply markup is too long")
		var rows [][]models.InlineKeyboardButton
		for range 13 {
			rows = append(rows, row(8))
		}
		wantBadRequest(t, send("x", kb(rows...)), "Bad Request: reply markup is too long")
		if err := send("x", kb(rows[:12]...)); err != nil { // 96 buttons
			t.Fatal(err)
		}
	})
	t.Run("bad url button", func(t *testing.T) {
		err := send("x", kb([]models.InlineKeyboardButton{{Text: "A", URL: "http://localhost:8080/x"}}))
		wantBadRequest(t, err, "Bad Request: inline keyboard button URL 'http://localhost:8080/x' is invalid: Wrong HTTP URL")
	})
	t.Run("chat not found", func(t *testing.T) {
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 999, Text: "x"})
		wantBadRequest(t, err, "Bad Request: chat not found")
		_, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 1002, Text: "x"})
		wantBadRequest(t, err, "Bad Request: chat not found")
		_, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: "@nobody", Text: "x"})
		wantBadRequest(t, err, "Bad Request: chat not found")
	})
	t.Run("blocked", func(t *testing.T) {
		s.Block(u.ID)
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.ID, Text: "x"})
		if !errors.Is(err, bot.ErrorForbidden) || !strings.Contains(err.Error(), "Forbidden: bot was blocked by the user") {
			t.Fatalf("%v", err)
		}
		s.Unblock(u.ID)
		if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.ID, Text: "x"}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("caption", func(t *testing.T) {
		_, err := b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: u.ID, Caption: strings.Repeat("c", 1025),
			Photo: &models.InputFileUpload{Filename: "qr.png", Data: bytes.NewReader(pngBytes(t, 10, 10))}})
		wantBadRequest(t, err, "Bad Request: message caption is too long")
		_, err = b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: u.ID, Caption: strings.Repeat("c", 1025),
			Document: &models.InputFileUpload{Filename: "r.xlsx", Data: strings.NewReader("x")}})
		wantBadRequest(t, err, "Bad Request: message caption is too long")
		_, err = b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: u.ID,
			Photo: &models.InputFileUpload{Filename: "qr.png", Data: strings.NewReader("not an image")}})
		wantBadRequest(t, err, "Bad Request: IMAGE_PROCESS_FAILED")
	})

	ok, rejected := s.Sent()
	if ok-okSent != 6 || rejected != 25 {
		t.Errorf("Sent() = %d ok (+%d), %d rejected", ok, ok-okSent, rejected)
	}
	var rejectedEvents int
	for _, e := range s.Transcript() {
		if e.Err != "" {
			rejectedEvents++
		}
	}
	if rejectedEvents != 25 {
		t.Errorf("%d rejected events in the transcript", rejectedEvents)
	}
}

func TestEditsAndDeletes(t *testing.T) {
	s := newServer(t)
	b := newBot(t, s)
	ctx := context.Background()
	u := s.NewUser(1001, "An", "vi")
	u.Start("")
	keyboard := kb([]models.InlineKeyboardButton{cb("Đồng ý", "ok:1"), cb("Trả lại", "back:1")})
	sent, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.ID, Text: "Kế hoạch <b>tuần</b>", ParseMode: models.ParseModeHTML, ReplyMarkup: keyboard})
	if err != nil {
		t.Fatal(err)
	}
	if sent.ID == 0 || sent.Date == 0 || sent.Text != "Kế hoạch tuần" || len(sent.Entities) != 1 || sent.ReplyMarkup == nil || len(sent.ReplyMarkup.InlineKeyboard[0]) != 2 {
		t.Fatalf("returned message %+v", sent)
	}
	edit := func(text string, markup models.ReplyMarkup) (*models.Message, error) {
		return b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: u.ID, MessageID: sent.ID, Text: text, ParseMode: models.ParseModeHTML, ReplyMarkup: markup})
	}
	const notModified = "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"

	_, err = edit("Kế hoạch <b>tuần</b>", keyboard)
	wantBadRequest(t, err, notModified)
	// the same visible text with other formatting is a change
	if _, err := edit("Kế hoạch tuần", keyboard); err != nil {
		t.Fatal(err)
	}
	_, err = b.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: u.ID, MessageID: sent.ID, ReplyMarkup: keyboard})
	wantBadRequest(t, err, notModified)
	// editing the text without reply_markup removes the keyboard, as on Telegram
	m, err := edit("Đã duyệt", nil)
	if err != nil || m.ReplyMarkup != nil || m.EditDate == 0 {
		t.Fatalf("%+v %v", m, err)
	}
	cur := u.Last()
	if cur.Text != "Đã duyệt" || cur.Keyboard != nil || cur.Edits != 2 || cur.EditDate.IsZero() {
		t.Fatalf("after edits: %+v", cur)
	}
	_, err = b.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: u.ID, MessageID: sent.ID})
	wantBadRequest(t, err, notModified)
	if _, err := b.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: u.ID, MessageID: sent.ID, ReplyMarkup: keyboard}); err != nil {
		t.Fatal(err)
	}
	if u.Last().Edits != 3 || len(u.Last().Keyboard[0]) != 2 {
		t.Fatalf("%+v", u.Last())
	}

	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: u.ID, MessageID: 999, Text: "x"})
	wantBadRequest(t, err, "Bad Request: message to edit not found")
	_, err = b.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: u.ID, MessageID: 999, ReplyMarkup: keyboard})
	wantBadRequest(t, err, "Bad Request: message to edit not found")
	_, err = b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: u.ID, MessageID: 999})
	wantBadRequest(t, err, "Bad Request: message to delete not found")
	// the user's own /start message cannot be edited by the bot
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: u.ID, MessageID: 1, Text: "x"})
	wantBadRequest(t, err, "Bad Request: message can't be edited")

	if ok, err := b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: u.ID, MessageID: sent.ID}); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if len(u.Messages()) != 0 {
		t.Fatalf("deleted message still listed: %+v", u.Messages())
	}
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: u.ID, MessageID: sent.ID, Text: "x"})
	wantBadRequest(t, err, "Bad Request: message to edit not found")
	_, err = b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: u.ID, MessageID: sent.ID})
	wantBadRequest(t, err, "Bad Request: message to delete not found")

	var kinds []string
	for _, e := range s.Transcript() {
		if e.Err == "" {
			kinds = append(kinds, e.Kind)
		}
	}
	if want := []string{"start", "send", "edit", "edit", "edit", "delete"}; !reflect.DeepEqual(kinds, want) {
		t.Fatalf("transcript kinds %v, want %v", kinds, want)
	}
}

func TestDeleteWindowFollowsClock(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	s := newServer(t, WithClock(clock))
	b := newBot(t, s)
	u := s.NewUser(1, "A", "")
	u.Start("")
	m, err := b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: 1, Text: "x"})
	if err != nil || m.Date != int(now.Unix()) || !u.Last().Date.Equal(now) {
		t.Fatal(m, err)
	}
	mu.Lock()
	now = now.Add(49 * time.Hour)
	mu.Unlock()
	_, err = b.DeleteMessage(context.Background(), &bot.DeleteMessageParams{ChatID: 1, MessageID: m.ID})
	wantBadRequest(t, err, "Bad Request: message can't be deleted for everyone")
	if tr := s.Transcript(); !tr[len(tr)-1].Time.Equal(now) {
		t.Fatalf("event time %v", tr[len(tr)-1].Time)
	}
}

func TestAnswerCallbackQuery(t *testing.T) {
	s := newServer(t)
	b := newBot(t, s)
	ctx := context.Background()
	u := s.NewUser(1001, "An", "vi")
	u.Start("")
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.ID, Text: "?", ReplyMarkup: kb([]models.InlineKeyboardButton{cb("Yes", "y")})}); err != nil {
		t.Fatal(err)
	}
	if _, err := u.Press(u.Last(), "No"); !errors.Is(err, ErrNoButton) {
		t.Fatal(err)
	}
	id, err := u.Press(u.Last(), "Yes")
	if err != nil {
		t.Fatal(err)
	}
	us := updates(t, s, map[string]any{"offset": id})
	q := us[0].CallbackQuery
	if q == nil || q.Data != "y" || q.From.ID != u.ID || q.Message.Message == nil || q.Message.Message.Date == 0 || q.Message.Message.ID != u.Last().ID {
		t.Fatalf("callback query %+v", q)
	}
	if !reflect.DeepEqual(s.Unanswered(), []string{q.ID}) {
		t.Fatal(s.Unanswered())
	}
	if ok, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: q.ID, Text: "Đã ghi nhận", ShowAlert: true}); !ok || err != nil {
		t.Fatal(ok, err)
	}
	_, err = b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: q.ID})
	wantBadRequest(t, err, "Bad Request: query is too old and response timeout expired or query ID is invalid")
	_, err = b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: "12345"})
	wantBadRequest(t, err, "Bad Request: query is too old and response timeout expired or query ID is invalid")
	if len(s.Unanswered()) != 0 {
		t.Fatal(s.Unanswered())
	}
	if got := s.AnswerCounts(); got[q.ID] != 2 || got["12345"] != 1 {
		t.Fatal(got)
	}
	if got := u.Answers(); !reflect.DeepEqual(got, []CallbackAnswer{{QueryID: q.ID, Text: "Đã ghi nhận", ShowAlert: true}}) {
		t.Fatal(got)
	}
	// forged data, on a message that no longer exists
	snap := u.Last()
	if _, err := b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: u.ID, MessageID: snap.ID}); err != nil {
		t.Fatal(err)
	}
	id = u.PressData(snap, "admin:drop-all")
	us = updates(t, s, map[string]any{"offset": id})
	if q := us[0].CallbackQuery; q.Data != "admin:drop-all" || q.Message.Message == nil || q.Message.Message.ID != snap.ID {
		t.Fatalf("%+v", q)
	}
	if s.UnansweredCount() != 1 {
		t.Fatal(s.UnansweredCount())
	}
}

// TestBotFlow runs a polling go-telegram bot end to end: /start with a deep-link
// payload, a keyboard, a press, the answer and the edit.
func TestBotFlow(t *testing.T) {
	s := newServer(t)
	var inaccessible atomic.Int32
	handler := func(ctx context.Context, b *bot.Bot, up *models.Update) {
		switch {
		case up.Message != nil && strings.HasPrefix(up.Message.Text, "/start"):
			_, _ = b.SendMessage(ctx, &bot.SendMessageParams{
				ChatID:    up.Message.Chat.ID,
				Text:      "Chào <b>" + up.Message.From.FirstName + "</b>, payload " + strings.TrimSpace(strings.TrimPrefix(up.Message.Text, "/start")),
				ParseMode: models.ParseModeHTML,
				ReplyMarkup: kb(
					[]models.InlineKeyboardButton{cb("Tự đánh giá", "self:2026-11")},
					[]models.InlineKeyboardButton{{Text: "Hướng dẫn", URL: "https://example.gov.vn/help"}},
				),
			})
		case up.CallbackQuery != nil:
			msg := up.CallbackQuery.Message.Message
			if msg == nil {
				inaccessible.Add(1)
				return
			}
			_, _ = b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: up.CallbackQuery.ID, Text: "OK " + up.CallbackQuery.Data})
			_, _ = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: msg.Chat.ID, MessageID: msg.ID, Text: "Đang tự đánh giá tháng 11"})
		}
	}
	runBot(t, s, bot.WithDefaultHandler(handler))

	u := s.NewUser(1001, "Hà", "vi")
	if _, err := u.OpenLink("https://t.me/" + s.BotUsername() + "?start=inv_AbC-123"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, s, "the welcome", func() bool { return len(u.Messages()) == 1 })
	m := u.Last()
	if m.Text != "Chào Hà, payload inv_AbC-123" || m.Keyboard[0][0].Data != "self:2026-11" || m.Keyboard[1][0].URL != "https://example.gov.vn/help" {
		t.Fatalf("%+v", m)
	}
	if _, err := u.Press(m, "Hướng dẫn"); err == nil {
		t.Fatal("pressed a URL button")
	}
	if _, err := u.Press(m, "Tự đánh giá"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, s, "the answer and the edit", func() bool { return len(u.Answers()) == 1 && u.Last().Edits == 1 })
	if inaccessible.Load() != 0 {
		t.Fatal("the callback's message was inaccessible (date 0?)")
	}
	if got := u.Answers()[0].Text; got != "OK self:2026-11" {
		t.Fatal(got)
	}
	if u.Last().Text != "Đang tự đánh giá tháng 11" || u.Last().Keyboard != nil {
		t.Fatalf("%+v", u.Last())
	}
	// a stale snapshot's button can still be pressed (the keyboard may still be on screen)
	if _, err := u.Press(m, "Tự đánh giá"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, s, "the second answer", func() bool { return len(u.Answers()) == 2 })
	if _, err := u.OpenLink("https://t.me/other_bot?start=x"); err == nil {
		t.Fatal("opened another bot's link")
	}
	waitFor(t, s, "everything fetched", func() bool { return s.Pending() == 0 })
}

func TestRepeatUpdateReachesBot(t *testing.T) {
	s := newServer(t)
	var mu sync.Mutex
	seen := map[int64]int{}
	runBot(t, s, bot.WithDefaultHandler(func(ctx context.Context, b *bot.Bot, up *models.Update) {
		mu.Lock()
		seen[up.ID]++
		mu.Unlock()
	}))
	count := func(id int64) int { mu.Lock(); defer mu.Unlock(); return seen[id] }
	u := s.NewUser(5, "A", "")
	id := u.SendText("hello")
	waitFor(t, s, "the update", func() bool { return count(id) == 1 })
	s.RepeatUpdate(id)
	waitFor(t, s, "the repeated update", func() bool { return count(id) == 2 })
	id2 := u.SendText("after")
	waitFor(t, s, "the next update", func() bool { return count(id2) == 1 })
	if count(id) != 2 {
		t.Fatal(count(id))
	}
}

func TestPhotoAndDocument(t *testing.T) {
	s := newServer(t)
	b := newBot(t, s)
	ctx := context.Background()
	u := s.NewUser(1, "A", "")
	u.Start("")
	img := pngBytes(t, 64, 32)
	pm, err := b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: 1, Caption: "Mã <b>QR</b>", ParseMode: models.ParseModeHTML,
		Photo: &models.InputFileUpload{Filename: "qr.png", Data: bytes.NewReader(img)}})
	if err != nil || len(pm.Photo) == 0 || pm.Photo[0].Width != 64 || pm.Caption != "Mã QR" || len(pm.CaptionEntities) != 1 {
		t.Fatalf("%+v %v", pm, err)
	}
	xlsx := []byte("PK\x03\x04 fake xlsx")
	dm, err := b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: 1, Caption: "Kết quả",
		Document: &models.InputFileUpload{Filename: "ket-qua-11.xlsx", Data: bytes.NewReader(xlsx)}})
	if err != nil || dm.Document == nil || dm.Document.FileName != "ket-qua-11.xlsx" || dm.Document.FileSize != int64(len(xlsx)) {
		t.Fatalf("%+v %v", dm, err)
	}
	// re-send by file_id
	if _, err := b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: 1, Photo: &models.InputFileString{Data: pm.Photo[0].FileID}}); err != nil {
		t.Fatal(err)
	}
	_, err = b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: 1, Photo: &models.InputFileString{Data: "nope"}})
	wantBadRequest(t, err, "Bad Request: wrong file identifier/HTTP URL specified")

	ms := u.Messages()
	if len(ms) != 3 || !bytes.Equal(ms[0].Photo, img) || ms[0].Caption != "Mã QR" || !bytes.Equal(ms[1].Document, xlsx) || ms[1].FileName != "ket-qua-11.xlsx" || !bytes.Equal(ms[2].Photo, img) {
		t.Fatalf("%+v", ms)
	}
	if data, ok := s.File(dm.Document.FileID); !ok || !bytes.Equal(data, xlsx) {
		t.Fatal("File")
	}
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: 1, MessageID: pm.ID, Text: "x"})
	wantBadRequest(t, err, "Bad Request: there is no text in the message to edit")
	var kinds []string
	for _, e := range s.Transcript() {
		kinds = append(kinds, e.Kind)
	}
	if want := []string{"start", "photo", "document", "photo", "photo", "edit"}; !reflect.DeepEqual(kinds, want) {
		t.Fatal(kinds)
	}
}

func TestBlockSendsMyChatMember(t *testing.T) {
	s := newServer(t)
	u := s.NewUser(9, "A", "")
	id := u.Start("")
	s.Block(9)
	us := updates(t, s, map[string]any{"offset": id + 1})
	if len(us) != 1 || us[0].MyChatMember == nil || us[0].MyChatMember.NewChatMember.Type != models.ChatMemberTypeBanned ||
		us[0].MyChatMember.OldChatMember.Type != models.ChatMemberTypeMember || us[0].MyChatMember.From.ID != 9 {
		t.Fatalf("%+v", us)
	}
	// the user comes back: Telegram unblocks the bot first
	u.Start("")
	if s.Blocked(9) {
		t.Fatal("still blocked")
	}
	us = updates(t, s, map[string]any{"offset": us[0].ID + 1})
	if len(us) != 2 || us[0].MyChatMember == nil || us[0].MyChatMember.NewChatMember.Type != models.ChatMemberTypeMember || us[1].Message == nil {
		t.Fatalf("%+v", us)
	}
}

func TestGroups(t *testing.T) {
	s := newServer(t)
	b := newBot(t, s)
	ctx := context.Background()
	g := s.NewGroup(-4001, "Phòng Nội vụ")
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: g.ID, Text: "Công khai kết quả"}); err != nil {
		t.Fatal(err)
	}
	if len(g.Messages()) != 1 || g.Last().Text != "Công khai kết quả" {
		t.Fatal(g.Messages())
	}
	member := s.NewUser(78, "Lan", "")
	pid := g.SendText(member, "/report@"+s.BotUsername()+" now")
	if us := updates(t, s, map[string]any{"offset": pid}); us[0].Message.Chat.Type != "group" || us[0].Message.From.ID != 78 || us[0].Message.Entities[0].Length != len("/report@"+s.BotUsername()) {
		t.Fatalf("%+v", us[0].Message)
	}
	if len(member.Messages()) != 0 || len(s.ChatMessages(g.ID)) != 2 {
		t.Fatal("group post misplaced")
	}
	// a user presses a button on the group's message: the query comes from the user
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: g.ID, Text: "?", ReplyMarkup: kb([]models.InlineKeyboardButton{cb("Xem", "view")})}); err != nil {
		t.Fatal(err)
	}
	u := s.NewUser(77, "Minh", "")
	id, err := u.Press(g.Last(), "Xem")
	if err != nil {
		t.Fatal(err)
	}
	us := updates(t, s, map[string]any{"offset": id})
	if q := us[0].CallbackQuery; q.From.ID != 77 || q.Message.Message.Chat.ID != g.ID || q.Message.Message.Chat.Title != "Phòng Nội vụ" {
		t.Fatalf("%+v", q)
	}
	ng := g.Migrate(-1001234567890)
	_, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: g.ID, Text: "x"})
	var me *bot.MigrateError
	if !errors.As(err, &me) || me.MigrateToChatID != int(ng.ID) {
		t.Fatalf("%v", err)
	}
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: ng.ID, Text: "x"}); err != nil {
		t.Fatal(err)
	}
	ng.RemoveBot()
	_, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: ng.ID, Text: "x"})
	if !errors.Is(err, bot.ErrorForbidden) || !strings.Contains(err.Error(), "bot was kicked from the supergroup chat") {
		t.Fatal(err)
	}
}

func TestFaults(t *testing.T) {
	s := newServer(t)
	b := newBot(t, s)
	ctx := context.Background()
	u := s.NewUser(1, "A", "")
	startID := u.Start("")
	send := func() error {
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 1, Text: "x"})
		return err
	}

	s.FailNext(5, 502)
	for i := range 5 {
		if err := send(); err == nil || !strings.Contains(err.Error(), "502 Bad Gateway") {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if err := send(); err != nil {
		t.Fatal(err)
	}
	if ok, rej := s.Sent(); ok != 1 || rej != 5 || len(u.Messages()) != 1 {
		t.Fatalf("Sent %d %d, %d messages", ok, rej, len(u.Messages()))
	}

	s.TooManyNext(1, 7)
	var tm *bot.TooManyRequestsError
	if err := send(); !errors.As(err, &tm) || tm.RetryAfter != 7 {
		t.Fatalf("%v", err)
	}

	s.FailNext(1, 500)
	if err := send(); err == nil || !strings.Contains(err.Error(), "500 Internal Server Error") {
		t.Fatal(err)
	}

	s.DropNext(1)
	if err := send(); err == nil {
		t.Fatal("dropped call succeeded")
	}
	if len(u.Messages()) != 1 {
		t.Fatal("dropped call was processed")
	}
	s.DropNextReplies(1)
	if err := send(); err == nil {
		t.Fatal("call with a lost reply succeeded")
	}
	if len(u.Messages()) != 2 {
		t.Fatal("call with a lost reply was not processed")
	}

	s.FailNextMethod("answerCallbackQuery", 1, 502)
	if err := send(); err != nil { // not affected
		t.Fatal(err)
	}

	s.SetLatency(20 * time.Millisecond)
	start := time.Now()
	if err := send(); err != nil {
		t.Fatal(err)
	}
	if time.Since(start) < 20*time.Millisecond {
		t.Fatal("no latency")
	}
	s.SetLatency(0)

	// CloseConnections breaks a call in flight
	errc := make(chan error, 1)
	go func() {
		resp, err := http.Post(s.URL()+"/bot"+s.Token()+"/getUpdates?timeout=30&offset="+jsonInt(startID+1), "", nil)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	waitFor(t, s, "the poll", func() bool { s.mu.Lock(); defer s.mu.Unlock(); return s.pollGen == 1 })
	s.CloseConnections()
	select {
	case err := <-errc:
		if err == nil {
			t.Fatalf("poll survived CloseConnections")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("poll not broken")
	}
	if err := send(); err != nil { // the client reconnects
		t.Fatal(err)
	}
}

func TestLimits(t *testing.T) {
	var mu sync.Mutex
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }

	s := newServer(t, WithTelegramLimits(), WithLimitClock(clock))
	b := newBot(t, s)
	ctx := context.Background()
	send := func(chatID int64) error {
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chatID, Text: "x"})
		return err
	}
	retryAfter := func(err error) int {
		t.Helper()
		var tm *bot.TooManyRequestsError
		if !errors.As(err, &tm) {
			t.Fatalf("want 429, got %v", err)
		}
		if !strings.Contains(tm.Message, fmt.Sprintf("Too Many Requests: retry after %d", tm.RetryAfter)) {
			t.Fatalf("description %q", tm.Message)
		}
		return tm.RetryAfter
	}

	t.Run("per chat", func(t *testing.T) {
		u := s.NewUser(1, "A", "")
		u.Start("")
		for i := range 3 { // the burst
			if err := send(1); err != nil {
				t.Fatalf("send %d: %v", i, err)
			}
		}
		for range 3 {
			if ra := retryAfter(send(1)); ra != 1 {
				t.Fatalf("retry_after %d", ra)
			}
		}
		// edits count too
		_, err := b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: 1, MessageID: u.Last().ID, Text: "y"})
		retryAfter(err)
		advance(time.Second)
		if err := send(1); err != nil {
			t.Fatal(err)
		}
		retryAfter(send(1))
		if len(u.Messages()) != 4 {
			t.Fatal(len(u.Messages()))
		}
	})
	t.Run("per group", func(t *testing.T) {
		g := s.NewGroup(-5, "G")
		for range 3 {
			if err := send(g.ID); err != nil {
				t.Fatal(err)
			}
		}
		if ra := retryAfter(send(g.ID)); ra != 3 { // 20 a minute: one every 3 s
			t.Fatalf("retry_after %d", ra)
		}
		advance(3 * time.Second)
		if err := send(g.ID); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("global", func(t *testing.T) {
		advance(time.Minute) // refill everything
		ok, limited := 0, 0
		for i := int64(100); i < 140; i++ {
			s.NewUser(i, "U", "").Start("")
			if err := send(i); err == nil {
				ok++
			} else if retryAfter(err) == 1 {
				limited++
			}
		}
		if ok != 30 || limited != 10 {
			t.Fatalf("ok %d, limited %d", ok, limited)
		}
	})
}

func TestLimitsZeroIsDefaultNegativeIsOff(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	s := newServer(t, WithLimits(0, -1, -1), WithLimitClock(func() time.Time { return now }))
	b := newBot(t, s)
	s.NewUser(1, "A", "").Start("")
	ok := 0
	for range 40 {
		if _, err := b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: 1, Text: "x"}); err == nil {
			ok++
		}
	}
	if ok != 30 { // the global default, no per-chat limit
		t.Fatal(ok)
	}
}

func TestNoLimitsByDefault(t *testing.T) {
	s := newServer(t)
	b := newBot(t, s)
	s.NewUser(1, "A", "").Start("")
	for i := range 50 {
		if _, err := b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: 1, Text: "x"}); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
}

// TestConcurrentUse drives many users, a polling bot and readers at once (run with -race).
func TestConcurrentUse(t *testing.T) {
	s := newServer(t)
	handler := func(ctx context.Context, b *bot.Bot, up *models.Update) {
		switch {
		case up.Message != nil:
			_, _ = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: up.Message.Chat.ID, Text: "Chọn",
				ReplyMarkup: kb([]models.InlineKeyboardButton{cb("A", "a"), cb("B", "b")})})
		case up.CallbackQuery != nil:
			msg := up.CallbackQuery.Message.Message
			_, _ = b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: up.CallbackQuery.ID})
			_, _ = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: msg.Chat.ID, MessageID: msg.ID, Text: "Đã chọn " + up.CallbackQuery.Data})
		}
	}
	runBot(t, s, bot.WithDefaultHandler(handler))

	const n = 30
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for range 3 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				_ = s.Transcript()
				_ = s.Pending()
				_ = s.Unanswered()
				_, _ = s.Sent()
				time.Sleep(time.Millisecond)
			}
		}()
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u := s.NewUser(int64(2000+i), fmt.Sprint("U", i), "vi")
			u.Start("")
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := s.WaitFor(ctx, func() bool { return len(u.Messages()) == 1 }); err != nil {
				errs <- fmt.Errorf("user %d: no keyboard: %w", u.ID, err)
				return
			}
			if _, err := u.Press(u.Last(), "B"); err != nil {
				errs <- err
				return
			}
			if err := s.WaitFor(ctx, func() bool { return len(u.Answers()) == 1 && u.Last().Text == "Đã chọn b" }); err != nil {
				errs <- fmt.Errorf("user %d: no answer: %w", u.ID, err)
			}
		}()
	}
	wg.Wait()
	close(stop)
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if ok, rej := s.Sent(); ok != n || rej != 0 {
		t.Errorf("Sent %d %d", ok, rej)
	}
	if len(s.Unanswered()) != 0 {
		t.Error(s.Unanswered())
	}
	for id, c := range s.AnswerCounts() {
		if c != 1 {
			t.Errorf("query %s answered %d times", id, c)
		}
	}
}
