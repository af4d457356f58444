package telegram

import (
	"errors"
	"strings"

	"github.com/go-telegram/bot/models"

	"evalbot/internal/locale"
	"evalbot/internal/roster"
	"evalbot/internal/telegram/citizenchat"
)

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// route finds who is speaking and dispatches. Strangers may only /start with
// an invite, share their own contact, or be told politely that they are not
// on the roster.
func (a *App) route(t *turn) error {
	var from *models.User
	switch {
	case t.upd.Message != nil:
		from = t.upd.Message.From
		t.chatID = t.upd.Message.Chat.ID
	case t.cq != nil:
		from = &t.cq.From
		t.chatID = t.pressed().chatID
	default:
		return nil // other update kinds are not used
	}
	if from == nil {
		return nil
	}
	t.userID = from.ID
	t.lang = locale.Lang(from.LanguageCode)
	var me roster.Official
	var err error
	if t.pre != nil {
		me, err = *t.pre, t.preErr
	} else {
		me, err = roster.OfficialByTelegram(t.ctx, t.tx, from.ID)
	}
	switch {
	case err == nil && me.Active:
		t.me = &me
		t.lang = me.Language
	case err == nil, errors.Is(err, roster.ErrNotFound):
	default:
		return err
	}
	if t.cq != nil {
		return a.onCallback(t)
	}
	msg := t.upd.Message
	if msg.Chat.Type != models.ChatTypePrivate {
		cmd, _ := command(msg.Text)
		return a.onGroupCommand(t, cmd)
	}
	if msg.Contact != nil {
		return a.onContact(t, msg.Contact)
	}
	cmd, arg := command(msg.Text)
	if cmd == "start" && citizenchat.IsPayload(arg) {
		return citizenchat.OnStart(chatTurn{t}, arg) // a citizen (or anyone) scanning a desk's QR code
	}
	if t.me == nil {
		if cmd == "" {
			if handled, err := citizenchat.OnText(chatTurn{t}, msg.Text); handled || err != nil {
				return err
			}
		}
		if cmd == "start" && arg != "" {
			return a.onStartToken(t, arg)
		}
		return a.refuseStranger(t)
	}
	if msg.Text == "" {
		// A photo, a file, a sticker, a voice note …: never read as an
		// empty text by whatever step the person is in.
		return a.onNonText(t, msg)
	}
	switch cmd {
	case "start":
		if arg != "" {
			return a.onStartToken(t, arg)
		}
		return a.onHelp(t, true)
	case "help":
		return a.onHelp(t, false)
	case "language":
		return a.onLanguageMenu(t)
	case "plan":
		return a.onPlanCommand(t, "week")
	case "monthplan":
		return a.onPlanCommand(t, "month")
	case "report":
		return a.onReportCommand(t)
	case "assess":
		return a.onAssessCommand(t)
	case "pending":
		return a.onPending(t)
	case "cancel":
		return a.onCancelStep(t)
	case "status":
		return a.onStatus(t, 0)
	case "delegate":
		return a.onDelegateMenu(t)
	case "undelegate":
		return a.onUndelegate(t)
	case "publish":
		return a.onPublish(t)
	case "reconsider":
		return a.onReconsider(t)
	case "history":
		return a.onHistory(t)
	case "export":
		return a.onExport(t, arg)
	case "desks":
		return citizenchat.OnDesksCommand(chatTurn{t})
	case "ratings":
		return citizenchat.OnRatingsCommand(chatTurn{t})
	case "web":
		return a.onWeb(t)
	case "catalogue", "danhmuc":
		return a.onCatalogueSearch(t, arg)
	case "visit":
		return citizenchat.OnVisitCommand(chatTurn{t}, arg)
	case "year", "nam":
		return a.onYearCommand(t)
	case "":
		if handled, err := citizenchat.OnText(chatTurn{t}, msg.Text); handled || err != nil {
			return err
		}
		return a.onText(t, msg.Text)
	default:
		return a.onHelp(t, false)
	}
}

// command splits "/cmd@Bot arg" into "cmd" and "arg"; "" for plain text.
func command(text string) (string, string) {
	if !strings.HasPrefix(text, "/") {
		return "", ""
	}
	word, arg, _ := strings.Cut(strings.TrimPrefix(text, "/"), " ")
	word, _, _ = strings.Cut(word, "@")
	return strings.ToLower(word), strings.TrimSpace(arg)
}

func (a *App) onCallback(t *turn) error {
	c, err := parseCallback(t.cq.Data)
	if err != nil {
		t.alert(t.t("ErrorStale", nil))
		return nil
	}
	if c.verb == vNoop {
		key, _ := c.str(0)
		t.ack(a.noopText(t, key))
		return nil
	}
	if citizenchat.IsVerb(c.verb) {
		return citizenchat.OnCallback(chatTurn{t}, c.exported()) // citizens are not on the roster
	}
	if t.me == nil {
		t.alert(t.t("NotAuthorized", nil))
		return nil
	}
	switch c.verb {
	case vLanguage:
		return a.onLanguage(t, c)
	case vPlanEnter:
		return a.onPlanEnter(t, c)
	case vPlanSubmit, vPlanEdit, vPlanCancel:
		return a.onPlanOwner(t, c)
	case vPlanApprove, vPlanReturn:
		return a.onPlanHead(t, c)
	case vTaskMark, vReportDone:
		return a.onTaskMark(t, c)
	case vSelfCrit, vSelfBonus, vSelfView, vSelfSubmit:
		return a.onSelf(t, c)
	case vReviewOK, vReviewAdjust, vReviewReturn, vAdjCrit, vAdjBonus, vAdjTask, vAdjView, vAdjManual, vQuota:
		return a.onReview(t, c)
	case vOpenReview:
		return a.onOpenReview(t, c)
	case vQualityMark:
		return a.onQualityMark(t, c)
	case vQualityUndo:
		return a.onQualityUndo(t, c)
	case vPlanWeigh:
		return a.onPlanWeigh(t, c)
	case vEvidenceAsk:
		return a.onEvidenceAsk(t, c)
	case vEvidencePick:
		return a.onEvidencePick(t, c)
	case vEvidenceDone:
		return a.onEvidenceDone(t)
	case vEvidenceRemove:
		return a.onEvidenceRemove(t, c)
	case vEvidenceOpen:
		return a.onEvidenceOpen(t, c)
	case vStatusPage:
		p, err := c.small(0, 10000)
		if err != nil {
			return staleOr(t, errBadData)
		}
		return a.onStatus(t, int(p))
	case vRemindMissing:
		return a.onRemindMissing(t, c)
	case vDelegate:
		return a.onDelegate(t, c)
	case vReconsider:
		return a.onReconsiderDecision(t, c)
	case vAssessOnBehalf:
		return a.onAssessOnBehalf(t, c)
	case vApproveAll, vCancelAll:
		return a.onApproveAll(t, c)
	case vPublish:
		return a.onPublishConfirm(t, c)
	case vYearPage, vYearAll, vYearOne, vYearAdjust, vYearGrade, vYearChoose:
		return a.onYear(t, c)

	case vAssignment:
		return a.onAssignment(t, c)
	}
	t.alert(t.t("ErrorStale", nil))
	return nil
}
