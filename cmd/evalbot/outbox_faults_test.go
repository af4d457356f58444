package main

import (
	"context"
	"strings"
	"testing"

	"evalbot/internal/delivery"
	"evalbot/internal/pgtest"
)

// Leftovers 2: `evalbot outbox` printed Telegram's English error text to a
// Vietnamese operator («forbidden, Forbidden: bot was blocked by the
// user»). The reason is now a sentence in the operator's language, the
// stored text kept after it as a detail.
func TestOutboxSaysWhyInTheOperatorsLanguage(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	t.Setenv("DATABASE_URL", pool.Config().ConnString())
	t.Setenv("EVALBOT_LANG", "")
	for i, e := range []string{
		"forbidden, Forbidden: bot was blocked by the user",
		"bad request, Bad Request: chat not found",
		"bad request, Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
		"gave up after 8 attempts: too many requests, Too Many Requests: retry after 35: retry_after 35",
		"requeued by an admin after: recipient unreachable (403 on an earlier message)",
	} {
		_, err := pool.Exec(ctx, `INSERT INTO outbox (chat_id, payload, state, dead_at, last_error)
			VALUES ($1, '{"text":"a"}', 'dead', now(), $2)`, 6001+i, e)
		must(t, err)
	}
	vi := captureStdout(t, func() error { return outboxCmd(ctx, nil) })
	en := captureStdout(t, func() error { return outboxCmd(ctx, []string{"--lang", "en"}) })
	for lang, c := range map[string]struct {
		out  string
		want []string
	}{
		"vi": {vi, []string{"người nhận đã chặn bot — chi tiết: forbidden, Forbidden: bot was blocked by the user",
			"không tìm thấy cuộc trò chuyện", "nội dung sửa giống hệt tin cũ", "đã thử 8 lần không được: Telegram báo gửi quá nhanh",
			"người nhận đã chặn bot (báo ở một tin trước)"}},
		"en": {en, []string{"the recipient blocked the bot — detail: forbidden, Forbidden: bot was blocked by the user",
			"chat not found (the recipient", "the edit changed nothing", "gave up after 8 attempts: Telegram said too many requests",
			"the recipient blocked the bot (seen on an earlier message)"}},
	} {
		for _, w := range c.want {
			if !strings.Contains(c.out, w) {
				t.Errorf("%s listing lacks %q:\n%s", lang, w, c.out)
			}
		}
	}
}

// Every fault delivery.FaultOf can name reads in every language.
func TestEveryOutboxFaultHasASentence(t *testing.T) {
	for _, lang := range []string{"vi", "en"} {
		for _, code := range delivery.FaultCodes {
			if !has(lang, "OutboxFault_"+code) {
				t.Errorf("%s: no OutboxFault_%s", lang, code)
			}
		}
	}
}
