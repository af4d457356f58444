package botapitest

import (
	"bytes"
	"context"
	"fmt"
	json "github.com/goccy/go-json"
	"image"
	_ "image/gif"  // sendPhoto accepts GIF
	_ "image/jpeg" // and JPEG
	_ "image/png"  // and PNG
	"mime"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"
)

// deleteWindow is how long a message can be deleted for everyone.
const deleteWindow = 48 * time.Hour

func (s *Server) getMe(_ context.Context, _ *params) (any, *apiError) {
	u := s.botUser()
	u.CanJoinGroups = boolPtr(true)
	u.CanReadAllGroupMessages = boolPtr(false)
	u.SupportsInlineQueries = boolPtr(false)
	u.CanConnectToBusiness = boolPtr(false)
	u.HasMainWebApp = boolPtr(false)
	return u, nil
}

var updateKinds = []string{"message", "callback_query", "my_chat_member"}

func (s *Server) getUpdates(ctx context.Context, p *params) (any, *apiError) {
	offset, _ := p.int64("offset")
	limit := 100
	if v, ok := p.int64("limit"); ok && v >= 1 && v < 100 {
		limit = int(v)
	}
	timeout := time.Duration(0)
	if v, ok := p.int64("timeout"); ok && v > 0 {
		timeout = time.Duration(v) * time.Second
	}

	s.mu.Lock()
	if s.hook != nil {
		s.mu.Unlock()
		return nil, &apiError{code: 409, desc: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
	}
	if p.has("allowed_updates") {
		var a []string
		if err := json.Unmarshal([]byte(p.str("allowed_updates")), &a); err != nil {
			s.mu.Unlock()
			return nil, badRequest("can't parse allowed updates")
		}
		s.allowed = a
	}
	s.pollGen++
	gen := s.pollGen
	s.bumpLocked() // a poll already waiting ends with 409
	s.confirmLocked(offset)

	var tc <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		tc = t.C
	}
	for {
		if s.hook != nil {
			s.mu.Unlock()
			return nil, &apiError{code: 409, desc: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
		}
		if s.pollGen != gen {
			s.mu.Unlock()
			return nil, &apiError{code: 409, desc: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}
		}
		batch := s.collectLocked(offset, limit)
		if len(batch) > 0 || tc == nil {
			out := make([]json.RawMessage, len(batch))
			for i, u := range batch {
				u.delivered = true
				out[i] = u.raw
			}
			if len(batch) > 0 {
				s.bumpLocked()
			}
			s.mu.Unlock()
			return out, nil
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-tc:
			tc = nil
		case <-ctx.Done():
			return []json.RawMessage{}, nil
		case <-s.done:
			return []json.RawMessage{}, nil
		}
		s.mu.Lock()
	}
}

// confirmLocked forgets the updates that getUpdates' offset confirms.
func (s *Server) confirmLocked(offset int64) {
	if offset == 0 {
		return
	}
	kept := s.queue[:0]
	if offset > 0 {
		for _, u := range s.queue {
			if u.id >= offset || (u.forced && !u.delivered) {
				kept = append(kept, u)
			}
		}
	} else {
		n := int(-offset)
		if n < len(s.queue) {
			kept = append(kept, s.queue[len(s.queue)-n:]...)
		} else {
			kept = s.queue
		}
	}
	for i := len(kept); i < len(s.queue); i++ {
		s.queue[i] = nil
	}
	s.queue = kept
}

func (s *Server) allowedLocked(kind string) bool {
	if len(s.allowed) == 0 {
		return true // the default: every kind this server produces
	}
	for _, a := range s.allowed {
		if a == kind {
			return true
		}
	}
	return false
}

func (s *Server) collectLocked(offset int64, limit int) []*queuedUpdate {
	var out []*queuedUpdate
	kept := s.queue[:0]
	for _, u := range s.queue {
		if !s.allowedLocked(u.kind) {
			continue // Telegram does not keep updates of kinds the bot did not ask for
		}
		kept = append(kept, u)
		if offset <= 0 || u.id >= offset || (u.forced && !u.delivered) {
			out = append(out, u)
		}
	}
	for i := len(kept); i < len(s.queue); i++ {
		s.queue[i] = nil
	}
	s.queue = kept
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

func (s *Server) deleteWebhook(_ context.Context, p *params) (any, *apiError) {
	s.mu.Lock()
	s.stopHookLocked()
	if p.bool("drop_pending_updates") {
		s.queue = nil
	}
	s.bumpLocked()
	s.mu.Unlock()
	return true, nil
}

func (s *Server) getWebhookInfo(_ context.Context, _ *params) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	info := wWebhookInfo{PendingUpdateCount: len(s.queue)}
	if h := s.hook; h != nil {
		info.URL, info.MaxConnections, info.LastErrorMessage = h.url, h.maxConns, h.lastError
		if !h.lastErrorAt.IsZero() {
			info.LastErrorDate = unixDate(h.lastErrorAt)
		}
	}
	return info, nil
}

var commandRe = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

func commandScopeKey(p *params) (string, *apiError) {
	scope := "default"
	if raw := p.str("scope"); raw != "" {
		var sc struct {
			Type   string          `json:"type"`
			ChatID json.RawMessage `json:"chat_id"`
		}
		if err := json.Unmarshal([]byte(raw), &sc); err != nil || sc.Type == "" {
			return "", badRequest("can't parse BotCommandScope JSON object")
		}
		scope = sc.Type
		if len(sc.ChatID) > 0 {
			scope += ":" + strings.Trim(string(sc.ChatID), `"`)
		}
	}
	return scope + "|" + p.str("language_code"), nil
}

func (s *Server) setMyCommands(_ context.Context, p *params) (any, *apiError) {
	var cmds []commandEntry
	if err := json.Unmarshal([]byte(p.str("commands")), &cmds); err != nil {
		return nil, badRequest("can't parse commands JSON object")
	}
	if len(cmds) > 100 {
		return nil, badRequest("BOT_COMMANDS_TOO_MUCH")
	}
	for _, c := range cmds {
		if !commandRe.MatchString(strings.TrimPrefix(c.Command, "/")) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := len([]rune(strings.TrimSpace(c.Description))); n < 1 || n > 256 {
			return nil, badRequest("command description must be non-empty")
		}
	}
	key, e := commandScopeKey(p)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	if len(cmds) == 0 {
		delete(s.commands, key)
	} else {
		s.commands[key] = cmds
	}
	s.mu.Unlock()
	return true, nil
}

func (s *Server) getMyCommands(_ context.Context, p *params) (any, *apiError) {
	key, e := commandScopeKey(p)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append([]commandEntry{}, s.commands[key]...)
	return out, nil
}

func (s *Server) deleteMyCommands(_ context.Context, p *params) (any, *apiError) {
	key, e := commandScopeKey(p)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	delete(s.commands, key)
	s.mu.Unlock()
	return true, nil
}

// chatIDParam reads chat_id. "@username" chats are not modelled: chat not found.
func chatIDParam(p *params) (int64, *apiError) {
	raw := strings.TrimSpace(p.str("chat_id"))
	if raw == "" {
		return 0, badRequest("chat_id is empty")
	}
	id, ok := p.int64("chat_id")
	if !ok || id == 0 {
		return 0, badRequest("chat not found")
	}
	return id, nil
}

// chatLocked resolves a chat the bot writes to.
func (s *Server) chatLocked(id int64) (*chat, *apiError) {
	c := s.chats[id]
	if c == nil {
		return nil, badRequest("chat not found")
	}
	if c.migratedTo != 0 {
		e := badRequest("group chat was upgraded to a supergroup chat")
		e.migrateTo = c.migratedTo
		return nil, e
	}
	switch c.kind {
	case "private":
		if c.user.blocked {
			return nil, forbidden("bot was blocked by the user")
		}
	case "group":
		if c.kicked {
			return nil, forbidden("bot was kicked from the group chat")
		}
	case "supergroup":
		if c.kicked {
			return nil, forbidden("bot was kicked from the supergroup chat")
		}
	}
	return c, nil
}

// reject records a rejected bot call in the transcript and the counters.
func (s *Server) reject(e Event, err *apiError, send bool) {
	e.Err = err.desc
	s.mu.Lock()
	defer s.mu.Unlock()
	if send {
		s.sentRejected++
	}
	s.eventLocked(e)
}

func (s *Server) applyReplyMarkupLocked(c *chat, m *message, mk *markup) {
	switch mk.kind {
	case markupInline:
		m.inline, m.inlineJS = mk.inline, mk.inlineJS
	case markupReply:
		m.replyKB = mk.reply
		c.replyKB, c.replyOnce = mk.reply, mk.oneTime
	case markupRemove:
		m.removeKB = true
		c.replyKB, c.replyOnce = nil, false
	}
}

func (s *Server) sendMessage(_ context.Context, p *params) (res any, aerr *apiError) {
	ev := Event{Kind: "send", Text: p.str("text")}
	ev.ChatID, _ = p.int64("chat_id")
	defer func() {
		if aerr != nil {
			s.reject(ev, aerr, true)
		}
	}()
	chatID, aerr := chatIDParam(p)
	if aerr != nil {
		return nil, aerr
	}
	text, ents, aerr := s.formatText(p.str("text"), p.str("parse_mode"), p.str("entities"), "text")
	if aerr != nil {
		return nil, aerr
	}
	if text == "" {
		return nil, badRequest("message text is empty")
	}
	ev.Text = text
	mk, aerr := parseMarkup(p.str("reply_markup"))
	if aerr != nil {
		return nil, aerr
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	c, aerr := s.chatLocked(chatID)
	if aerr != nil {
		return nil, aerr
	}
	if utf16Len(text) > maxTextLen {
		return nil, badRequest("message is too long")
	}
	if aerr = s.rateLocked(c); aerr != nil {
		return nil, aerr
	}
	m := c.newMessage(s.now())
	m.fromBot = true
	m.text, m.entities, m.source = text, ents, p.str("text")
	s.applyReplyMarkupLocked(c, m, mk)
	s.sentOK++
	s.deliveries = append(s.deliveries, Delivery{ChatID: c.id, Time: m.date})
	s.eventLocked(Event{Kind: "send", ChatID: c.id, MessageID: m.id, Text: text, Buttons: buttonsOf(m.inline), ReplyKeyboard: replyTexts(m.replyKB)})
	return s.wireMessageLocked(m), nil
}

func (s *Server) sendChatAction(_ context.Context, p *params) (any, *apiError) {
	chatID, aerr := chatIDParam(p)
	if aerr != nil {
		return nil, aerr
	}
	if p.str("action") == "" {
		return nil, badRequest("action is empty")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, aerr := s.chatLocked(chatID); aerr != nil {
		return nil, aerr
	}
	return true, nil
}

// editTarget finds the message an edit or delete names.
func (s *Server) editTargetLocked(p *params, notFound string) (*chat, *message, *apiError) {
	if p.str("inline_message_id") != "" {
		return nil, nil, badRequest("MESSAGE_ID_INVALID")
	}
	chatID, aerr := chatIDParam(p)
	if aerr != nil {
		return nil, nil, aerr
	}
	id, ok := p.int64("message_id")
	if !ok || id == 0 {
		return nil, nil, badRequest("message identifier is not specified")
	}
	c, aerr := s.chatLocked(chatID)
	if aerr != nil {
		return nil, nil, aerr
	}
	m := c.msgs[int(id)]
	if m == nil || m.deleted {
		return nil, nil, badRequest(notFound)
	}
	return c, m, nil
}

func entitiesKey(ents []models.MessageEntity) string {
	if len(ents) == 0 {
		return ""
	}
	return string(mustJSON(ents))
}

func (s *Server) editMessageText(_ context.Context, p *params) (res any, aerr *apiError) {
	ev := Event{Kind: "edit", Text: p.str("text")}
	ev.ChatID, _ = p.int64("chat_id")
	if id, ok := p.int64("message_id"); ok {
		ev.MessageID = int(id)
	}
	defer func() {
		if aerr != nil {
			s.reject(ev, aerr, false)
		}
	}()
	text, ents, aerr := s.formatText(p.str("text"), p.str("parse_mode"), p.str("entities"), "text")
	if aerr != nil {
		return nil, aerr
	}
	if text == "" {
		return nil, badRequest("message text is empty")
	}
	ev.Text = text
	mk, aerr := parseMarkup(p.str("reply_markup"))
	if aerr != nil {
		return nil, aerr
	}
	if mk.kind != markupInline && mk.kind != markupNone {
		return nil, badRequest("inline keyboard expected")
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	_, m, aerr := s.editTargetLocked(p, "message to edit not found")
	if aerr != nil {
		return nil, aerr
	}
	if !m.fromBot {
		return nil, badRequest("message can't be edited")
	}
	if m.photo != nil || m.doc != nil {
		return nil, badRequest("there is no text in the message to edit")
	}
	if utf16Len(text) > maxTextLen {
		return nil, badRequest("message is too long")
	}
	if text == m.text && entitiesKey(ents) == entitiesKey(m.entities) && mk.inlineJS == m.inlineJS {
		return nil, badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
	}
	if aerr = s.rateLocked(m.chat); aerr != nil {
		return nil, aerr
	}
	m.text, m.entities, m.source = text, ents, p.str("text")
	m.inline, m.inlineJS = mk.inline, mk.inlineJS // no reply_markup removes the keyboard, as on Telegram
	m.edits++
	m.editDate = s.now()
	s.eventLocked(Event{Kind: "edit", ChatID: m.chat.id, MessageID: m.id, Text: text, Buttons: buttonsOf(m.inline)})
	return s.wireMessageLocked(m), nil
}

func (s *Server) editMessageReplyMarkup(_ context.Context, p *params) (res any, aerr *apiError) {
	ev := Event{Kind: "edit"}
	ev.ChatID, _ = p.int64("chat_id")
	if id, ok := p.int64("message_id"); ok {
		ev.MessageID = int(id)
	}
	defer func() {
		if aerr != nil {
			s.reject(ev, aerr, false)
		}
	}()
	mk, aerr := parseMarkup(p.str("reply_markup"))
	if aerr != nil {
		return nil, aerr
	}
	if mk.kind != markupInline && mk.kind != markupNone {
		return nil, badRequest("inline keyboard expected")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, m, aerr := s.editTargetLocked(p, "message to edit not found")
	if aerr != nil {
		return nil, aerr
	}
	ev.Text = m.text
	if !m.fromBot {
		return nil, badRequest("message can't be edited")
	}
	if mk.inlineJS == m.inlineJS {
		return nil, badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
	}
	if aerr = s.rateLocked(m.chat); aerr != nil {
		return nil, aerr
	}
	m.inline, m.inlineJS = mk.inline, mk.inlineJS
	m.edits++
	m.editDate = s.now()
	text := m.text
	if text == "" {
		text = m.caption
	}
	s.eventLocked(Event{Kind: "edit", ChatID: m.chat.id, MessageID: m.id, Text: text, Buttons: buttonsOf(m.inline)})
	return s.wireMessageLocked(m), nil
}

func (s *Server) deleteMessage(_ context.Context, p *params) (res any, aerr *apiError) {
	ev := Event{Kind: "delete"}
	ev.ChatID, _ = p.int64("chat_id")
	if id, ok := p.int64("message_id"); ok {
		ev.MessageID = int(id)
	}
	defer func() {
		if aerr != nil {
			s.reject(ev, aerr, false)
		}
	}()
	s.mu.Lock()
	defer s.mu.Unlock()
	c, m, aerr := s.editTargetLocked(p, "message to delete not found")
	if aerr != nil {
		return nil, aerr
	}
	return s.deleteLocked(c, m)
}

func (s *Server) deleteLocked(c *chat, m *message) (any, *apiError) {
	if !m.fromBot && c.kind != "private" {
		return nil, badRequest("message can't be deleted")
	}
	if s.now().Sub(m.date) > deleteWindow {
		return nil, badRequest("message can't be deleted for everyone")
	}
	m.deleted = true
	text := m.text
	if text == "" {
		text = m.caption
	}
	s.eventLocked(Event{Kind: "delete", ChatID: c.id, MessageID: m.id, Text: text})
	return true, nil
}

func (s *Server) answerCallbackQuery(_ context.Context, p *params) (res any, aerr *apiError) {
	id := p.str("callback_query_id")
	ev := Event{Kind: "answer", Text: p.str("text"), ShowAlert: p.bool("show_alert")}
	defer func() {
		if aerr != nil {
			s.reject(ev, aerr, false)
		}
	}()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answerCounts[id]++
	q := s.queries[id]
	if q != nil {
		ev.ChatID, ev.UserID, ev.MessageID = q.chatID, q.from.id, q.msgID
	}
	if q == nil || q.answered {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	if len([]rune(ev.Text)) > 200 {
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	q.answered = true
	s.answeredCount++
	q.answer = CallbackAnswer{QueryID: id, Text: ev.Text, ShowAlert: ev.ShowAlert, URL: p.str("url")}
	s.answers = append(s.answers, answerRec{userID: q.from.id, CallbackAnswer: q.answer})
	ev.Data = q.data
	s.eventLocked(ev)
	return true, nil
}

func (s *Server) sendPhoto(ctx context.Context, p *params) (any, *apiError) {
	return s.sendMedia(ctx, p, "photo")
}

func (s *Server) sendDocument(ctx context.Context, p *params) (any, *apiError) {
	return s.sendMedia(ctx, p, "document")
}

// mediaInput finds the file of a sendPhoto/sendDocument call: an upload, an
// "attach://<name>" reference to one, or the file_id of an earlier upload.
func (s *Server) mediaInput(p *params, field string) (*storedFile, *apiError) {
	if u := p.files[field]; u != nil {
		return &storedFile{data: u.data, name: u.name, mimeType: u.contentType}, nil
	}
	ref := strings.TrimSpace(p.str(field))
	if ref == "" {
		return nil, badRequest("there is no " + field + " in the request")
	}
	if name, ok := strings.CutPrefix(ref, "attach://"); ok {
		if u := p.files[name]; u != nil {
			return &storedFile{data: u.data, name: u.name, mimeType: u.contentType}, nil
		}
		return nil, badRequest("wrong file identifier/HTTP URL specified")
	}
	s.mu.Lock()
	f := s.files[ref]
	s.mu.Unlock()
	if f == nil {
		return nil, badRequest("wrong file identifier/HTTP URL specified")
	}
	return f, nil
}

func (s *Server) sendMedia(_ context.Context, p *params, kind string) (res any, aerr *apiError) {
	ev := Event{Kind: kind, Text: p.str("caption")}
	ev.ChatID, _ = p.int64("chat_id")
	defer func() {
		if aerr != nil {
			s.reject(ev, aerr, true)
		}
	}()
	chatID, aerr := chatIDParam(p)
	if aerr != nil {
		return nil, aerr
	}
	caption, ents, aerr := s.formatText(p.str("caption"), p.str("parse_mode"), p.str("caption_entities"), "caption")
	if aerr != nil {
		return nil, aerr
	}
	ev.Text = caption
	mk, aerr := parseMarkup(p.str("reply_markup"))
	if aerr != nil {
		return nil, aerr
	}
	f, aerr := s.mediaInput(p, kind)
	if aerr != nil {
		return nil, aerr
	}
	if len(f.data) == 0 {
		return nil, badRequest("file must be non-empty")
	}
	var w, h int
	if kind == "photo" {
		cfg, _, err := image.DecodeConfig(bytes.NewReader(f.data))
		if err != nil {
			return nil, badRequest("IMAGE_PROCESS_FAILED")
		}
		w, h = cfg.Width, cfg.Height
		if w+h > 10000 || w > 20*h || h > 20*w {
			return nil, badRequest("PHOTO_INVALID_DIMENSIONS")
		}
		if len(f.data) > 10<<20 {
			return nil, badRequest("file is too big")
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	c, aerr := s.chatLocked(chatID)
	if aerr != nil {
		return nil, aerr
	}
	if utf16Len(caption) > maxCaptionLen {
		return nil, badRequest("message caption is too long")
	}
	if aerr = s.rateLocked(c); aerr != nil {
		return nil, aerr
	}
	m := c.newMessage(s.now())
	m.fromBot = true
	m.caption, m.captionEntities, m.source = caption, ents, p.str("caption")
	s.nextFile++
	if kind == "photo" {
		m.photo, m.photoW, m.photoH = f.data, w, h
		m.fileID = fmt.Sprintf("AgACAgIAAxkDAAIB%08dFakePhoto", s.nextFile)
	} else {
		m.doc = f.data
		m.fileName = path.Base(f.name)
		if f.name == "" || m.fileName == "." || m.fileName == "/" {
			m.fileName = "document"
		}
		m.mimeType = mime.TypeByExtension(path.Ext(m.fileName))
		if i := strings.IndexByte(m.mimeType, ';'); i >= 0 {
			m.mimeType = m.mimeType[:i]
		}
		if m.mimeType == "" {
			m.mimeType = "application/octet-stream"
		}
		m.fileID = fmt.Sprintf("BQACAgIAAxkDAAIB%08dFakeDocument", s.nextFile)
	}
	m.fileUniqueID = fmt.Sprintf("AQAD%08d", s.nextFile)
	s.files[m.fileID] = &storedFile{data: f.data, name: m.fileName, mimeType: m.mimeType}
	s.applyReplyMarkupLocked(c, m, mk)
	s.sentOK++
	s.eventLocked(Event{Kind: kind, ChatID: c.id, MessageID: m.id, Text: caption, Buttons: buttonsOf(m.inline), ReplyKeyboard: replyTexts(m.replyKB)})
	return s.wireMessageLocked(m), nil
}

// File returns the bytes of a file the bot uploaded, by its file_id.
func (s *Server) File(fileID string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.files[fileID]
	if f == nil {
		return nil, false
	}
	return append([]byte(nil), f.data...), true
}

// FileIDs returns the file_ids of every uploaded file, sorted.
func (s *Server) FileIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.files))
	for id := range s.files {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}
