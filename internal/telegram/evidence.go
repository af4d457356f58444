package telegram

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"evalbot/internal/app/access"
	"evalbot/internal/app/evidence"
	"evalbot/internal/app/plans"
	"evalbot/internal/calendar"
	"evalbot/internal/delivery"
	"evalbot/internal/evaluation"
	"evalbot/internal/textnorm"
)

// Evidence (minh chứng, issue 23) in the chat: the official presses «N 📎»
// by a task of the weekly report (or of the self-assessment's task view),
// then types a document's number or sends a file or a photo; a file or
// photo sent with a caption naming the task («2», «việc 2», words of its
// title) goes to that task of the week's report without the button. The
// head's review card lists each task's evidence with a button per file or
// photo, which sends it to the head.

const (
	// vEvidenceAsk: the owner starts adding evidence to a task: task, where
	// the card is ("w" weekly report, "a<n>" self-assessment's task page n).
	vEvidenceAsk = "ea"
	// vEvidencePick: the weekly report's task picker for evidence: plan,
	// "p" to show it or "b" to go back to the report's buttons.
	vEvidencePick = "ep"
	// vEvidenceDone: the owner has finished adding evidence.
	vEvidenceDone = "ed"
	// vEvidenceRemove: the owner removes an item they added: evidence item.
	vEvidenceRemove = "ex"
	// vEvidenceOpen: someone who may see the owner's records has a file or
	// photo sent to them: evidence item.
	vEvidenceOpen = "eo"
	// stepEvidence: an official sending evidence for a task: task (in
	// PlanID), where the card is (in Kind), when it was set (in Start,
	// RFC 3339; evidenceStepTTL), the card's chat and message.
	stepEvidence = "evidence"
)

// evidenceStepTTL is how long what an official sends after «N 📎» is
// still evidence for that task (from the press, or from the last item):
// a text typed the next day is not a document's number.
const evidenceStepTTL = 30 * time.Minute

// evidenceStepLive reports whether the evidence step d (its time in Start)
// is within evidenceStepTTL.
func (a *App) evidenceStepLive(d stepData) bool {
	at, err := time.Parse(time.RFC3339, d.Start)
	return err == nil && a.Now().Sub(at) < evidenceStepTTL
}

// evidenceInline is how many items of a task its line shows before «+N».
const evidenceInline = 3

// evidenceNameRunes bounds a document number or file name on a card.
const evidenceNameRunes = 40

// maxEvidenceButtons bounds the review card's buttons that open a file or photo
// (Telegram allows 100 buttons a message; the card keeps a screen).
const maxEvidenceButtons = 24

// evidenceLabel is an item as a card shows it: «📎 125/UBND-VP», «🖼 ảnh»,
// «📄 bao-cao.pdf», with «(từ hệ thống)» for a task system's item.
func (t *turn) evidenceLabel(e evaluation.Evidence) string {
	var s string
	switch e.Kind {
	case evaluation.EvidenceDocument:
		s = "📎 " + escape(cutTitle(e.DocumentNumber, evidenceNameRunes))
	case evaluation.EvidencePhoto:
		s = "🖼 " + t.t("EvidencePhoto", nil)
	default:
		name := e.FileName
		if name == "" {
			name = t.t("EvidenceFile", nil)
		}
		s = "📄 " + escape(cutTitle(name, evidenceNameRunes))
	}
	if e.Source == evaluation.SourceAPI {
		s += " " + t.t("EvidenceFromSystem", nil)
	}
	return s
}

// evidenceSuffix is what a task's line adds for its evidence: «· 📎
// 125/UBND-VP, 🖼 ảnh» (at most evidenceInline items, then «+N»), or with
// compact just the count «· 📎×5»; "" without evidence.
func (t *turn) evidenceSuffix(list []evaluation.Evidence, compact bool) string {
	if len(list) == 0 {
		return ""
	}
	if compact {
		return " · 📎×" + strconv.Itoa(len(list))
	}
	parts := make([]string, 0, evidenceInline+1)
	for i, e := range list {
		if i == evidenceInline {
			parts = append(parts, "+"+strconv.Itoa(len(list)-i))
			break
		}
		parts = append(parts, t.evidenceLabel(e))
	}
	return " · " + strings.Join(parts, ", ")
}

// taskEvidence is the evidence of tasks, by task id.
func (t *turn) taskEvidence(tasks []evaluation.Task) (map[int64][]evaluation.Evidence, error) {
	if len(tasks) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(tasks))
	for i, task := range tasks {
		ids[i] = task.ID
	}
	return evaluation.TaskEvidence(t.ctx, t.tx, ids)
}

// evidenceButtons adds to each row of a task list's keyboard (one row per
// task, as taskButtons makes them) an «N 📎» button that starts adding
// evidence to the task; where says which card it is (vEvidenceAsk).
func evidenceButtons(kb delivery.Keyboard, tasks []evaluation.Task, where string) delivery.Keyboard {
	for i, task := range tasks {
		if i < len(kb) {
			kb[i] = append(kb[i], delivery.Button{Text: itoa(task.Position) + " 📎", Data: cb(vEvidenceAsk, task.ID, where)})
		}
	}
	return kb
}

// reportEvidenceButtons adds the weekly report's evidence buttons to kb
// (a row of ✅ ⏰ ❌ per task): «N 📎» on each task's row while the
// keyboard stays within Telegram's 100 buttons (24 tasks with the «Done»
// row), otherwise one «📎 Thêm minh chứng» row that shows a picker of the
// tasks (vEvidencePick).
func reportEvidenceButtons(t *turn, kb delivery.Keyboard, p evaluation.Plan) delivery.Keyboard {
	if len(p.Tasks)*4+1 <= delivery.MaxButtons {
		return evidenceButtons(kb, p.Tasks, "w")
	}
	return append(kb, []delivery.Button{{Text: t.t("BtnEvidenceAdd", nil), Data: cb(vEvidencePick, p.ID, "p")}})
}

// onEvidencePick shows on the weekly report, in place of its buttons, a
// «N 📎» button per task ("p"), or brings its buttons back ("b").
func (a *App) onEvidencePick(t *turn, c callback) error {
	planID, err := c.id(0)
	mode, _ := c.str(1)
	if err != nil || mode != "p" && mode != "b" {
		return staleOr(t, evaluation.ErrStale)
	}
	p, err := plans.OwnPlan(t.ctx, t.tx, t.me.ID, planID)
	if err != nil {
		return staleOr(t, err)
	}
	text, kb, err := t.reportView(p)
	if err != nil {
		return err
	}
	if mode == "p" {
		kb = nil
		var row []delivery.Button
		for _, task := range p.Tasks {
			row = append(row, delivery.Button{Text: itoa(task.Position) + " 📎", Data: cb(vEvidenceAsk, task.ID, "w")})
			if len(row) == 6 {
				kb, row = append(kb, row), nil
			}
		}
		if len(row) > 0 {
			kb = append(kb, row)
		}
		kb = append(kb, []delivery.Button{{Text: t.t("BtnBack", nil), Data: cb(vEvidencePick, p.ID, "b")}})
	}
	t.ack("")
	t.editPressed(text, kb)
	return nil
}

// evidenceRefusal answers a refusal of the evidence use cases to a press.
func evidenceRefusal(t *turn, err error) error {
	if errors.Is(err, access.ErrForbidden) {
		t.alert(t.t("NotAuthorized", nil))
		return nil
	}
	return staleOr(t, err)
}

// onEvidenceAsk: the owner pressed «N 📎»: what they send next is evidence
// for the task. The message lists what the task carries, each item the
// owner added with a button to remove it.
func (a *App) onEvidenceAsk(t *turn, c callback) error {
	taskID, err := c.id(0)
	where, _ := c.str(1)
	if err != nil || where != "w" && !strings.HasPrefix(where, "a") {
		return staleOr(t, evaluation.ErrStale)
	}
	task, _, err := evidence.Target(t.ctx, t.tx, t.me.ID, taskID, a.assessMonth())
	if err != nil {
		return evidenceRefusal(t, err)
	}
	m := t.pressed()
	if err := t.setStep(stepEvidence, stepData{PlanID: taskID, Kind: where, ChatID: m.chatID, MessageID: m.messageID,
		Start: a.Now().UTC().Format(time.RFC3339)}); err != nil {
		return err
	}
	ev, err := evaluation.TaskEvidence(t.ctx, t.tx, []int64{taskID})
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString(t.t("EvidenceAsk", map[string]any{"N": task.Position, "Title": cutTitle(task.Title, listTitleRunes),
		"Max": evaluation.MaxDocumentNumberRunes}))
	kb := delivery.Keyboard{}
	var row []delivery.Button
	for i, e := range ev[taskID] {
		if i == 0 {
			b.WriteString("\n\n" + t.t("EvidenceHas", nil))
		}
		b.WriteString("\n" + itoa(i+1) + ") " + t.evidenceLabel(e))
		if e.AddedBy != nil && *e.AddedBy == t.me.ID && e.Source != evaluation.SourceAPI {
			row = append(row, delivery.Button{Text: "🗑 " + itoa(i+1), Data: cb(vEvidenceRemove, e.ID)})
			if len(row) == 5 {
				kb, row = append(kb, row), nil
			}
		}
	}
	if len(row) > 0 {
		kb = append(kb, row)
	}
	kb = append(kb, []delivery.Button{{Text: t.t("BtnEvidenceDone", nil), Data: cb(vEvidenceDone)}})
	t.ack("")
	return t.reply(b.String(), kb)
}

// onEvidenceDone ends adding evidence (the step), whatever it was.
func (a *App) onEvidenceDone(t *turn) error {
	step, _, err := t.step()
	if err != nil {
		return err
	}
	if step == stepEvidence {
		if err := t.clearStep(); err != nil {
			return err
		}
	}
	t.ack("")
	t.editPressed(t.t("EvidenceDoneText", nil), nil)
	return nil
}

// onEvidenceText: the owner typed a document's number for the task of the
// step; «xong» / «done» ends the step.
func (a *App) onEvidenceText(t *turn, d stepData, text string) error {
	if !a.evidenceStepLive(d) {
		if err := t.clearStep(); err != nil {
			return err
		}
		return a.onHelp(t, false)
	}
	if f := textnorm.Fold(text); f == "xong" || f == "done" {
		if err := t.clearStep(); err != nil {
			return err
		}
		return t.reply(t.t("EvidenceDoneText", nil), nil)
	}
	return a.addEvidence(t, d, true, evaluation.Evidence{TaskID: d.PlanID, Kind: evaluation.EvidenceDocument, DocumentNumber: text})
}

// sentFile is a file or photo a message carries, as evidence keeps it.
type sentFile struct {
	kind, fileID, uniqueID, name string
}

// messageFile is the file or photo of msg: a photo's largest PhotoSize (by
// its area; Telegram lists them smallest first), or its document (any
// size: only the file_id is kept, so the 20 MB a bot may download does not
// matter). ok is false for anything else.
func messageFile(msg *models.Message) (sentFile, bool) {
	switch {
	case len(msg.Photo) > 0:
		best := msg.Photo[0]
		for _, p := range msg.Photo[1:] {
			if p.Width*p.Height >= best.Width*best.Height {
				best = p
			}
		}
		return sentFile{kind: evaluation.EvidencePhoto, fileID: best.FileID, uniqueID: best.FileUniqueID}, true
	case msg.Document != nil:
		return sentFile{kind: evaluation.EvidenceFile, fileID: msg.Document.FileID, uniqueID: msg.Document.FileUniqueID,
			name: msg.Document.FileName}, true
	}
	return sentFile{}, false
}

// onNonText handles an official's message that has no text (route): a
// file or a photo is evidence — for the task of the step, or for the task
// its caption names in this week's report; anything else (a sticker, a
// voice note, a video, a location …) is answered with what the bot reads.
func (a *App) onNonText(t *turn, msg *models.Message) error {
	step, d, err := t.step()
	if err != nil {
		return err
	}
	if step == stepEvidence && !a.evidenceStepLive(d) {
		if err := t.clearStep(); err != nil {
			return err
		}
		step = ""
	}
	f, ok := messageFile(msg)
	if !ok {
		if step == stepEvidence {
			return t.reply(t.t("EvidenceWrongKind", nil), nil)
		}
		return t.reply(t.t("NotText", nil), nil)
	}
	e := evaluation.Evidence{Kind: f.kind, FileID: f.fileID, FileUniqueID: f.uniqueID, FileName: f.name}
	if step == stepEvidence {
		e.TaskID = d.PlanID
		return a.addEvidence(t, d, true, e)
	}
	w := calendar.WeekOf(a.today())
	p, err := evaluation.FindPlan(t.ctx, t.tx, t.me.ID, evaluation.KindWeek, w.Monday())
	if errors.Is(err, evaluation.ErrNotFound) || err == nil && p.Status != evaluation.StatusApproved {
		return t.reply(t.t("EvidenceNoPlan", nil), nil)
	}
	if err != nil {
		return err
	}
	task, ok := captionTask(msg.Caption, p.Tasks)
	if !ok {
		return t.reply(t.t("EvidenceWhichTask", nil), nil)
	}
	// The step starts here, without a card: the other photos of an album
	// (one message each, the caption on the first only) follow it.
	e.TaskID = task.ID
	return a.addEvidence(t, stepData{PlanID: task.ID}, true, e)
}

// captionTask finds the task a caption names among a plan's tasks: its
// number («2», «#2», «việc 2», «viec so 2») or words of its title, folded
// (textnorm.Fold: no diacritics needed) and matching one task only.
func captionTask(caption string, tasks []evaluation.Task) (evaluation.Task, bool) {
	f := textnorm.Fold(caption)
	for _, prefix := range []string{"viec so ", "viec ", "task ", "so "} {
		f = strings.TrimPrefix(f, prefix)
	}
	if f == "" {
		return evaluation.Task{}, false
	}
	if n, err := strconv.Atoi(f); err == nil {
		for _, task := range tasks {
			if task.Position == n {
				return task, true
			}
		}
		return evaluation.Task{}, false
	}
	if len([]rune(f)) < 3 {
		return evaluation.Task{}, false
	}
	var found []evaluation.Task
	for _, task := range tasks {
		if strings.Contains(" "+textnorm.Fold(task.Title)+" ", " "+f+" ") {
			found = append(found, task)
		}
	}
	if len(found) != 1 {
		return evaluation.Task{}, false
	}
	return found[0], true
}

// addEvidence adds e for the sender through the use case and answers;
// inStep: the step names the task (and the card to bring up to date), and
// stays for the next item.
func (a *App) addEvidence(t *turn, d stepData, inStep bool, e evaluation.Evidence) error {
	e.Source = evaluation.SourceChat
	// The card the step started from is brought up to date below
	// (refreshEvidenceCard); the other cards showing the task follow.
	skip := cardRef{}
	if inStep {
		skip = cardRef{chatID: d.ChatID, messageID: d.MessageID}
	}
	item, err := evidence.Add(t.ctx, t.tx, t.me.ID, e, a.assessMonth(), t.taskCards(skip))
	switch {
	case errors.Is(err, evaluation.ErrEvidenceEmpty):
		return t.reply(t.t("EvidenceEmpty", nil), nil)
	case errors.Is(err, evaluation.ErrEvidenceTooLong) && e.Kind == evaluation.EvidenceDocument:
		return t.reply(t.t("EvidenceNumberTooLong", map[string]any{"Max": evaluation.MaxDocumentNumberRunes}), nil)
	case errors.Is(err, evaluation.ErrEvidenceTooLong):
		return t.reply(t.t("EvidenceNameTooLong", map[string]any{"Max": evaluation.MaxFileNameRunes}), nil)
	case errors.Is(err, evidence.ErrNoDigit):
		return t.reply(t.t("EvidenceNoDigit", nil), nil)
	case errors.Is(err, evaluation.ErrTooMuchEvidence):
		return t.reply(t.t("EvidenceTooMany", map[string]any{"Max": evaluation.MaxEvidencePerTask}), nil)
	case errors.Is(err, access.ErrForbidden):
		if inStep {
			if err := t.clearStep(); err != nil {
				return err
			}
		}
		return t.reply(t.t("NotAuthorized", nil), nil)
	case errors.Is(err, evaluation.ErrLocked), errors.Is(err, evaluation.ErrStale), errors.Is(err, evaluation.ErrNotFound):
		if inStep {
			if err := t.clearStep(); err != nil {
				return err
			}
		}
		return t.reply(t.t("EvidenceLocked", nil), nil)
	case err != nil:
		return err
	}
	data := map[string]any{"N": item.Task.Position, "Title": cutTitle(item.Task.Title, listTitleRunes), "Item": html(t.evidenceLabel(item.Evidence))}
	if item.Repeated {
		return t.reply(t.t("EvidenceRepeated", data), nil)
	}
	text := t.t("EvidenceAdded", data)
	kb := delivery.Keyboard{{{Text: t.t("BtnEvidenceRemove", nil), Data: cb(vEvidenceRemove, item.Evidence.ID)}}}
	if inStep {
		// The step lives on for the next item, evidenceStepTTL from now.
		d.Start = a.Now().UTC().Format(time.RFC3339)
		if err := t.setStep(stepEvidence, d); err != nil {
			return err
		}
		text += "\n" + t.t("EvidenceMore", nil)
		kb[0] = append(kb[0], delivery.Button{Text: t.t("BtnEvidenceDone", nil), Data: cb(vEvidenceDone)})
		if err := a.refreshEvidenceCard(t, d, item.Plan); err != nil {
			return err
		}
	}
	return t.reply(text, kb)
}

// refreshEvidenceCard brings the card the step started from (the weekly
// report, or the self-assessment's task page) up to date with the task's
// evidence; nothing when it is unknown.
func (a *App) refreshEvidenceCard(t *turn, d stepData, p evaluation.Plan) error {
	if d.ChatID == 0 || d.MessageID == 0 {
		return nil
	}
	ref := cardRef{chatID: d.ChatID, messageID: d.MessageID}
	if d.Kind == "w" {
		p, err := evaluation.LoadPlan(t.ctx, t.tx, p.ID)
		if err != nil {
			return err
		}
		text, kb, err := t.reportView(p)
		if err != nil {
			return err
		}
		t.showCard(ref, text, kb)
		return nil
	}
	as, err := evaluation.FindAssessment(t.ctx, t.tx, t.me.ID, p.Month)
	if errors.Is(err, evaluation.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	text, kb, err := a.selfView(t, as, "t"+strings.TrimPrefix(d.Kind, "a"))
	if err != nil {
		return err
	}
	t.showCard(ref, text, kb)
	return nil
}

// onEvidenceRemove: the owner removes an item they added by mistake.
func (a *App) onEvidenceRemove(t *turn, c callback) error {
	id, err := c.id(0)
	if err != nil {
		return staleOr(t, evaluation.ErrStale)
	}
	step, d, err := t.step()
	if err != nil {
		return err
	}
	// The card the step started from, when the item is of its task, is
	// brought up to date below; the other cards showing the task follow.
	skip := cardRef{}
	if step == stepEvidence && d.MessageID != 0 {
		if e, err := evaluation.LoadEvidence(t.ctx, t.tx, id); err == nil && e.TaskID == d.PlanID {
			skip = cardRef{chatID: d.ChatID, messageID: d.MessageID}
		}
	}
	item, err := evidence.Remove(t.ctx, t.tx, t.me.ID, id, a.assessMonth(), t.taskCards(skip))
	if err != nil {
		return evidenceRefusal(t, err)
	}
	data := map[string]any{"N": item.Task.Position, "Title": cutTitle(item.Task.Title, listTitleRunes), "Item": html(t.evidenceLabel(item.Evidence))}
	t.ack(t.t("EvidenceRemovedToast", data))
	if step == stepEvidence && d.PlanID == item.Task.ID && d.MessageID != 0 {
		// The card the item was added from loses it (a turn makes one
		// edit); the removal is said in a message of its own.
		if err := a.refreshEvidenceCard(t, d, item.Plan); err != nil {
			return err
		}
		return t.reply(t.t("EvidenceRemoved", data), nil)
	}
	t.editPressed(t.t("EvidenceRemoved", data), nil)
	return nil
}

// onEvidenceOpen sends a file or photo to whoever may see its owner's
// records (evidence.Open), by its file_id, at once and within the chat's
// pace (App.direct) after the commit; a document's number is shown in the
// answer.
func (a *App) onEvidenceOpen(t *turn, c callback) error {
	id, err := c.id(0)
	if err != nil {
		return staleOr(t, evaluation.ErrStale)
	}
	o, err := evidence.Open(t.ctx, t.tx, t.me.ID, id, a.today())
	if err != nil {
		return evidenceRefusal(t, err)
	}
	e := o.Evidence
	if o.Repeated {
		t.ack(t.t("EvidenceSentToast", map[string]any{"Title": cutTitle(o.Title, listTitleRunes)}))
		return nil
	}
	if e.Kind == evaluation.EvidenceDocument {
		t.alert(t.t("EvidenceNumberAlert", map[string]any{"Number": e.DocumentNumber, "Title": cutTitle(o.Title, listTitleRunes)}))
		return nil
	}
	caption := a.fitText(t.t("EvidenceCaption", map[string]any{"Name": o.Owner.FullName, "Title": cutTitle(o.Title, listTitleRunes)}),
		delivery.MaxCaption, "sendPhoto")
	t.direct = append(t.direct, directMsg{known: true, file: &directFile{chatID: t.chatID,
		photo: e.Kind == evaluation.EvidencePhoto, fileID: e.FileID, caption: caption}})
	t.ack(t.t("EvidenceSending", nil))
	return nil
}

// directFile is a photo or file sent again by its file_id (Bot API
// sendPhoto, sendDocument), with a caption (HTML, within MaxCaption).
type directFile struct {
	chatID  int64
	photo   bool
	fileID  string
	caption string
}

// sendFile sends f within the chat's pace, and again after a 429's
// retry_after (direct, which logs a failure: a file_id Telegram no longer
// knows answers 400).
func (a *App) sendFile(ctx context.Context, known bool, f *directFile) {
	_ = a.direct(ctx, known, f.chatID, func(ctx context.Context) error {
		var err error
		if f.photo {
			_, err = a.Bot.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: f.chatID, Photo: &models.InputFileString{Data: f.fileID},
				Caption: f.caption, ParseMode: models.ParseModeHTML})
		} else {
			_, err = a.Bot.SendDocument(ctx, &bot.SendDocumentParams{ChatID: f.chatID, Document: &models.InputFileString{Data: f.fileID},
				Caption: f.caption, ParseMode: models.ParseModeHTML})
		}
		return err
	})
}

// evidenceSection is the review card's list of the month's evidence, one
// line per task that has any («2. Báo cáo quý: 📎 125/UBND-VP, 🖼 ảnh [1]»),
// within budget UTF-16 units, and a button per file or photo listed («🖼
// 1»), at most maxEvidenceButtons; "" and none when no task has evidence.
func (t *turn) evidenceSection(tasks []evaluation.Task, budget int) (string, delivery.Keyboard, error) {
	ev, err := t.taskEvidence(tasks)
	if err != nil {
		return "", nil, err
	}
	text, kb := t.renderEvidenceSection(numbered(tasks), ev, budget)
	return text, kb, nil
}

// renderEvidenceSection is evidenceSection once the evidence (by task id)
// is read; tasks are numbered as the review's task view numbers them.
func (t *turn) renderEvidenceSection(tasks []evaluation.Task, ev map[int64][]evaluation.Evidence, budget int) (string, delivery.Keyboard) {
	var withEv, items int
	for _, task := range tasks {
		if n := len(ev[task.ID]); n > 0 {
			withEv, items = withEv+1, items+n
		}
	}
	if withEv == 0 {
		return "", nil
	}
	head := "\n\n" + t.t("EvidenceSection", map[string]any{"Tasks": withEv, "Items": items})
	if !delivery.Fits(head+"\n"+t.T("EvidenceMoreTasks", withEv, map[string]any{"N": withEv}), budget) {
		return "", nil
	}
	var b strings.Builder
	b.WriteString(head)
	var buttons []delivery.Button
	shown := 0
	for _, task := range tasks {
		list := ev[task.ID]
		if len(list) == 0 {
			continue
		}
		var parts []string
		var lineButtons []delivery.Button
		for _, e := range list {
			label := t.evidenceLabel(e)
			if e.Kind != evaluation.EvidenceDocument && len(buttons)+len(lineButtons) < maxEvidenceButtons {
				n := len(buttons) + len(lineButtons) + 1
				label += " [" + itoa(n) + "]"
				icon := "📄 "
				if e.Kind == evaluation.EvidencePhoto {
					icon = "🖼 "
				}
				lineButtons = append(lineButtons, delivery.Button{Text: icon + itoa(n), Data: cb(vEvidenceOpen, e.ID)})
			}
			parts = append(parts, label)
		}
		line := "\n" + itoa(task.Position) + ". " + escape(cutTitle(task.Title, 40)) + ": " + strings.Join(parts, ", ")
		more := "\n" + t.T("EvidenceMoreTasks", withEv-shown, map[string]any{"N": withEv - shown})
		if !delivery.Fits(b.String()+line+more, budget) {
			b.WriteString(more)
			break
		}
		b.WriteString(line)
		buttons = append(buttons, lineButtons...)
		shown++
	}
	var kb delivery.Keyboard
	for i := 0; i < len(buttons); i += 6 {
		kb = append(kb, buttons[i:min(i+6, len(buttons))])
	}
	return b.String(), kb
}
