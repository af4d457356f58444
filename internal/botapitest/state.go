package botapitest

import (
	"context"
	"fmt"
	"maps"
	"sort"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"
	json "github.com/goccy/go-json"
)

// Message is a message as a chat shows it now.
type Message struct {
	ID            int
	ChatID        int64
	Text          string     // visible text (entities parsed, trimmed), "" for media
	Keyboard      [][]Button // inline keyboard, nil if none
	ReplyKeyboard [][]string // reply keyboard sent with the message, nil if none
	Date          time.Time
	Edits         int
	Photo         []byte // uploaded photo bytes (sendPhoto)
	Caption       string // visible caption of a photo or document

	// Source is the text (or caption) exactly as the bot last sent it, before
	// entity parsing: HTML, for a bot using parse_mode HTML.
	Source         string
	Entities       []models.MessageEntity // of Text, or of Caption for media
	EditDate       time.Time              // zero if never edited
	RemoveKeyboard bool                   // sent with reply_markup remove_keyboard
	RequestContact bool                   // the reply keyboard has a request_contact button
	Document       []byte                 // uploaded document bytes (sendDocument)
	FileName       string                 // the document's file name
	FromBot        bool
}

// Button is an inline keyboard button.
type Button struct {
	Text   string
	Data   string // callback_data
	URL    string
	WebApp string // web_app.url (a Mini App's page)
}

// CallbackAnswer is the bot's (first, accepted) answer to a callback query.
type CallbackAnswer struct {
	QueryID   string
	Text      string
	ShowAlert bool
	URL       string
}

// Event is one line of the transcript: a user action or a bot call.
type Event struct {
	Seq    int
	Time   time.Time // from the server's clock (WithClock)
	ChatID int64
	UserID int64 // the acting user for user actions; the query's user for "answer"; 0 for other bot calls
	// Kind is one of "text", "start", "contact", "press", "user_photo",
	// "user_document", "sticker", "voice" (user actions),
	// "send", "photo", "document", "edit", "delete", "answer" (bot calls),
	// "block", "unblock".
	Kind          string
	Text          string // message text, caption, button text of a press, answer text
	Buttons       [][]Button
	Err           string // a rejected call's description ("" when it succeeded)
	MessageID     int
	Data          string     // callback data of a press
	ShowAlert     bool       // of an answer
	ReplyKeyboard [][]string // of a send
}

// String formats the event for a transcript printout.
func (e Event) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "#%d %s chat=%d", e.Seq, e.Time.Format("2006-01-02 15:04:05"), e.ChatID)
	if e.UserID != 0 {
		fmt.Fprintf(&b, " user=%d", e.UserID)
	}
	if e.MessageID != 0 {
		fmt.Fprintf(&b, " msg=%d", e.MessageID)
	}
	fmt.Fprintf(&b, " %s", e.Kind)
	if e.Text != "" {
		fmt.Fprintf(&b, " %q", e.Text)
	}
	if e.Data != "" {
		fmt.Fprintf(&b, " data=%q", e.Data)
	}
	if e.ShowAlert {
		b.WriteString(" (alert)")
	}
	for _, row := range e.Buttons {
		b.WriteString(" [")
		for i, btn := range row {
			if i > 0 {
				b.WriteString(" | ")
			}
			b.WriteString(btn.Text)
		}
		b.WriteString("]")
	}
	for _, row := range e.ReplyKeyboard {
		fmt.Fprintf(&b, " {%s}", strings.Join(row, " | "))
	}
	if e.Err != "" {
		fmt.Fprintf(&b, " REJECTED: %s", e.Err)
	}
	return b.String()
}

type userState struct {
	id        int64
	firstName string
	lang      string
	blocked   bool
}

type chat struct {
	id         int64
	kind       string // "private", "group", "supergroup"
	title      string
	user       *userState // of a private chat
	kicked     bool       // the bot was removed from the group
	migratedTo int64
	nextMsgID  int
	msgs       map[int]*message
	order      []*message
	replyKB    [][]replyButton // the reply keyboard the user sees now
	replyOnce  bool
}

type message struct {
	id              int
	chat            *chat
	fromBot         bool
	from            *userState
	text            string
	entities        []models.MessageEntity
	source          string
	caption         string
	captionEntities []models.MessageEntity
	inline          [][]inlineButton
	inlineJS        string
	replyKB         [][]replyButton
	removeKB        bool
	date            time.Time
	editDate        time.Time
	edits           int
	photo           []byte
	photoW, photoH  int
	doc             []byte
	fileName        string
	mimeType        string
	fileID          string
	fileUniqueID    string
	contact         *wContact
	deleted         bool
	// What a user sent (User.SendPhoto, SendDocument, SendSticker,
	// SendVoice), as the Bot API describes it.
	userPhoto    []wPhotoSize
	userDoc      *wDocument
	sticker      *wSticker
	voice        *wVoice
	mediaGroupID string
}

type query struct {
	id       string
	from     *userState
	chatID   int64
	msgID    int
	data     string
	answered bool
	answer   CallbackAnswer
}

type queuedUpdate struct {
	id        int64
	kind      string // "message", "callback_query", "my_chat_member"
	raw       json.RawMessage
	forced    bool // re-sent by RepeatUpdate: delivered once whatever the offset
	delivered bool
	chat      int64 // whose order it keeps when posted to a webhook

	posting bool      // posted to the webhook, no reply yet
	retryAt time.Time // the webhook failed it: not posted again before
	fails   int       // the webhook's failures in a row, for the backoff
}

// chatOf is the chat an update belongs to (the user for a callback query
// without its message).
func chatOf(w *wUpdate) int64 {
	switch {
	case w.Message != nil:
		return w.Message.Chat.ID
	case w.CallbackQuery != nil && w.CallbackQuery.Message != nil:
		return w.CallbackQuery.Message.Chat.ID
	case w.CallbackQuery != nil:
		return w.CallbackQuery.From.ID
	case w.MyChatMember != nil:
		return w.MyChatMember.Chat.ID
	}
	return 0
}

// now is the server clock, never before 1970 (a zero date would make the
// message inaccessible to go-telegram/bot).
func (s *Server) now() time.Time { return s.cfg.clock() }

func unixDate(t time.Time) int64 {
	if u := t.Unix(); u > 0 {
		return u
	}
	return 1
}

func (s *Server) bumpLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Server) eventLocked(e Event) {
	s.seq++
	e.Seq = s.seq
	e.Time = s.now()
	if n := s.cfg.journal; n > 0 && len(s.events) >= 2*n {
		s.events = append(make([]Event, 0, 2*n), s.events[len(s.events)-n:]...)
	}
	s.events = append(s.events, e)
	s.bumpLocked()
}

func (s *Server) botUser() *wUser {
	return &wUser{ID: s.botID, IsBot: true, FirstName: s.cfg.firstName, Username: s.cfg.username}
}

func (u *userState) wire() wUser {
	return wUser{ID: u.id, FirstName: u.firstName, LanguageCode: u.lang}
}

func (c *chat) wire() wChat {
	w := wChat{ID: c.id, Type: c.kind}
	switch c.kind {
	case "private":
		w.FirstName = c.user.firstName
	case "group":
		w.Title = c.title
		w.AllMembersAreAdministrators = boolPtr(false)
	default:
		w.Title = c.title
	}
	return w
}

func (c *chat) newMessage(date time.Time) *message {
	c.nextMsgID++
	m := &message{id: c.nextMsgID, chat: c, date: date}
	c.msgs[m.id] = m
	c.order = append(c.order, m)
	return m
}

func (s *Server) wireMessageLocked(m *message) *wMessage {
	w := &wMessage{
		MessageID:       m.id,
		Chat:            m.chat.wire(),
		Date:            unixDate(m.date),
		Text:            m.text,
		Entities:        m.entities,
		Caption:         m.caption,
		CaptionEntities: m.captionEntities,
		Contact:         m.contact,
	}
	if m.edits > 0 {
		w.EditDate = unixDate(m.editDate)
	}
	if m.fromBot {
		w.From = s.botUser()
	} else if m.from != nil {
		u := m.from.wire()
		w.From = &u
	}
	if m.photo != nil {
		w.Photo = []wPhotoSize{{FileID: m.fileID, FileUniqueID: m.fileUniqueID, FileSize: len(m.photo), Width: m.photoW, Height: m.photoH}}
	}
	if m.doc != nil {
		w.Document = &wDocument{FileName: m.fileName, MimeType: m.mimeType, FileID: m.fileID, FileUniqueID: m.fileUniqueID, FileSize: int64(len(m.doc))}
	}
	if len(m.userPhoto) > 0 {
		w.Photo = m.userPhoto
	}
	if m.userDoc != nil {
		w.Document = m.userDoc
	}
	w.Sticker, w.Voice, w.MediaGroupID = m.sticker, m.voice, m.mediaGroupID
	if len(m.inline) > 0 {
		w.ReplyMarkup = &wInlineMarkup{InlineKeyboard: json.RawMessage(m.inlineJS)}
	}
	return w
}

func buttonsOf(rows [][]inlineButton) [][]Button {
	if len(rows) == 0 {
		return nil
	}
	out := make([][]Button, len(rows))
	for i, row := range rows {
		out[i] = make([]Button, len(row))
		for j, b := range row {
			out[i][j] = Button{Text: b.Text, Data: b.Data, URL: b.URL, WebApp: b.WebApp}
		}
	}
	return out
}

func replyTexts(rows [][]replyButton) [][]string {
	if len(rows) == 0 {
		return nil
	}
	out := make([][]string, len(rows))
	for i, row := range rows {
		out[i] = make([]string, len(row))
		for j, b := range row {
			out[i][j] = b.Text
		}
	}
	return out
}

func hasContactButton(rows [][]replyButton) bool {
	for _, row := range rows {
		for _, b := range row {
			if b.RequestContact {
				return true
			}
		}
	}
	return false
}

func (m *message) export() Message {
	out := Message{
		ID:             m.id,
		ChatID:         m.chat.id,
		Text:           m.text,
		Keyboard:       buttonsOf(m.inline),
		ReplyKeyboard:  replyTexts(m.replyKB),
		Date:           m.date,
		Edits:          m.edits,
		Caption:        m.caption,
		Source:         m.source,
		RemoveKeyboard: m.removeKB,
		RequestContact: hasContactButton(m.replyKB),
		FileName:       m.fileName,
		FromBot:        m.fromBot,
	}
	if m.edits > 0 {
		out.EditDate = m.editDate
	}
	if m.photo != nil {
		out.Photo = append([]byte(nil), m.photo...)
	}
	if m.doc != nil {
		out.Document = append([]byte(nil), m.doc...)
	}
	if m.caption != "" || m.photo != nil || m.doc != nil {
		out.Entities = append([]models.MessageEntity(nil), m.captionEntities...)
	} else {
		out.Entities = append([]models.MessageEntity(nil), m.entities...)
	}
	return out
}

func (s *Server) chatMessages(chatID int64, botOnly bool) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	if c == nil {
		return nil
	}
	var out []Message
	for _, m := range c.order {
		if m.deleted || (botOnly && !m.fromBot) {
			continue
		}
		out = append(out, m.export())
	}
	return out
}

// ChatMessages returns the messages of a chat as they stand now, oldest first,
// both the bot's and the users', without deleted ones.
func (s *Server) ChatMessages(chatID int64) []Message { return s.chatMessages(chatID, false) }

// Message returns one message as it stands now; false if it does not exist or was deleted.
func (s *Server) Message(chatID int64, id int) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.chats[chatID]; c != nil {
		if m := c.msgs[id]; m != nil && !m.deleted {
			return m.export(), true
		}
	}
	return Message{}, false
}

// enqueueLocked adds an update built by build (given its update_id) to the queue.
func (s *Server) enqueueLocked(kind string, build func(id int64) wUpdate) int64 {
	s.nextUpdateID++
	id := s.nextUpdateID
	w := build(id)
	u := &queuedUpdate{id: id, kind: kind, raw: mustJSON(w), chat: chatOf(&w)}
	s.queue = append(s.queue, u)
	h := *u
	s.history[id] = &h
	if n := s.cfg.journal; n > 0 {
		delete(s.history, id-int64(n))
		if len(s.queue) >= 2*n { // unclaimed: Telegram, too, drops them in time
			s.queue = append(make([]*queuedUpdate, 0, 2*n), s.queue[len(s.queue)-n:]...)
		}
	}
	s.bumpLocked()
	return id
}

// RepeatUpdate enqueues the update with this update_id again, with the same
// update_id, as Telegram does when a bot restarts without having confirmed it:
// the next getUpdates returns it whatever its offset, once. It panics if no such
// update was ever sent.
func (s *Server) RepeatUpdate(updateID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.history[updateID]
	if h == nil {
		panic(fmt.Sprintf("botapitest: RepeatUpdate: no update %d", updateID))
	}
	u := &queuedUpdate{id: h.id, kind: h.kind, raw: h.raw, chat: h.chat, forced: true}
	s.queue = append(s.queue, u)
	sort.SliceStable(s.queue, func(i, j int) bool { return s.queue[i].id < s.queue[j].id })
	s.bumpLocked()
}

// Update returns the JSON of an update the server sent (or queued).
func (s *Server) Update(updateID int64) (json.RawMessage, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.history[updateID]
	if h == nil {
		return nil, false
	}
	return append(json.RawMessage(nil), h.raw...), true
}

// Pending is the number of updates queued but not yet returned by getUpdates.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, u := range s.queue {
		if !u.delivered {
			n++
		}
	}
	return n
}

// Unanswered returns the ids of the callback queries not answered yet, oldest first.
func (s *Server) Unanswered() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, id := range s.queryOrder {
		if !s.queries[id].answered {
			out = append(out, id)
		}
	}
	return out
}

// UnansweredCount is len(Unanswered()), in constant time.
func (s *Server) UnansweredCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queries) - s.answeredCount
}

// AnswerCounts tells how many times answerCallbackQuery was called for each
// query id: every query sent has an entry (0 if never answered); answers after
// the first are rejected but counted; unknown ids the bot used are counted too.
func (s *Server) AnswerCounts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.answerCounts)+len(s.queries))
	for id := range s.queries {
		out[id] = 0
	}
	for id, n := range s.answerCounts {
		out[id] = n
	}
	return out
}

// Transcript returns every event so far, in order (the last ones only
// WithJournal).
func (s *Server) Transcript() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Event, len(s.events))
	copy(out, s.events)
	return out
}

// Delivery is one accepted sendMessage: its chat and when the server took it.
type Delivery struct {
	ChatID int64
	Time   time.Time // from the server's clock (WithClock)
}

// Deliveries returns every accepted sendMessage in order, 32 bytes each,
// whatever WithJournal keeps of the events: a fan-out benchmark counts
// 100,000 sends per chat and per second without keeping 100,000 events.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.deliveries...)
}

// Sent counts the bot's send calls (sendMessage, sendPhoto, sendDocument):
// accepted ones, and rejected ones (any error, injected failures included).
func (s *Server) Sent() (ok, rejected int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sentOK, s.sentRejected
}

// Calls counts the requests per Bot API method (by its canonical name, e.g.
// "sendMessage"), whatever their outcome.
func (s *Server) Calls() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.calls)
}

// Commands returns the command list set with setMyCommands for a scope type
// ("default", "all_private_chats", "chat", …; "" means "default") and a
// language code ("" for all languages). For a "chat" scope, use "chat:<chat_id>".
func (s *Server) Commands(scope, languageCode string) []models.BotCommand {
	if scope == "" {
		scope = "default"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []models.BotCommand
	for _, c := range s.commands[scope+"|"+languageCode] {
		out = append(out, models.BotCommand{Command: c.Command, Description: c.Description})
	}
	return out
}

// WaitFor waits until cond returns true, re-checking it after every change of
// the server's state (an update queued or fetched, a message sent, edited or
// deleted, a query answered) and at least every 5 ms (for conditions on state
// outside the server, such as a handler's). cond must not hold locks the
// server needs.
func (s *Server) WaitFor(ctx context.Context, cond func() bool) error {
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-tick.C:
		case <-ctx.Done():
			return ctx.Err()
		case <-s.done:
			if cond() {
				return nil
			}
			return ErrClosed
		}
	}
}

// Changed returns a channel that is closed at the next change of the server's state.
func (s *Server) Changed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed
}

func (s *Server) recordInjected(info methodInfo, p *params, desc string) {
	if info.kind == "" {
		return
	}
	e := Event{Kind: info.kind, Err: desc, Text: p.str("text")}
	if info.kind == "photo" || info.kind == "document" {
		e.Text = p.str("caption")
	}
	if id, ok := p.int64("chat_id"); ok {
		e.ChatID = id
	}
	if id, ok := p.int64("message_id"); ok {
		e.MessageID = int(id)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if info.send {
		s.sentRejected++
	}
	if info.kind == "answer" {
		qid := p.str("callback_query_id")
		s.answerCounts[qid]++
		if q := s.queries[qid]; q != nil {
			e.ChatID, e.UserID, e.MessageID, e.Data = q.chatID, q.from.id, q.msgID, q.data
		}
		e.ShowAlert = p.bool("show_alert")
	}
	s.eventLocked(e)
}
