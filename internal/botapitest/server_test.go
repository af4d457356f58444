package botapitest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestRoutingAndAuth(t *testing.T) {
	s := newServer(t)
	status, r := post(t, context.Background(), s.URL()+"/bot123:wrong/getMe", "", nil)
	if status != 401 || r.OK || r.ErrorCode != 401 || r.Description != "Unauthorized" {
		t.Errorf("wrong token: %d %+v", status, r)
	}
	status, r = post(t, context.Background(), s.URL()+"/bot"+s.Token()+"/sendCarrierPigeon", "", nil)
	if status != 404 || r.Description != "Not Found" {
		t.Errorf("unknown method: %d %+v", status, r)
	}
	status, r = post(t, context.Background(), s.URL()+"/bot"+s.Token()+"/GETME", "", nil)
	var me struct {
		ID       int64  `json:"id"`
		IsBot    bool   `json:"is_bot"`
		Username string `json:"username"`
	}
	if status != 200 || !r.OK || json.Unmarshal(r.Result, &me) != nil || me.ID != s.BotID() || !me.IsBot || me.Username != s.BotUsername() {
		t.Errorf("getMe: %d %+v %+v", status, r, me)
	}
}

func TestRequestEncodings(t *testing.T) {
	s := newServer(t)
	u := s.NewUser(42, "An", "vi")
	u.Start("")
	base := s.URL() + "/bot" + s.Token() + "/sendMessage"

	// application/x-www-form-urlencoded
	form := url.Values{"chat_id": {"42"}, "text": {"form <b>bold</b>"}, "parse_mode": {"HTML"}}
	if _, r := post(t, context.Background(), base, "application/x-www-form-urlencoded", []byte(form.Encode())); !r.OK {
		t.Fatalf("urlencoded: %+v", r)
	}
	// query string
	req, _ := http.NewRequest(http.MethodGet, base+"?chat_id=42&text=query", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET: %v %v", resp, err)
	}
	resp.Body.Close()
	// JSON with a nested object (not a string) as reply_markup
	r := call(t, s, "sendMessage", map[string]any{"chat_id": 42, "text": "json",
		"reply_markup": map[string]any{"inline_keyboard": [][]map[string]any{{{"text": "A", "callback_data": "a"}}}}})
	if !r.OK {
		t.Fatalf("json: %+v", r)
	}
	// multipart
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("chat_id", "42")
	_ = mw.WriteField("text", "multipart")
	_ = mw.WriteField("reply_markup", `{"keyboard":[[{"text":"Share","request_contact":true}]],"one_time_keyboard":true}`)
	mw.Close()
	if _, r := post(t, context.Background(), base, mw.FormDataContentType(), buf.Bytes()); !r.OK {
		t.Fatalf("multipart: %+v", r)
	}
	// a call without parameters: multipart content type, empty body
	if _, r := post(t, context.Background(), s.URL()+"/bot"+s.Token()+"/getMe", mw.FormDataContentType(), nil); !r.OK {
		t.Fatalf("empty multipart: %+v", r)
	}

	ms := u.Messages()
	var texts []string
	for _, m := range ms {
		texts = append(texts, m.Text)
	}
	if want := []string{"form bold", "query", "json", "multipart"}; !reflect.DeepEqual(texts, want) {
		t.Fatalf("texts = %q, want %q", texts, want)
	}
	if ms[0].Source != "form <b>bold</b>" || len(ms[0].Entities) != 1 {
		t.Errorf("source/entities: %+v", ms[0])
	}
	if !reflect.DeepEqual(ms[2].Keyboard, [][]Button{{{Text: "A", Data: "a"}}}) {
		t.Errorf("keyboard: %+v", ms[2].Keyboard)
	}
	if !ms[3].RequestContact || !reflect.DeepEqual(ms[3].ReplyKeyboard, [][]string{{"Share"}}) {
		t.Errorf("reply keyboard: %+v", ms[3])
	}
	if !reflect.DeepEqual(u.ReplyKeyboard(), [][]string{{"Share"}}) {
		t.Errorf("current reply keyboard: %v", u.ReplyKeyboard())
	}
	u.ShareContact("84912345678", true) // a one-time keyboard hides after use
	if u.ReplyKeyboard() != nil {
		t.Errorf("one-time keyboard still shown: %v", u.ReplyKeyboard())
	}
}

func TestGetUpdatesOffsetSemantics(t *testing.T) {
	s := newServer(t)
	u := s.NewUser(7, "Bình", "")
	id1 := u.Start("")
	id2 := u.SendText("hai")
	id3 := u.Command("language")
	if id2 != id1+1 || id3 != id2+1 {
		t.Fatalf("update ids %d %d %d not consecutive", id1, id2, id3)
	}
	if s.Pending() != 3 {
		t.Fatalf("Pending = %d", s.Pending())
	}
	// no offset: everything, and again (not confirmed)
	if got := ids(updates(t, s, nil)); !reflect.DeepEqual(got, []int64{id1, id2, id3}) {
		t.Fatalf("first poll %v", got)
	}
	if s.Pending() != 0 {
		t.Fatalf("Pending after fetch = %d", s.Pending())
	}
	if got := ids(updates(t, s, map[string]any{"limit": 2})); !reflect.DeepEqual(got, []int64{id1, id2}) {
		t.Fatalf("limit 2: %v", got)
	}
	// offset confirms everything below it, for good
	if got := ids(updates(t, s, map[string]any{"offset": id2})); !reflect.DeepEqual(got, []int64{id2, id3}) {
		t.Fatalf("offset id2: %v", got)
	}
	if got := ids(updates(t, s, map[string]any{"offset": id1})); !reflect.DeepEqual(got, []int64{id2, id3}) {
		t.Fatalf("offset id1 after confirming: %v", got)
	}
	if got := ids(updates(t, s, map[string]any{"offset": id3 + 1})); len(got) != 0 {
		t.Fatalf("offset past the end: %v", got)
	}
	if got := ids(updates(t, s, nil)); len(got) != 0 {
		t.Fatalf("confirmed updates came back: %v", got)
	}
	// negative offset: the last -offset updates
	id4, id5, id6 := u.SendText("4"), u.SendText("5"), u.SendText("6")
	if got := ids(updates(t, s, map[string]any{"offset": -2})); !reflect.DeepEqual(got, []int64{id5, id6}) {
		t.Fatalf("offset -2: %v (id4=%d)", got, id4)
	}
	if got := ids(updates(t, s, nil)); !reflect.DeepEqual(got, []int64{id5, id6}) {
		t.Fatalf("after offset -2: %v", got)
	}

	// the contents look like Telegram's
	us := updates(t, s, map[string]any{"offset": id6})
	m := us[0].Message
	if m == nil || m.Text != "6" || m.From.ID != 7 || m.Chat.ID != 7 || m.Chat.Type != "private" || m.Date == 0 || m.ID == 0 {
		t.Fatalf("message update: %+v", m)
	}
	raw, _ := s.Update(id3)
	if !strings.Contains(string(raw), `"entities":[{"type":"bot_command","offset":0,"length":9}]`) {
		t.Errorf("command update: %s", raw)
	}
	raw, _ = s.Update(id1)
	if !strings.Contains(string(raw), `"text":"/start","entities":[{"type":"bot_command","offset":0,"length":6}]`) {
		t.Errorf("start update: %s", raw)
	}
}

func TestGetUpdatesAllowedUpdates(t *testing.T) {
	s := newServer(t)
	u := s.NewUser(7, "Bình", "")
	u.Start("")
	s.Block(7) // my_chat_member
	u.SendText("x")
	us := updates(t, s, map[string]any{"allowed_updates": []string{"message"}})
	if len(us) != 2 || us[0].Message == nil || us[1].Message == nil {
		t.Fatalf("allowed message: %+v", us)
	}
	// remembered for later calls
	s.Block(7)
	if us := updates(t, s, map[string]any{"offset": us[1].ID + 1}); len(us) != 0 {
		t.Fatalf("my_chat_member delivered: %+v", us)
	}
}

func TestLongPoll(t *testing.T) {
	s := newServer(t)
	u := s.NewUser(7, "Bình", "")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	type result struct {
		r   rawResp
		err error
	}
	poll := func(params map[string]any) chan result {
		c := make(chan result, 1)
		go func() {
			r, err := tryCall(ctx, s, "getUpdates", params)
			c <- result{r, err}
		}()
		return c
	}
	polls := func() uint64 { s.mu.Lock(); defer s.mu.Unlock(); return s.pollGen }

	// returns as soon as an update arrives
	first := poll(map[string]any{"timeout": 50})
	waitFor(t, s, "the poll to start", func() bool { return polls() == 1 })
	id := u.SendText("hi")
	res := <-first
	var us []struct {
		UpdateID int64 `json:"update_id"`
	}
	if res.err != nil || json.Unmarshal(res.r.Result, &us) != nil || len(us) != 1 || us[0].UpdateID != id {
		t.Fatalf("long poll: %+v", res)
	}

	// a timeout with nothing to fetch answers an empty list
	if us := updates(t, s, map[string]any{"offset": id + 1, "timeout": 1}); len(us) != 0 {
		t.Fatalf("timeout: %v", us)
	}

	// a new poll ends the one waiting with 409
	waiting := poll(map[string]any{"offset": id + 1, "timeout": 50})
	waitFor(t, s, "the poll to start", func() bool { return polls() == 3 })
	if us := updates(t, s, map[string]any{"offset": id + 1}); len(us) != 0 {
		t.Fatal(us)
	}
	res = <-waiting
	if res.err != nil || res.r.OK || res.r.ErrorCode != 409 ||
		res.r.Description != "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running" {
		t.Fatalf("replaced poll: %+v", res)
	}

	// a cancelled poll ends on the server too (Close below would wait for it)
	cctx, ccancel := context.WithCancel(ctx)
	cancelled := make(chan error, 1)
	go func() {
		_, err := tryCall(cctx, s, "getUpdates", map[string]any{"offset": id + 1, "timeout": 50})
		cancelled <- err
	}()
	waitFor(t, s, "the poll to start", func() bool { return polls() == 5 })
	ccancel()
	if err := <-cancelled; err == nil {
		t.Fatal("cancelled poll succeeded")
	}

	// Close ends a waiting poll
	last := poll(map[string]any{"offset": id + 1, "timeout": 50})
	waitFor(t, s, "the poll to start", func() bool { return polls() == 6 })
	s.Close()
	select {
	case <-last:
	case <-ctx.Done():
		t.Fatal("Close did not end the poll")
	}
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestRepeatUpdateIgnoresOffsetOnce(t *testing.T) {
	s := newServer(t)
	u := s.NewUser(7, "Bình", "")
	id1 := u.Start("")
	id2 := u.SendText("x")
	updates(t, s, nil)
	if us := updates(t, s, map[string]any{"offset": id2 + 1}); len(us) != 0 {
		t.Fatal(us)
	}
	s.RepeatUpdate(id1)
	if s.Pending() != 1 {
		t.Fatalf("Pending = %d", s.Pending())
	}
	us := updates(t, s, map[string]any{"offset": id2 + 1})
	if got := ids(us); !reflect.DeepEqual(got, []int64{id1}) || us[0].Message.Text != "/start" {
		t.Fatalf("repeated: %v", got)
	}
	if us := updates(t, s, map[string]any{"offset": id2 + 1}); len(us) != 0 {
		t.Fatalf("repeated twice: %v", ids(us))
	}
}

func TestDeleteWebhookDropsPending(t *testing.T) {
	s := newServer(t)
	u := s.NewUser(7, "Bình", "")
	u.Start("")
	if r := call(t, s, "getWebhookInfo", nil); !strings.Contains(string(r.Result), `"pending_update_count":1`) {
		t.Fatalf("%s", r.Result)
	}
	if r := call(t, s, "deleteWebhook", map[string]any{"drop_pending_updates": true}); !r.OK || string(r.Result) != "true" {
		t.Fatalf("%+v", r)
	}
	if s.Pending() != 0 || len(updates(t, s, nil)) != 0 {
		t.Fatal("updates not dropped")
	}
}

func TestCommands(t *testing.T) {
	s := newServer(t)
	r := call(t, s, "setMyCommands", map[string]any{"commands": []map[string]string{{"command": "start", "description": "Bắt đầu"}, {"command": "language", "description": "Ngôn ngữ"}}, "language_code": "vi"})
	if !r.OK {
		t.Fatal(r)
	}
	if got := s.Commands("", "vi"); len(got) != 2 || got[1].Command != "language" {
		t.Fatalf("%+v", got)
	}
	if r := call(t, s, "setMyCommands", map[string]any{"commands": []map[string]string{{"command": "Bad-Command", "description": "x"}}}); r.OK || r.Description != "Bad Request: BOT_COMMAND_INVALID" {
		t.Fatalf("%+v", r)
	}
	if r := call(t, s, "getMyCommands", map[string]any{"language_code": "vi"}); !strings.Contains(string(r.Result), `"language"`) {
		t.Fatalf("%s", r.Result)
	}
}

func TestInjectedHTTPFailureIsHTML(t *testing.T) {
	s := newServer(t)
	s.FailNext(1, 502)
	resp, err := http.Post(s.URL()+"/bot"+s.Token()+"/getMe", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	if resp.StatusCode != 502 || !strings.Contains(buf.String(), "<title>502 Bad Gateway</title>") {
		t.Fatalf("%d %q", resp.StatusCode, buf.String())
	}
}

// WithJournal bounds what the server remembers: the last events and
// updates stay readable, older ones are dropped, and Seq keeps counting.
func TestJournalKeepsTheLastEvents(t *testing.T) {
	const n = 10
	s := New(WithJournal(n))
	defer s.Close()
	u := s.NewUser(42, "An", "vi")
	var ids []int64
	for i := range 5 * n {
		ids = append(ids, u.SendText(fmt.Sprint("tin ", i)))
	}
	tr := s.Transcript()
	if len(tr) < n || len(tr) > 2*n {
		t.Fatalf("%d events kept, want %d to %d", len(tr), n, 2*n)
	}
	if last := tr[len(tr)-1]; last.Seq != 5*n || last.Text != fmt.Sprint("tin ", 5*n-1) {
		t.Errorf("last event = #%d %q", last.Seq, last.Text)
	}
	for i := 1; i < len(tr); i++ {
		if tr[i].Seq != tr[i-1].Seq+1 {
			t.Fatalf("events not consecutive: #%d after #%d", tr[i].Seq, tr[i-1].Seq)
		}
	}
	if p := s.Pending(); p < n || p > 2*n {
		t.Errorf("%d updates pending, want %d to %d", p, n, 2*n)
	}
	if _, ok := s.Update(ids[0]); ok {
		t.Error("the first update is still kept")
	}
	for _, id := range ids[len(ids)-n+1:] {
		if _, ok := s.Update(id); !ok {
			t.Errorf("update %d (among the last %d) dropped", id, n)
		}
	}
}

// Deliveries keep every accepted send, however few events the journal keeps;
// a send refused with 429 is not among them.
func TestDeliveriesOutliveTheJournal(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	s := New(WithJournal(2), WithLimits(5, -1, -1), WithLimitClock(func() time.Time { return now }))
	defer s.Close()
	for id := int64(1); id <= 3; id++ {
		s.NewUser(id, "A", "vi").Start("")
	}
	refused := 0
	for i := range 8 {
		r := call(t, s, "sendMessage", map[string]any{"chat_id": 1 + i%3, "text": fmt.Sprint("tin ", i)})
		if !r.OK {
			refused++
		}
	}
	ds := s.Deliveries()
	if len(ds) != 5 || refused != 3 {
		t.Fatalf("%d deliveries, %d refused; want 5 and 3 (the global limit of 5)", len(ds), refused)
	}
	for i, d := range ds {
		if want := int64(1 + i%3); d.ChatID != want || d.Time.IsZero() {
			t.Errorf("delivery %d = %+v, want chat %d", i, d, want)
		}
	}
	if tr := s.Transcript(); len(tr) > 4 {
		t.Errorf("%d events kept with WithJournal(2)", len(tr))
	}
}
