package telegram

import "evalbot/internal/telegram/chat"

// Callback data names what a button does and to which record, never who may
// press it: the handler checks that against the database. Shape:
// "<verb>:<arg>:<arg>…", integers in base 36, at most 64 bytes (Bot API
// InlineKeyboardButton.callback_data).
type callback struct {
	verb string
	args []string
}

// Verbs. Owner actions: plan submit/edit/cancel, task mark, self-assessment
// criterion/bonus/view/submit. Head actions: plan approve/return, review
// approve/adjust/return, adjusted criterion/bonus/task/view, manual task
// score, quota choice, approve-all confirm.
const (
	vPlanEnter      = "pn" // kind ("w" or "m"), period start
	vPlanSubmit     = "ps"
	vPlanEdit       = "pe"
	vPlanCancel     = "pc"
	vPlanApprove    = "pa"
	vPlanReturn     = "pr"
	vTaskMark       = "tm" // task, status, context ("w" weekly report, "a" self-assessment)
	vReportDone     = "rd" // plan
	vSelfCrit       = "sc" // assessment, criterion index, points
	vSelfBonus      = "sb" // assessment, points
	vSelfView       = "sv" // assessment, view ("m", "t", "b")
	vSelfSubmit     = "ss" // assessment, version
	vReviewOK       = "ra" // assessment, version
	vReviewAdjust   = "rj" // assessment
	vReviewReturn   = "rr" // assessment, version
	vAdjCrit        = "hc" // assessment, criterion index, points
	vAdjBonus       = "hb" // assessment, points
	vAdjTask        = "ht" // task, status, assessment
	vAdjView        = "hv" // assessment, view ("r" review card, "a" adjust, "t" tasks, "b" bonus)
	vAdjManual      = "hm" // assessment
	vQuota          = "qd" // candidate assessment, assessment being approved, its version
	vApproveAll     = "aa" // nonce
	vAssessOnBehalf = "ao" // official, month "2026-11"
	vCancelAll      = "ax" // nonce
	vLanguage       = "lg" // "vi" or "en"
	vStatusPage     = "sp" // page
	vOpenReview     = "ov" // assessment
	vRemindMissing  = "sm" // month, page
	vDelegate       = "dg" // deputy, days (0: ask how long)
	vReconsider     = "rc" // request, "a" accept or "k" keep
	vNoop           = "no" // a label button; answers with its full text
	vPublish        = "pb" // month "2026-11" to publish it, or "x" to cancel
	vAssignment     = "ag" // assignment, "w" accept into the week's plan, "m" the month's, "x" decline
)

// cb encodes callback data (chat.Data).
func cb(verb string, args ...any) string { return chat.Data(verb, args...) }

var errBadData = chat.ErrBadData

func parseCallback(data string) (callback, error) {
	c, err := chat.Parse(data)
	return callback{verb: c.Verb, args: c.Args}, err
}

// exported is c for a chat sub-package.
func (c callback) exported() chat.Callback { return chat.Callback{Verb: c.verb, Args: c.args} }

// id reads argument i as a base-36 integer.
func (c callback) id(i int) (int64, error) { return c.exported().ID(i) }

// small reads argument i as an integer in 0..max (points, pages, indexes),
// so nothing forged can overflow what is computed from it.
func (c callback) small(i int, max int64) (int64, error) { return c.exported().Small(i, max) }

func (c callback) str(i int) (string, error) { return c.exported().Str(i) }
