package inbound

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"
)

// cardPress is a callback query as Telegram sends it for a press on a
// month-end self-assessment card: the whole card (text and 60 buttons) comes
// back inside it.
func cardPress(updateID int64, date int) string {
	var rows []string
	for r := range 12 {
		var bs []string
		for c := range 5 {
			bs = append(bs, fmt.Sprintf(`{"text":"%d điểm","callback_data":"sa:c:%d:%d:41873:7"}`, c, r, c))
		}
		rows = append(rows, "["+strings.Join(bs, ",")+"]")
	}
	text := strings.Repeat("Tiêu chí 1. Chấp hành chủ trương, đường lối của Đảng: 5/5\\n", 40)
	return fmt.Sprintf(`{"update_id":%d,"callback_query":{"id":"4382bfdwdsb323b2d9","from":{"id":1000042,"is_bot":false,"first_name":"Lan","language_code":"vi"},`+
		`"message":{"message_id":77,"from":{"id":5000,"is_bot":true,"first_name":"evalbot","username":"evalbot"},`+
		`"chat":{"id":1000042,"type":"private","first_name":"Lan"},"date":%d,"text":"%s",`+
		`"reply_markup":{"inline_keyboard":[%s]}},"chat_instance":"-8213","data":"sa:c:3:4:41873:7"}}`,
		updateID, date, text, strings.Join(rows, ","))
}

func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		name      string
		body      string
		err       bool
		keepWhole bool // stored as received
	}{
		{name: "press on a card", body: cardPress(10, 1764547200)},
		{name: "press on a message too old to see", body: cardPress(11, 0)},
		{name: "press without a message (inline)", body: `{"update_id":12,"callback_query":{"id":"q","from":{"id":5,"first_name":"A"},"inline_message_id":"im","data":"x"}}`, keepWhole: true},
		{name: "text message", body: `{"update_id":13,"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"from":{"id":5,"first_name":"A"},"text":"/start"}}`, keepWhole: true},
		{name: "member update", body: `{"update_id":14,"my_chat_member":{"chat":{"id":5,"type":"private"},"from":{"id":5,"first_name":"A"},"date":1,"old_chat_member":{"status":"member","user":{"id":9,"first_name":"B"}},"new_chat_member":{"status":"kicked","user":{"id":9,"first_name":"B"},"until_date":0}}}`, keepWhole: true},
		{name: "not JSON", body: `{"update_id":15,`, err: true},
		{name: "no update id", body: `{"message":{"message_id":1}}`, err: true},
		{name: "negative update id", body: `{"update_id":-3}`, err: true},
		{name: "callback query of the wrong shape", body: `{"update_id":16,"callback_query":{"id":7}}`, err: true},
		{name: "broken JSON in the card's keyboard", body: `{"update_id":17,"callback_query":{"id":"q","from":{"id":5,"first_name":"A"},"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"reply_markup":{"inline_keyboard":[[}]]}},"data":"x"}}`, err: true},
		{name: "unterminated string in the card's text", body: `{"update_id":18,"callback_query":{"id":"q","from":{"id":5,"first_name":"A"},"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"text":"abc}},"data":"x"}}`, err: true},
		{name: "trailing garbage", body: `{"update_id":19,"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"text":"hi"}} x`, err: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, err := Decode([]byte(tc.body))
			var keep []byte
			if err == nil {
				keep, err = Keep(u, []byte(tc.body))
			}
			if tc.err {
				if !errors.Is(err, ErrBadUpdate) {
					t.Fatalf("err = %v, want ErrBadUpdate", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			full := &models.Update{}
			if err := json.Unmarshal([]byte(tc.body), full); err != nil {
				t.Fatal(err)
			}
			if tc.keepWhole {
				if string(keep) != tc.body {
					t.Errorf("stored %s, want the body as received", keep)
				}
				if !reflect.DeepEqual(u, full) {
					t.Errorf("decoded %+v, want %+v", u, full)
				}
				return
			}
			if len(keep) > 400 {
				t.Errorf("stored %d bytes for a press; the card should not be kept: %s", len(keep), keep)
			}
			// What the handlers read is the same as a full decoding gives.
			again := &models.Update{}
			if err := json.Unmarshal(keep, again); err != nil {
				t.Fatalf("stored copy does not decode: %v", err)
			}
			for _, got := range []*models.Update{u, again} {
				q, want := got.CallbackQuery, full.CallbackQuery
				if got.ID != full.ID || q.ID != want.ID || q.From != want.From || q.Data != want.Data || q.ChatInstance != want.ChatInstance {
					t.Errorf("callback query %+v, want %+v", q, want)
				}
				if q.Message.Type != want.Message.Type {
					t.Fatalf("message type %v, want %v", q.Message.Type, want.Message.Type)
				}
				if m := want.Message.Message; m != nil {
					g := q.Message.Message
					if g.ID != m.ID || g.Date != m.Date || !reflect.DeepEqual(g.Chat, m.Chat) {
						t.Errorf("message %+v, want id %d, date %d, chat %+v", g, m.ID, m.Date, m.Chat)
					}
				}
				if m := want.Message.InaccessibleMessage; m != nil {
					if !reflect.DeepEqual(q.Message.InaccessibleMessage, m) {
						t.Errorf("inaccessible message %+v, want %+v", q.Message.InaccessibleMessage, m)
					}
				}
				if ChatOf(got) != ChatOf(full) {
					t.Errorf("chat %d, want %d", ChatOf(got), ChatOf(full))
				}
			}
		})
	}
}

// BenchmarkDecodeCardPress decodes one press on a 60-button card: Decode
// against decoding the whole update with encoding/json.
func BenchmarkDecodeCardPress(b *testing.B) {
	body := []byte(cardPress(10, 1764547200))
	b.Run("Decode", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if _, err := Decode(body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("whole", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if err := json.Unmarshal(body, &models.Update{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestDecodeKeepsNoPartOfTheBody: the webhook reuses its read buffers, so
// what Decode and Keep return must survive the buffer being overwritten.
func TestDecodeKeepsNoPartOfTheBody(t *testing.T) {
	for _, body := range []string{
		`{"update_id":9,"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"text":"/start"}}`,
		cardPress(10, 1764000000),
	} {
		buf := []byte(body)
		u, err := Decode(buf)
		var keep []byte
		if err == nil {
			keep, err = Keep(u, buf)
		}
		if err != nil {
			t.Fatal(err)
		}
		want := string(keep)
		for i := range buf {
			buf[i] = 'x'
		}
		if string(keep) != want {
			t.Errorf("update %d: the stored bytes changed with the body's buffer", u.ID)
		}
		if u.Message != nil && u.Message.Text != "/start" {
			t.Errorf("update %d: text %q after the buffer changed", u.ID, u.Message.Text)
		}
	}
}

// FuzzDecodeAgreesWithEncodingJSON: Decode reads presses with goccy/go-json;
// it must accept what encoding/json accepts, refuse what it refuses, and read
// the same fields.
func FuzzDecodeAgreesWithEncodingJSON(f *testing.F) {
	f.Add(cardPress(10, 1764547200))
	f.Add(cardPress(11, 0))
	f.Add(`{"update_id":12,"callback_query":{"id":"q","from":{"id":5,"first_name":"A"},"inline_message_id":"im","data":"x"}}`)
	f.Add(`{"update_id":13,"callback_query":{"id":"q","from":{"id":5,"first_name":"A"},"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"text":"a\"b\\u00e9"},"data":"x"}}`)
	f.Add(`{"update_id":14,"callback_query":{"id":"q","from":{"id":5},"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"reply_markup":{"inline_keyboard":[[}]]}},"data":"x"}}`)
	f.Fuzz(func(t *testing.T, body string) {
		var std pressProbe
		stdErr := json.Unmarshal([]byte(body), &std)
		if stdErr != nil || std.UpdateID <= 0 {
			if _, err := Decode([]byte(body)); err == nil && stdErr != nil {
				t.Fatalf("Decode accepted what encoding/json refuses (%v): %q", stdErr, body)
			}
			return
		}
		u, err := Decode([]byte(body))
		if err != nil {
			t.Fatalf("Decode refused what encoding/json accepts: %q", body)
		}
		if q := std.CallbackQuery; q != nil && q.Message != nil {
			got := u.CallbackQuery
			if got == nil || got.ID != q.ID || got.Data != q.Data || got.From != q.From || ChatOf(u) != q.Message.Chat.ID {
				t.Fatalf("Decode read %+v, encoding/json %+v: %q", got, q, body)
			}
		}
	})
}
