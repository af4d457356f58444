package access

import (
	"context"
	"errors"
	"slices"

	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/roster"
	"evalbot/internal/store"
)

// ErrNotAHead: the acting official heads no unit, so has nothing to delegate.
var ErrNotAHead = errors.New("access: not a head")

// DelegationDays are the lengths, in calendar days from today, a head may
// delegate the review for (ủy quyền): what the chat's menu offers.
var DelegationDays = []int{3, 7, 14, 30}

// maxDeputies bounds the candidates offered (a menu of buttons).
const maxDeputies = 20

// Deputies lists whom head headID may delegate the review to: their
// subordinates of their own unit who have joined the bot (a Telegram
// account), at most 20, in the roster's order. ErrNotAHead for someone who
// heads nothing.
func Deputies(ctx context.Context, db store.DB, headID int64) ([]roster.Official, error) {
	head, err := activeHead(ctx, db, headID)
	if err != nil {
		return nil, err
	}
	subs, err := roster.Subordinates(ctx, db, headID)
	if err != nil {
		return nil, err
	}
	var out []roster.Official
	for _, o := range subs {
		if o.UnitID != head.UnitID || o.TelegramUserID == nil {
			continue
		}
		if len(out) == maxDeputies {
			break
		}
		out = append(out, o)
	}
	return out, nil
}

// Deputy checks that head headID may delegate to official deputyID — an
// active official of the head's own unit, not the head — and returns them.
// Refusals: ErrNotAHead, ErrForbidden.
func Deputy(ctx context.Context, db store.DB, headID, deputyID int64) (roster.Official, error) {
	head, err := activeHead(ctx, db, headID)
	if err != nil {
		return roster.Official{}, err
	}
	deputy, err := roster.OfficialByID(ctx, db, deputyID)
	if err != nil || !deputy.Active || deputy.UnitID != head.UnitID || deputy.ID == headID {
		if err != nil && !errors.Is(err, roster.ErrNotFound) {
			return deputy, err
		}
		return deputy, ErrForbidden
	}
	return deputy, nil
}

// Delegate makes deputyID review in place of head headID for days calendar
// days from today (one of DelegationDays, else evaluation.ErrStale), after
// Deputy's checks; it returns the deputy and the last day.
func Delegate(ctx context.Context, db store.DB, headID, deputyID int64, days int, today calendar.Date) (roster.Official, calendar.Date, error) {
	deputy, err := Deputy(ctx, db, headID, deputyID)
	if err != nil {
		return deputy, today, err
	}
	if !slices.Contains(DelegationDays, days) {
		return deputy, today, evaluation.ErrStale // only what the menu offers
	}
	last := today.AddDays(days - 1)
	return deputy, last, evaluation.Delegate(ctx, db, headID, deputyID, today, last)
}

// activeHead is official id when they are active and head their unit.
func activeHead(ctx context.Context, db store.DB, id int64) (roster.Official, error) {
	o, err := roster.OfficialByID(ctx, db, id)
	if errors.Is(err, roster.ErrNotFound) || err == nil && (!o.Active || !o.IsHead) {
		return o, ErrNotAHead
	}
	return o, err
}
