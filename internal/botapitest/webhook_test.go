package botapitest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// webhookBot records the updates posted to it. fail answers 503 to the
// first n posts; reply is the body of its 200 for each update.
type webhookBot struct {
	mu     sync.Mutex
	got    []wUpdate
	secret []string
	fail   int
	reply  func(u wUpdate) string
}

func (b *webhookBot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	var u wUpdate
	_ = json.Unmarshal(raw, &u)
	b.mu.Lock()
	if b.fail > 0 {
		b.fail--
		b.mu.Unlock()
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	b.got = append(b.got, u)
	b.secret = append(b.secret, r.Header.Get(SecretHeader))
	reply := b.reply
	b.mu.Unlock()
	if reply != nil {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, reply(u))
	}
}

func (b *webhookBot) updates() []wUpdate {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]wUpdate(nil), b.got...)
}

func waitTrue(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out: %s", what)
		}
	}
}

// With a webhook set, updates are posted with the secret token, in order,
// a failed post is retried and shown in getWebhookInfo, getUpdates answers
// 409, and deleteWebhook goes back to polling.
func TestSetWebhookPostsUpdates(t *testing.T) {
	s := newServer(t)
	b := &webhookBot{fail: 1}
	hs := httptest.NewServer(b)
	defer hs.Close()
	if r := call(t, s, "setWebhook", map[string]any{"url": hs.URL, "secret_token": "bad token!"}); r.OK || r.ErrorCode != 400 {
		t.Fatalf("secret with a space: %+v, want 400", r)
	}
	if r := call(t, s, "setWebhook", map[string]any{"url": hs.URL, "secret_token": "s3cr3t", "max_connections": 5}); !r.OK {
		t.Fatalf("setWebhook: %+v", r)
	}
	if r := call(t, s, "getUpdates", nil); r.ErrorCode != 409 || !strings.Contains(r.Description, "webhook is active") {
		t.Fatalf("getUpdates with a webhook: %+v, want 409", r)
	}
	u := s.NewUser(7, "Lan", "vi")
	first := u.SendText("một")
	u.SendText("hai")
	waitTrue(t, "both updates posted", func() bool { return len(b.updates()) == 2 })
	got := b.updates()
	if got[0].UpdateID != first || got[0].Message.Text != "một" || got[1].Message.Text != "hai" {
		t.Errorf("posted %+v, want một then hai (the first after a 503 and a retry)", got)
	}
	if b.secret[0] != "s3cr3t" {
		t.Errorf("secret header %q", b.secret[0])
	}
	info := call(t, s, "getWebhookInfo", nil)
	var wi wWebhookInfo
	_ = json.Unmarshal(info.Result, &wi)
	if wi.URL != hs.URL || wi.MaxConnections != 5 || wi.PendingUpdateCount != 0 || !strings.Contains(wi.LastErrorMessage, "503") {
		t.Errorf("getWebhookInfo %+v", wi)
	}
	if r := call(t, s, "deleteWebhook", nil); !r.OK {
		t.Fatal(r)
	}
	u.SendText("ba")
	r := call(t, s, "getUpdates", nil)
	var ups []wUpdate
	_ = json.Unmarshal(r.Result, &ups)
	if !r.OK || len(ups) != 1 || ups[0].Message.Text != "ba" {
		t.Errorf("getUpdates after deleteWebhook: %+v, want only \"ba\"", r)
	}
}

// A 200 whose body carries a Bot API call is that call, made by the server:
// an answer to the callback query here. A second answer in a reply is
// rejected in the transcript only.
func TestWebhookReplyIsACall(t *testing.T) {
	s := newServer(t)
	b := &webhookBot{reply: func(u wUpdate) string {
		if u.CallbackQuery == nil {
			return ""
		}
		return `{"method":"answerCallbackQuery","callback_query_id":"` + u.CallbackQuery.ID + `","text":"Đã lưu"}`
	}}
	hs := httptest.NewServer(b)
	defer hs.Close()
	u := s.NewUser(8, "Minh", "vi")
	u.SendText("chào")
	if r := call(t, s, "sendMessage", map[string]any{"chat_id": 8, "text": "Chọn",
		"reply_markup": map[string]any{"inline_keyboard": [][]map[string]string{{{"text": "A", "callback_data": "a"}}}}}); !r.OK {
		t.Fatal(r)
	}
	if r := call(t, s, "setWebhook", map[string]any{"url": hs.URL}); !r.OK {
		t.Fatal(r)
	}
	id, err := u.Press(u.Last(), "A")
	if err != nil {
		t.Fatal(err)
	}
	waitTrue(t, "the press answered", func() bool { return len(u.Answers()) == 1 })
	if a := u.Answers()[0]; a.Text != "Đã lưu" {
		t.Errorf("answer %+v", a)
	}
	if n := s.ReplyCalls()["answerCallbackQuery"]; n != 1 {
		t.Errorf("reply calls %d, want 1", n)
	}
	if n := s.Calls()["answerCallbackQuery"]; n != 0 {
		t.Errorf("HTTP calls %d, want 0", n)
	}
	if st, err := s.PostWebhook(t.Context(), http.DefaultClient, hs.URL, "", id); err != nil || st != 200 {
		t.Fatalf("PostWebhook: %d %v", st, err)
	}
	ev := s.Transcript()
	if last := ev[len(ev)-1]; last.Kind != "answer" || last.Err == "" {
		t.Errorf("second answer: %+v, want rejected", last)
	}
	if len(u.Answers()) != 1 {
		t.Errorf("answers %d, want 1", len(u.Answers()))
	}
}
