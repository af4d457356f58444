// Package citizen is the one-stop shop's side of the evaluation (DESIGN.md
// §3 "Citizen ratings"): the counters (desks) and who serves at each on a
// given day, the opaque codes printed on them as QR deep links, the ratings
// citizens give in two taps, the limits that keep them from being gamed, and
// the complaints ("không hài lòng") a head confirms or dismisses.
//
// Like the other domain packages, its functions take a store.DB so that one
// user action runs in the caller's single transaction; they decide and write
// rows and never talk to Telegram. A citizen is known only by Hash of their
// Telegram user id (HMAC-SHA256 under the configured key): the id itself is
// never stored, returned in an error or logged.
package citizen

import "errors"

// Errors a handler turns into a polite message; none of them changes anything.
var (
	ErrNotFound     = errors.New("citizen: not found")
	ErrCodeUnknown  = errors.New("citizen: unknown desk code")
	ErrCodeRetired  = errors.New("citizen: desk code was rotated")
	ErrDeskInactive = errors.New("citizen: desk takes no ratings")
	ErrNobody       = errors.New("citizen: nobody serves at the desk that day")
	ErrOwnDesk      = errors.New("citizen: an official cannot rate their own desk")
	ErrDailyCap     = errors.New("citizen: daily rating limit reached")
	ErrDecided      = errors.New("citizen: the rating was already decided by the head")
	ErrCardChanged  = errors.New("citizen: the desk's official changed since the card was shown")
	ErrCardExpired  = errors.New("citizen: the rating card is too old")
	ErrNotScanned   = errors.New("citizen: this account did not scan the desk's code that day")
	ErrStale        = errors.New("citizen: out of date")
	ErrFlagged      = errors.New("citizen: the rating is flagged and not counted")
	ErrNeedReason   = errors.New("citizen: a dismissal needs a reason")
	ErrCommentEmpty = errors.New("citizen: empty comment")
	ErrCommentLong  = errors.New("citizen: comment too long")
	ErrCodeTaken    = errors.New("citizen: desk code already used")
	ErrBadDesk      = errors.New("citizen: invalid desk")
)
