package botapitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
)

// cardBody is a sendMessage body like the bot's month-end card: about 1.5 KB
// of HTML and 60 callback buttons in rows of six.
func cardBody(chatID int64) []byte {
	var rows [][]map[string]string
	for r := range 10 {
		var row []map[string]string
		for c := range 6 {
			row = append(row, map[string]string{"text": fmt.Sprintf("%d", c*2), "callback_data": fmt.Sprintf("sc:%d:%d:%d", 123456+chatID, r, c*2)})
		}
		rows = append(rows, row)
	}
	text := "<b>Tự đánh giá tháng 11/2026</b>\n" + strings.Repeat("• Tiêu chí chính trị, tư tưởng: <i>chưa chấm</i>\n", 30)
	b, _ := json.Marshal(map[string]any{"chat_id": chatID, "text": text, "parse_mode": "HTML",
		"reply_markup": map[string]any{"inline_keyboard": rows}, "link_preview_options": map[string]bool{"is_disabled": true}})
	return b
}

// BenchmarkSendMessageCard is the fake's cost of one month-end card: the
// request parsed and checked as Telegram would, the message stored, the
// reply written. The fake shares the machine with the bot in the benchmarks.
func BenchmarkSendMessageCard(b *testing.B) {
	s := New()
	defer s.Close()
	const users = 1000
	bodies := make([][]byte, users)
	for k := range users {
		s.NewUser(int64(5000+k), "CB", "vi").Start("")
		bodies[k] = cardBody(int64(5000 + k))
	}
	path := "/bot" + s.Token() + "/sendMessage"
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(bodies[i%users]))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("HTTP %d: %s", w.Code, w.Body)
		}
		i++
	}
}

// BenchmarkCardRetained reports the heap a stored month-end card keeps in
// the fake (retained-B/card): a fan-out benchmark keeps 100,000 of them,
// and the collector's work on that heap shares the machine with the bot.
// A map per button made it about 19 KB a card, and cut the fan-out at
// 1,000/s to 0.92–0.96 of its limit.
func BenchmarkCardRetained(b *testing.B) {
	const cards = 2000
	for b.Loop() {
		b.StopTimer()
		s := New()
		bodies := make([][]byte, cards)
		for k := range cards {
			s.NewUser(int64(5000+k), "CB", "vi").Start("")
			bodies[k] = cardBody(int64(5000 + k))
		}
		path := "/bot" + s.Token() + "/sendMessage"
		before := heapInUse()
		b.StartTimer()
		for k := range cards {
			req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(bodies[k]))
			req.Header.Set("Content-Type", "application/json")
			w := httptest.NewRecorder()
			s.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Fatalf("HTTP %d: %s", w.Code, w.Body)
			}
		}
		b.StopTimer()
		b.ReportMetric(float64(heapInUse()-before)/cards, "retained-B/card")
		runtime.KeepAlive(bodies)
		s.Close()
		b.StartTimer()
	}
}

func heapInUse() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
