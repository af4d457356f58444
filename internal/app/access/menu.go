package access

import (
	"context"
	"slices"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/calendar"
	"evalbot/internal/store"
)

// ReviewerChat is a reviewer's private chat (its id is their Telegram user
// id) and their language.
type ReviewerChat struct {
	OfficialID int64
	ChatID     int64
	Language   string
}

// MenuChange is a private chat whose menu button must change: to the board
// (URL and Label set) or back to Telegram's default (both empty).
type MenuChange struct {
	ReviewerChat
	URL, Label string
}

// MenuChanges lists, for day, the private chats whose menu button differs
// from what it should be (table menu_buttons keeps what was last set): every
// reviewer who can be reached (ReviewerChats) gets the board at url, its
// text label(language); every chat last given the board whose person
// reviews nobody on day (a deputy whose delegation ended, a head who left
// or was replaced) gets the default back. Nothing when url is empty.
func MenuChanges(ctx context.Context, db store.DB, day calendar.Date, url string, label func(language string) string) ([]MenuChange, error) {
	if url == "" {
		return nil, nil
	}
	chats, err := ReviewerChats(ctx, db, day)
	if err != nil {
		return nil, err
	}
	// A chat whose person cannot be reached (blocked the bot) is left as it
	// is until they come back: each call would only be refused again.
	rows, err := db.Query(ctx, `SELECT m.chat_id, m.url, m.label,
		NOT EXISTS (SELECT 1 FROM officials o WHERE o.chat_id = m.chat_id AND NOT o.reachable)
		FROM menu_buttons m`)
	if err != nil {
		return nil, err
	}
	type set struct{ url, label string }
	was := map[int64]set{}
	reachable := map[int64]bool{}
	for rows.Next() {
		var id int64
		var v set
		var ok bool
		if err := rows.Scan(&id, &v.url, &v.label, &ok); err != nil {
			rows.Close()
			return nil, err
		}
		was[id], reachable[id] = v, ok
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []MenuChange
	reviewer := make(map[int64]bool, len(chats))
	for _, c := range chats {
		reviewer[c.ChatID] = true
		want := set{url, label(c.Language)}
		if was[c.ChatID] != want {
			out = append(out, MenuChange{ReviewerChat: c, URL: want.url, Label: want.label})
		}
	}
	var resets []int64
	for id, v := range was {
		if v.url != "" && !reviewer[id] && reachable[id] {
			resets = append(resets, id)
		}
	}
	slices.Sort(resets)
	for _, id := range resets {
		out = append(out, MenuChange{ReviewerChat: ReviewerChat{ChatID: id}})
	}
	return out, nil
}

// MenuSet records that chat chatID now has the menu button of c.
func MenuSet(ctx context.Context, db store.DB, c MenuChange) error {
	_, err := db.Exec(ctx, `INSERT INTO menu_buttons (chat_id, url, label) VALUES ($1, $2, $3)
		ON CONFLICT (chat_id) DO UPDATE SET url = EXCLUDED.url, label = EXCLUDED.label, set_at = now()`, c.ChatID, c.URL, c.Label)
	return err
}

// ReviewerChats lists the private chats of the people who review someone on
// day: every active head with people under them, and every deputy under a
// delegation in force that day; those who have joined the bot and can be
// reached, by id.
func ReviewerChats(ctx context.Context, db store.DB, day calendar.Date) ([]ReviewerChat, error) {
	rows, err := db.Query(ctx, `SELECT o.id, o.chat_id, o.language FROM officials o
		WHERE o.active AND o.reachable AND o.chat_id IS NOT NULL AND o.chat_id = o.telegram_user_id
		  AND (o.is_head OR EXISTS (SELECT 1 FROM delegations d WHERE d.deputy_id = o.id AND d.revoked_at IS NULL
		                             AND $1 BETWEEN d.first_day AND d.last_day))
		ORDER BY o.id`, day.Time(0, 0))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ReviewerChat, error) {
		var c ReviewerChat
		return c, r.Scan(&c.OfficialID, &c.ChatID, &c.Language)
	})
}
