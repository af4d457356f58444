package delivery_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf16"

	"evalbot/internal/botapitest"
	"evalbot/internal/delivery"
	"evalbot/internal/pgtest"
)

func u16(s string) int { return len(utf16.Encode([]rune(s))) }

func TestTextLenCountsAsTelegram(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
	}{
		{"", 0},
		{"abc", 3},
		{"Rà soát hồ sơ", 13},
		{"<b>Tháng</b> 11", 8},
		{"a &lt;b&gt; &amp; &quot;c&quot;", 11},
		{"&#39;&#x41;", 2},
		{"😀 <i>x</i>", 4}, // an astral character is two UTF-16 units
		{"&#128512;", 2},  // and so is its reference
		{"a & b", 5},      // not a reference: one character each
		{`<a href="https://t.me/x">link</a>`, 4},
	} {
		if got := delivery.TextLen(c.in); got != c.want {
			t.Errorf("TextLen(%q) = %d, want %d", c.in, got, c.want)
		}
	}
}

// randomHTML is a long text as the bot composes them: lines with bold,
// italic and links, escaped characters, Vietnamese and emoji.
func randomHTML(r *rand.Rand, n int) string {
	words := []string{"Rà", "soát", "hồ", "sơ", "&lt;cấp&gt;", "&amp;", "✅", "😀", "tổ", "7", "&quot;x&quot;", "Nguyễn Thị Hường"}
	var b strings.Builder
	for b.Len() < n {
		line := make([]string, 3+r.IntN(12))
		for i := range line {
			line[i] = words[r.IntN(len(words))]
		}
		s := strings.Join(line, " ")
		switch r.IntN(5) {
		case 0:
			s = "<b>" + s + "</b>"
		case 1:
			s = "• <i>" + s + " <b>đậm</b></i>"
		case 2:
			s = `<a href="https://t.me/evalbot">` + s + "</a>"
		case 3:
			s = "<blockquote>" + s + "\n" + s + "</blockquote>"
		}
		b.WriteString(s + "\n")
	}
	return b.String()
}

// Fit's cut is within the limit and well-formed: Telegram (the strict fake)
// takes every cut text, sent by the outbox's sender.
func TestFitCutsWhatTelegramTakes(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	srv := botapitest.New()
	defer srv.Close()
	chat := users(srv, 9000, 1)[0]
	r := rand.New(rand.NewPCG(20, 1))
	var texts []string
	for i := range 40 {
		s := randomHTML(r, 4000+r.IntN(9000))
		for _, limit := range []int{delivery.MaxText, delivery.MaxCaption, 300} {
			got, cut := delivery.Fit(s, limit)
			if delivery.TextLen(s) <= limit {
				if cut || got != s {
					t.Fatalf("case %d: a text within %d was changed", i, limit)
				}
				continue
			}
			if !cut || u16(got) < 10 {
				t.Fatalf("case %d: not cut (%d bytes)", i, len(s))
			}
			if n := delivery.TextLen(got); n > limit {
				t.Fatalf("case %d: %d over %d", i, n, limit)
			}
			if !strings.HasSuffix(got, "\n…") {
				t.Fatalf("case %d: no mark: %q", i, got[len(got)-40:])
			}
			if limit == delivery.MaxText {
				texts = append(texts, got)
			}
		}
		if got, cut := delivery.Fit(s[:1000], delivery.MaxText); cut || got != s[:1000] {
			t.Fatalf("a short text was changed")
		}
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range texts {
		if _, err := delivery.Enqueue(ctx, tx, delivery.Message{ChatID: chat, DedupKey: fmt.Sprint("fit:", i), Text: s}); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	s := delivery.NewSender(pool, newBot(t, srv), delivery.Limits{PerSecond: 1000, PerChatSecond: 1000, PerChatBurst: 100}, quiet)
	if _, err := s.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	for _, e := range srv.Transcript() {
		if e.Err != "" {
			t.Errorf("refused: %s", e.Err)
		}
	}
	if got := len(sends(srv)[chat]); got != len(texts) {
		t.Errorf("%d sent, want %d", got, len(texts))
	}
}

// The outbox's last resort: a message a composer let past Telegram's limits
// (text and keyboard) goes out cut instead of being refused with a 400 and
// dead-lettered.
func TestSenderCutsAnOverlongMessage(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	srv := botapitest.New()
	defer srv.Close()
	chat := users(srv, 9100, 1)[0]
	text := "<b>Danh sách</b>\n" + strings.Repeat("• Nguyễn Thị Hường &amp; <i>Trần Văn Quyết</i>\n", 200)
	var kb delivery.Keyboard
	for i := range 15 {
		var row []delivery.Button
		for j := range 10 {
			row = append(row, delivery.Button{Text: fmt.Sprint(i*10 + j), Data: fmt.Sprint("x:", i*10+j)})
		}
		kb = append(kb, row)
	}
	kb = append(kb, []delivery.Button{{Text: "‹ Quay lại", Data: "back"}})
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := delivery.Enqueue(ctx, tx, delivery.Message{ChatID: chat, Text: text, Keyboard: kb}); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	s := delivery.NewSender(pool, newBot(t, srv), delivery.Limits{PerSecond: 1000, PerChatSecond: 1000, PerChatBurst: 100}, quiet)
	if _, err := s.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	for _, e := range srv.Transcript() {
		if e.Err != "" {
			t.Errorf("refused: %s", e.Err)
		}
	}
	if dl, _ := delivery.DeadLetters(ctx, pool, 10); len(dl) != 0 {
		t.Fatalf("dead-lettered: %+v", dl)
	}
	got := sends(srv)[chat]
	last := got[len(got)-1]
	if !strings.HasPrefix(last.Text, "Danh sách\n• Nguyễn") || !strings.HasSuffix(last.Text, "\n…") {
		t.Fatalf("sent: %q", last.Text)
	}
	n := 0
	for _, row := range last.Buttons {
		if len(row) > delivery.MaxRowButtons {
			t.Errorf("a row of %d", len(row))
		}
		n += len(row)
	}
	if n > delivery.MaxButtons || last.Buttons[len(last.Buttons)-1][0].Text != "‹ Quay lại" {
		t.Fatalf("%d buttons, last row %v", n, last.Buttons[len(last.Buttons)-1])
	}
}

func TestFitListKeepsWholeItemsAndCountsTheRest(t *testing.T) {
	more := func(n int) string { return fmt.Sprintf("… và %d người khác", n) }
	items := make([]string, 180)
	for i := range items {
		items[i] = fmt.Sprintf("Nguyễn Thị Thu Hường %03d", i)
	}
	got := delivery.FitList("<b>Chưa tự đánh giá</b>\n", items, ", ", "\n\nNhắc qua /status.", delivery.MaxText, 0, more)
	if n := delivery.TextLen(got); n > delivery.MaxText || n < delivery.MaxText-150 {
		t.Fatalf("%d characters", n)
	}
	if !strings.Contains(got, "Thu Hường 000, ") || !strings.HasSuffix(got, " người khác\n\nNhắc qua /status.") {
		t.Fatalf("%q", got[len(got)-120:])
	}
	kept := strings.Count(got, "Hường")
	if !strings.Contains(got, fmt.Sprintf("… và %d người khác", 180-kept)) {
		t.Fatalf("kept %d, count wrong: %q", kept, got[len(got)-60:])
	}
	// A cap on the count, and nothing cut when all fit.
	if got := delivery.FitList("", items[:12], "\n", "", delivery.MaxText, 10, more); strings.Count(got, "Hường") != 10 || !strings.HasSuffix(got, "… và 2 người khác") {
		t.Fatalf("capped: %q", got)
	}
	if got := delivery.FitList("T\n", items[:3], "\n", "", delivery.MaxText, 10, more); got != "T\n"+strings.Join(items[:3], "\n") {
		t.Fatalf("all: %q", got)
	}
}

func TestSplitListKeepsEveryItem(t *testing.T) {
	items := make([]string, 400)
	for i := range items {
		items[i] = fmt.Sprintf("Nguyễn Thị &amp; Hường %03d", i)
	}
	msgs := delivery.SplitList("<b>Tiêu đề</b>\n", items, ", ", "\n\nHết.", delivery.MaxText)
	if len(msgs) < 3 {
		t.Fatalf("%d messages", len(msgs))
	}
	joined := strings.Join(msgs, ", ")
	for _, it := range items {
		if strings.Count(joined, it) != 1 {
			t.Fatalf("%s: %d times", it, strings.Count(joined, it))
		}
	}
	for i, m := range msgs {
		if n := delivery.TextLen(m); n > delivery.MaxText {
			t.Fatalf("message %d: %d characters", i, n)
		}
	}
	if !strings.HasPrefix(msgs[0], "<b>Tiêu đề</b>\n") || !strings.HasSuffix(msgs[len(msgs)-1], "\n\nHết.") {
		t.Fatal("head or tail misplaced")
	}
	if got := delivery.SplitList("H\n", items[:2], ", ", ".", delivery.MaxText); len(got) != 1 || got[0] != "H\n"+items[0]+", "+items[1]+"." {
		t.Fatalf("short: %q", got)
	}
}

func TestFitPlainAndKeyboard(t *testing.T) {
	s := strings.Repeat("Tiêu chí đánh giá 😀 ", 20)
	got, cut := delivery.FitPlain(s, delivery.MaxAnswer)
	if !cut || u16(got) > delivery.MaxAnswer || !strings.HasSuffix(got, "…") {
		t.Fatalf("%d %q", u16(got), got)
	}
	if got, cut := delivery.FitPlain("Đã lưu", delivery.MaxAnswer); cut || got != "Đã lưu" {
		t.Fatal("short answer changed")
	}
	kb := delivery.Keyboard{make([]delivery.Button, 12), {{Text: "back"}}}
	got2, cut := delivery.FitKeyboard(kb)
	if !cut || len(got2) != 3 || len(got2[0]) != 8 || len(got2[1]) != 4 || got2[2][0].Text != "back" {
		t.Fatalf("%v", got2)
	}
}

// The press path's check: a card within 4096 bytes is not parsed.
func BenchmarkFitCard(b *testing.B) {
	card := "<b>Tự đánh giá tháng 11/2026</b>\n" + strings.Repeat("1. Chấp hành chủ trương, chính sách: 5,00/5,00\n", 20)
	kb := delivery.Keyboard{make([]delivery.Button, 6), make([]delivery.Button, 6), make([]delivery.Button, 6), make([]delivery.Button, 2)}
	for b.Loop() {
		delivery.Fit(card, delivery.MaxText)
		delivery.FitKeyboard(kb)
	}
}

// A list past the limit, parsed and cut (the last resort).
func BenchmarkFitLong(b *testing.B) {
	s := randomHTML(rand.New(rand.NewPCG(1, 2)), 12000)
	for b.Loop() {
		delivery.Fit(s, delivery.MaxText)
	}
}
