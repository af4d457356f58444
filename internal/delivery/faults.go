package delivery

import (
	"regexp"
	"strconv"
	"strings"
)

// Fault is why an outbox message was not delivered, read from its stored
// last_error (Telegram's description, or the sender's own note) so that an
// operator reads it in their language: Code names the locale message
// OutboxFault_<Code> (one of FaultCodes), Attempts is the number of attempts
// of a "gave_up" message (0 otherwise).
type Fault struct {
	Code     string
	Attempts int
}

// FaultCodes are every Code FaultOf returns.
var FaultCodes = []string{"unconfirmed", "blocked", "blocked_earlier", "deactivated", "kicked", "forbidden",
	"chat_not_found", "not_modified", "message_gone", "too_long", "bad_markup", "too_many", "bad_request",
	"unauthorized", "network", "other"}

// faultTexts maps fragments of Telegram's descriptions (Bot API error
// responses: 400, 403, 429) and of the sender's notes (sender.go) to
// codes; the first match wins, so more specific fragments come first.
var faultTexts = []struct{ fragment, code string }{
	{"sender died during the request", "unconfirmed"},
	{"recipient unreachable", "blocked_earlier"},
	{"bot was blocked by the user", "blocked"},
	{"user is deactivated", "deactivated"},
	{"bot was kicked", "kicked"},
	{"bot is not a member", "kicked"},
	{"chat not found", "chat_not_found"},
	{"message is not modified", "not_modified"},
	{"message to edit not found", "message_gone"},
	{"message to delete not found", "message_gone"},
	{"message can't be edited", "message_gone"},
	{"message is too long", "too_long"},
	{"caption is too long", "too_long"},
	{"can't parse entities", "bad_markup"},
	{"too many requests", "too_many"},
	{"forbidden", "forbidden"},
	{"bad request", "bad_request"},
	{"unauthorized", "unauthorized"},
	{"not found", "unauthorized"}, // 404: a wrong token or address
	{"timeout", "network"},
	{"connection refused", "network"},
	{"connection reset", "network"},
	{"no such host", "network"},
	{"eof", "network"},
}

var gaveUp = regexp.MustCompile(`^gave up after (\d+) attempts: `)

// FaultOf reads a stored last_error. The notes the outbox adds in front
// («requeued by an admin after: », «queued again when the recipient came
// back, after: ») are looked through; «gave up after N attempts: …» gives
// the cause with Attempts N. Unknown text is "other".
func FaultOf(lastError string) Fault {
	s := strings.ToLower(strings.TrimSpace(lastError))
	for {
		i := strings.Index(s, "after: ")
		if i < 0 || !(strings.HasPrefix(s, "requeued by an admin") || strings.HasPrefix(s, "queued again when")) {
			break
		}
		s = s[i+len("after: "):]
	}
	var f Fault
	if m := gaveUp.FindStringSubmatch(s); m != nil {
		f.Attempts, _ = strconv.Atoi(m[1])
		s = s[len(m[0]):]
	}
	f.Code = "other"
	for _, t := range faultTexts {
		if strings.Contains(s, t.fragment) {
			f.Code = t.code
			break
		}
	}
	return f
}
