package initdata_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"evalbot/internal/signin/initdata"
)

// A published example (Telegram Mini Apps' documentation of init data, also
// in other languages' libraries' tests): signed by Telegram for the bot
// whose token is vectorToken, so the test does not check Sign against itself.
const (
	vectorToken = "5768337691:AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8"
	vector      = "query_id=AAHdF6IQAAAAAN0XohDhrOrc" +
		"&user=%7B%22id%22%3A279058397%2C%22first_name%22%3A%22Vladislav%22%2C%22last_name%22%3A%22Kibenko%22%2C%22username%22%3A%22vdkfrost%22%2C%22language_code%22%3A%22ru%22%2C%22is_premium%22%3Atrue%7D" +
		"&auth_date=1662771648" +
		"&hash=c501b71e775f74ce10e377dea85a7ea24ecd640b223ea86dfe453e0eaed2e2b2"
)

var signedAt = time.Unix(1662771648, 0)

func TestValidate(t *testing.T) {
	ours := "7000000001:AAFakeTokenOfEvalbotForTheTests_0123"
	other := "7000000002:AAAnotherBotsTokenForTheTests_456789"
	at := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	fields := map[string]string{"user": `{"id":5001,"first_name":"Hùng","language_code":"vi"}`,
		"auth_date": "1796292000", "chat_type": "private", "start_param": "board"} // 2026-12-03 09:20 UTC
	good := initdata.Sign(fields, ours)
	for _, c := range []struct {
		name, raw, token string
		now              time.Time
		maxAge           time.Duration
		want             error
	}{
		{"Telegram's example, an hour later", vector, vectorToken, signedAt.Add(time.Hour), 0, nil},
		{"Telegram's example, the day after", vector, vectorToken, signedAt.Add(24*time.Hour + time.Second), 0, initdata.ErrExpired},
		{"Telegram's example, max age 1 minute", vector, vectorToken, signedAt.Add(61 * time.Second), time.Minute, initdata.ErrExpired},
		{"Telegram's example, forged user id", strings.Replace(vector, "279058397", "279058398", 1), vectorToken, signedAt, 0, initdata.ErrBadHash},
		{"Telegram's example, forged hash", strings.Replace(vector, "hash=c501", "hash=c502", 1), vectorToken, signedAt, 0, initdata.ErrBadHash},
		{"Telegram's example under another bot's token", vector, ours, signedAt, 0, initdata.ErrBadHash},
		{"Telegram's example without hash", vector[:strings.Index(vector, "&hash=")], vectorToken, signedAt, 0, initdata.ErrNoHash},
		{"Telegram's example with an empty hash", vector[:strings.Index(vector, "&hash=")] + "&hash=", vectorToken, signedAt, 0, initdata.ErrNoHash},
		{"Telegram's example, user given twice", vector + "&user=%7B%22id%22%3A1%7D", vectorToken, signedAt, 0, initdata.ErrDuplicate},
		{"Telegram's example, hash given twice", vector + "&hash=00", vectorToken, signedAt, 0, initdata.ErrDuplicate},
		{"Telegram's example, hash not hex", vector[:strings.Index(vector, "&hash=")] + "&hash=zz", vectorToken, signedAt, 0, initdata.ErrBadHash},
		{"Telegram's example, bad escape", vector + "&x=%zz", vectorToken, signedAt, 0, initdata.ErrMalformed},
		{"ours, 40 minutes old", good, ours, at, 0, nil},
		{"ours under another bot's token", good, other, at, 0, initdata.ErrBadHash},
		{"ours, signed 2 minutes in the future", good, ours, time.Unix(1796292000, 0).Add(-2 * time.Minute), 0, initdata.ErrNoDate},
		{"without auth_date", initdata.Sign(map[string]string{"user": `{"id":5001}`}, ours), ours, at, 0, initdata.ErrNoDate},
		{"without user", initdata.Sign(map[string]string{"auth_date": "1796292000"}, ours), ours, at, 0, initdata.ErrNoUser},
		{"empty", "", ours, at, 0, initdata.ErrNoHash},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := initdata.Validate(c.raw, c.token, c.maxAge, c.now)
			if !errors.Is(err, c.want) || (c.want == nil) != (err == nil) {
				t.Fatalf("Validate: %v; want %v", err, c.want)
			}
			if err != nil {
				return
			}
			switch c.token {
			case vectorToken:
				if d.User.ID != 279058397 || d.User.Username != "vdkfrost" || !d.AuthDate.Equal(signedAt) {
					t.Errorf("data: %+v", d)
				}
			default:
				if d.User.ID != 5001 || d.User.FirstName != "Hùng" || d.StartParam != "board" || d.ChatType != "private" {
					t.Errorf("data: %+v", d)
				}
			}
		})
	}
}
