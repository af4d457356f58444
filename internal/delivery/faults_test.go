package delivery_test

import (
	"testing"

	"evalbot/internal/delivery"
)

// FaultOf reads the texts the sender stores (go-telegram/bot's errors: «%w,
// description»; the sender's own notes) as a code an operator's language
// can say (the outbox in the operator's language).
func TestFaultOf(t *testing.T) {
	for _, c := range []struct {
		in   string
		want delivery.Fault
	}{
		{"forbidden, Forbidden: bot was blocked by the user", delivery.Fault{Code: "blocked"}},
		{"forbidden, Forbidden: user is deactivated", delivery.Fault{Code: "deactivated"}},
		{"forbidden, Forbidden: bot was kicked from the supergroup chat", delivery.Fault{Code: "kicked"}},
		{"bad request, Bad Request: chat not found", delivery.Fault{Code: "chat_not_found"}},
		{"bad request, Bad Request: message is not modified: specified new message content", delivery.Fault{Code: "not_modified"}},
		{"bad request, Bad Request: can't parse entities: Unsupported start tag", delivery.Fault{Code: "bad_markup"}},
		{"gave up after 8 attempts: too many requests, Too Many Requests: retry after 35: retry_after 35", delivery.Fault{Code: "too_many", Attempts: 8}},
		{"gave up after 3 attempts: Post \"https://api.telegram.org/bot***\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)", delivery.Fault{Code: "network", Attempts: 3}},
		{"queued again when the recipient came back, after: requeued by an admin after: recipient unreachable (403 on an earlier message)", delivery.Fault{Code: "blocked_earlier"}},
		{"sender died during the request: delivery unknown", delivery.Fault{Code: "unconfirmed"}},
		{"something new", delivery.Fault{Code: "other"}},
	} {
		if got := delivery.FaultOf(c.in); got != c.want {
			t.Errorf("FaultOf(%q) = %+v, want %+v", c.in, got, c.want)
		}
	}
}
