package telegram

import (
	"errors"

	"evalbot/internal/conversation"
	"evalbot/internal/textnorm"
)

// A step is what a person's next text message means. It is stored in
// PostgreSQL, so a restart or another replica continues the conversation.
const (
	stepPlanTasks      = "plan_tasks"      // typing a plan: kind, start
	stepPlanReturn     = "plan_return"     // a head typing why a plan goes back: plan, version
	stepAssessReturn   = "assess_return"   // a head typing why a self-assessment goes back: assessment, version
	stepBonusReason    = "bonus_reason"    // an official typing why they claim a bonus: assessment, bonus, message
	stepManualTask     = "manual_task"     // a head typing the task score of a month with no tasks: assessment, message
	stepReconsider     = "reconsider"      // an official typing why they ask for reconsideration: assessment
	stepReconsiderKeep = "reconsider_keep" // a head typing why the result stands: request (in PlanID), message
)

type stepData struct {
	Kind         string  `json:"kind,omitempty"`
	Start        string  `json:"start,omitempty"`
	PlanID       int64   `json:"plan,omitempty"`
	AssessmentID int64   `json:"assessment,omitempty"`
	Version      int     `json:"version,omitempty"`
	Bonus        int64   `json:"bonus,omitempty"`
	ChatID       int64   `json:"chat,omitempty"`
	MessageID    int     `json:"message,omitempty"`
	Nonce        string  `json:"nonce,omitempty"`
	IDs          []int64 `json:"ids,omitempty"`
	Versions     []int   `json:"versions,omitempty"`
}

func (t *turn) setStepFor(telegramUserID int64, step string, d stepData) error {
	return conversation.Set(t.ctx, t.tx, telegramUserID, step, d)
}

func (t *turn) setStep(step string, d stepData) error { return t.setStepFor(t.userID, step, d) }

func (t *turn) clearStep() error { return conversation.Clear(t.ctx, t.tx, t.userID) }

// step reads the sender's step, locking it for this transaction.
func (t *turn) step() (string, stepData, error) { return t.stepOf(t.userID) }

// stepOf reads someone's step, locking it for this transaction.
func (t *turn) stepOf(telegramUserID int64) (string, stepData, error) {
	var d stepData
	step, err := conversation.Get(t.ctx, t.tx, telegramUserID, &d)
	return step, d, err
}

func (a *App) onText(t *turn, text string) error {
	step, d, err := t.step()
	if err != nil {
		return err
	}
	switch step {
	case stepPlanTasks:
		return a.onPlanText(t, d, text)
	case stepPlanReturn:
		return a.onPlanReturnReason(t, d, text)
	case stepAssessReturn:
		return a.onAssessReturnReason(t, d, text)
	case stepBonusReason:
		return a.onBonusReason(t, d, text)
	case stepManualTask:
		return a.onManualTaskScore(t, d, text)
	case stepReconsider:
		return a.onReconsiderReason(t, d, text)
	case stepReconsiderKeep:
		return a.onReconsiderKeepReason(t, d, text)
	case stepQualityReason:
		return a.onQualityReason(t, d, text)
	case stepPlanWeigh:
		return a.onPlanWeighText(t, d, text)
	case stepYearReason:
		return a.onYearReason(t, d, text)

	case stepEvidence:
		return a.onEvidenceText(t, d, text)

	case stepAssignDecline:
		return a.onAssignDeclineReason(t, d, text)
	}
	return a.onHelp(t, false)
}

func (a *App) onCancelStep(t *turn) error {
	if err := t.clearStep(); err != nil {
		return err
	}
	return t.reply(t.t("StepCancelled", nil), nil)
}

// maxReasonRunes keeps a typed reason readable on a card and the card within
// Telegram's 4096 characters.
const maxReasonRunes = 500

// reason cleans a typed reason as every typed text is (textnorm.Field: no
// invisible or bidi control characters, NFC, one space) and checks it; ok
// is false (and the person has been asked again) when nothing visible is
// left or it is too long.
func (t *turn) reason(text string) (string, bool, error) {
	r, err := textnorm.Field(text, maxReasonRunes)
	switch {
	case errors.Is(err, textnorm.ErrEmpty):
		return "", false, t.reply(t.t("AskReturnReasonAgain", nil), nil)
	case errors.Is(err, textnorm.ErrTooLong):
		return "", false, t.reply(t.t("ReasonTooLong", map[string]any{"Max": maxReasonRunes}), nil)
	}
	return r, true, nil
}
