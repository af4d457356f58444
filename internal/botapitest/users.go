package botapitest

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/go-telegram/bot/models"
)

// User is a simulated Telegram user. Its private chat with the bot has the
// user's id as chat id.
type User struct {
	ID           int64
	FirstName    string
	LanguageCode string
	s            *Server
}

// Group is a simulated group chat the bot is a member of.
type Group struct {
	ID    int64
	Title string
	s     *Server
}

// NewUser registers a user. The user has not started the bot yet: the bot's
// messages to them fail with "chat not found" until they do something (Start,
// SendText, …). Calling it again with the same id returns the same user.
func (s *Server) NewUser(id int64, firstName, languageCode string) *User {
	if id <= 0 {
		panic("botapitest: NewUser: user ids are positive")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.users[id]
	if st == nil {
		st = &userState{id: id, firstName: firstName, lang: languageCode}
		s.users[id] = st
	}
	return &User{ID: id, FirstName: st.firstName, LanguageCode: st.lang, s: s}
}

// NewGroup registers a group chat (id negative; ids from -1000000000000 down are
// supergroups) that has the bot as a member.
func (s *Server) NewGroup(id int64, title string) *Group {
	if id >= 0 {
		panic("botapitest: NewGroup: group ids are negative")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.chats[id]; c == nil {
		kind := "group"
		if id <= -1000000000000 {
			kind = "supergroup"
		}
		s.chats[id] = &chat{id: id, kind: kind, title: title, msgs: map[int]*message{}}
	}
	return &Group{ID: id, Title: title, s: s}
}

// Block makes the user block the bot: sends to them answer 403 "Forbidden: bot
// was blocked by the user" until Unblock, and the bot gets a my_chat_member
// update, as from Telegram. A blocked user who does anything (Start, SendText,
// …) unblocks the bot first, as Telegram's apps do.
func (s *Server) Block(userID int64) { s.setBlocked(userID, true) }

// Unblock undoes Block (the bot gets a my_chat_member update).
func (s *Server) Unblock(userID int64) { s.setBlocked(userID, false) }

// Blocked reports whether the user has blocked the bot.
func (s *Server) Blocked(userID int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.users[userID]
	return st != nil && st.blocked
}

func (s *Server) setBlocked(userID int64, blocked bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.users[userID]
	if st == nil {
		st = &userState{id: userID, firstName: "User" + strconv.FormatInt(userID, 10)}
		s.users[userID] = st
	}
	s.setBlockedLocked(st, blocked)
}

func (s *Server) setBlockedLocked(st *userState, blocked bool) {
	if st.blocked == blocked {
		return
	}
	st.blocked = blocked
	kind := "unblock"
	if blocked {
		kind = "block"
	}
	s.eventLocked(Event{Kind: kind, ChatID: st.id, UserID: st.id})
	c := s.chats[st.id]
	if c == nil {
		return // the bot never talked with this user: Telegram tells it nothing
	}
	bot := *s.botUser()
	oldM := wChatMember{User: bot, Status: "member"}
	newM := wChatMember{User: bot, Status: "kicked", UntilDate: new(int64)}
	if !blocked {
		oldM, newM = newM, oldM
	}
	date := unixDate(s.now())
	s.enqueueLocked("my_chat_member", func(id int64) wUpdate {
		return wUpdate{UpdateID: id, MyChatMember: &wChatMemberUpdated{
			Chat: c.wire(), From: st.wire(), Date: date, OldChatMember: oldM, NewChatMember: newM,
		}}
	})
}

// actLocked prepares a user action in their private chat: the chat exists (the
// user started the bot) and the bot is not blocked.
func (u *User) actLocked() (*userState, *chat) {
	s := u.s
	st := s.users[u.ID]
	if st == nil {
		st = &userState{id: u.ID, firstName: u.FirstName, lang: u.LanguageCode}
		s.users[u.ID] = st
	}
	c := s.chats[u.ID]
	if c == nil {
		c = &chat{id: u.ID, kind: "private", user: st, msgs: map[int]*message{}}
		s.chats[u.ID] = c
	}
	if st.blocked {
		s.setBlockedLocked(st, false)
	}
	return st, c
}

// userMessageLocked adds a message from st to c and queues its update.
func (s *Server) userMessageLocked(st *userState, c *chat, kind, evText string, fill func(m *message)) int64 {
	if c.replyOnce && c.kind == "private" {
		c.replyKB, c.replyOnce = nil, false
	}
	m := c.newMessage(s.now())
	m.from = st
	fill(m)
	s.eventLocked(Event{Kind: kind, ChatID: c.id, UserID: st.id, MessageID: m.id, Text: evText})
	wm := s.wireMessageLocked(m)
	return s.enqueueLocked("message", func(id int64) wUpdate { return wUpdate{UpdateID: id, Message: wm} })
}

var commandPrefixRe = regexp.MustCompile(`^/[A-Za-z0-9_]{1,64}(@[A-Za-z0-9_]{3,32})?`)

// commandEntities returns the bot_command entity Telegram adds to a text that
// begins with a command.
func commandEntities(text string) []models.MessageEntity {
	cmd := commandPrefixRe.FindString(text)
	if cmd == "" {
		return nil
	}
	if rest := text[len(cmd):]; rest != "" && !strings.ContainsAny(rest[:1], " \n\t") {
		return nil
	}
	return []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: utf16Len(cmd)}}
}

// SendText sends a text message from u to the bot in u's private chat (a text
// beginning with "/command" gets its bot_command entity). It returns the update_id.
func (u *User) SendText(text string) int64 { return u.sendText("text", text) }

// Command sends a command, e.g. "/language" (the '/' is added if missing).
func (u *User) Command(cmd string) int64 {
	if !strings.HasPrefix(cmd, "/") {
		cmd = "/" + cmd
	}
	return u.sendText("text", cmd)
}

func (u *User) sendText(kind, text string) int64 {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	st, c := u.actLocked()
	return s.userMessageLocked(st, c, kind, text, func(m *message) {
		m.text = text
		m.entities = commandEntities(text)
	})
}

var payloadRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// Start sends "/start" or, with a payload (a deep link's start parameter),
// "/start <payload>", with the bot_command entity Telegram adds. Like
// Telegram's apps, it drops a payload that is not 1-64 characters of
// A-Za-z0-9_- and sends a bare "/start".
func (u *User) Start(payload string) int64 {
	text := "/start"
	if payload != "" && payloadRe.MatchString(payload) {
		text += " " + payload
	}
	return u.sendText("start", text)
}

// OpenLink follows a deep link to the bot (https://t.me/<bot>?start=<payload>,
// t.me/<bot>, or tg://resolve?domain=<bot>&start=<payload>), which sends
// /start like Start. It fails if the link is not one to this bot.
func (u *User) OpenLink(link string) (int64, error) {
	l := link
	if !strings.Contains(l, "://") {
		l = "https://" + l
	}
	pu, err := url.Parse(l)
	if err != nil {
		return 0, fmt.Errorf("botapitest: bad link %q: %w", link, err)
	}
	var name string
	switch {
	case pu.Scheme == "tg" && pu.Host == "resolve":
		name = pu.Query().Get("domain")
	case (pu.Scheme == "https" || pu.Scheme == "http") && (pu.Host == "t.me" || pu.Host == "telegram.me"):
		name = strings.Trim(pu.Path, "/")
	default:
		return 0, fmt.Errorf("botapitest: %q is not a Telegram link", link)
	}
	if !strings.EqualFold(name, u.s.cfg.username) {
		return 0, fmt.Errorf("botapitest: link %q is to %q, not to the bot %q", link, name, u.s.cfg.username)
	}
	return u.Start(pu.Query().Get("start")), nil
}

// ShareContact sends a contact message, as the request_contact button does
// (own=true: the user's own contact, contact.user_id = u.ID) or as sharing
// someone else's contact does (own=false: another user id).
func (u *User) ShareContact(phone string, own bool) int64 {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	st, c := u.actLocked()
	ct := &wContact{PhoneNumber: phone, FirstName: st.firstName, UserID: st.id}
	if !own {
		ct.FirstName = "Contact"
		ct.UserID = st.id + 1000003
	}
	return s.userMessageLocked(st, c, "contact", phone, func(m *message) { m.contact = ct })
}

// ErrNoButton is returned by Press when the message has no such callback button.
var ErrNoButton = errors.New("botapitest: no such button")

// Press sends a callback_query from u for the inline button whose text is
// buttonText on message m (which may be in another chat). The button is looked
// for in the message as it stands now, then in the snapshot m (a stale keyboard
// still on the user's screen). The query's message is the message as the chat
// shows it now. It returns the update_id.
func (u *User) Press(m Message, buttonText string) (int64, error) {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[m.ChatID]
	if c == nil {
		return 0, fmt.Errorf("botapitest: Press: no chat %d", m.ChatID)
	}
	cur := c.msgs[m.ID]
	if cur == nil || cur.deleted {
		return 0, fmt.Errorf("botapitest: Press: message %d in chat %d does not exist (deleted?)", m.ID, m.ChatID)
	}
	find := func(rows [][]Button) (Button, bool) {
		for _, row := range rows {
			for _, b := range row {
				if b.Text == buttonText {
					return b, true
				}
			}
		}
		return Button{}, false
	}
	b, ok := find(buttonsOf(cur.inline))
	if !ok {
		b, ok = find(m.Keyboard)
	}
	if !ok {
		return 0, fmt.Errorf("%w: %q on message %d in chat %d", ErrNoButton, buttonText, m.ID, m.ChatID)
	}
	if b.Data == "" {
		return 0, fmt.Errorf("botapitest: Press: button %q has no callback_data (url %q)", buttonText, b.URL)
	}
	return u.pressLocked(c, cur, b.Text, b.Data), nil
}

// PressData sends a callback_query from u on message m with arbitrary data, as
// a forged or outdated client could. If m no longer exists, the query carries
// the snapshot m.
func (u *User) PressData(m Message, data string) int64 {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[m.ChatID]
	var cur *message
	if c != nil {
		cur = c.msgs[m.ID]
	}
	if cur == nil || cur.deleted {
		// rebuild the message from the snapshot
		if c == nil {
			c = &chat{id: m.ChatID, kind: "private", user: &userState{id: m.ChatID, firstName: "User"}, msgs: map[int]*message{}}
			if m.ChatID < 0 {
				c.kind, c.user = "group", nil
			}
		}
		cur = &message{id: m.ID, chat: c, fromBot: true, text: m.Text, date: m.Date, caption: m.Caption}
		for _, row := range m.Keyboard {
			var r []inlineButton
			for _, b := range row {
				ib := inlineButton{Text: b.Text, Data: b.Data, URL: b.URL, echo: callbackEcho(b.Text, b.Data)}
				switch {
				case b.Data == "" && b.URL != "":
					ib.echo = urlEcho(b.Text, b.URL)
				case b.Data == "":
					ib.echo = mustJSON(map[string]string{"text": b.Text})
				}
				r = append(r, ib)
			}
			cur.inline = append(cur.inline, r)
		}
		cur.inlineJS = inlineKey(cur.inline)
	}
	return u.pressLocked(c, cur, "", data)
}

// PressInaccessible sends a callback_query from u with data on message m as
// Telegram sends a press on a message the bot can no longer see (deleted, or
// too old): the query's message is an InaccessibleMessage, only the chat,
// the message_id and date 0. It returns the update_id.
func (u *User) PressInaccessible(m Message, data string) int64 {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[m.ChatID]
	if c == nil {
		c = &chat{id: m.ChatID, kind: "private", user: &userState{id: m.ChatID, firstName: "User"}, msgs: map[int]*message{}}
	}
	return u.pressWireLocked(c, m.ID, "", data, &wMessage{MessageID: m.ID, Chat: c.wire(), Date: 0})
}

func (u *User) pressLocked(c *chat, m *message, text, data string) int64 {
	return u.pressWireLocked(c, m.id, text, data, u.s.wireMessageLocked(m))
}

// pressWireLocked records a press on message msgID of c and queues its
// update, whose message is wm.
func (u *User) pressWireLocked(c *chat, msgID int, text, data string, wm *wMessage) int64 {
	s := u.s
	// A press starts no private chat and does not unblock the bot.
	st := s.users[u.ID]
	if st == nil {
		st = &userState{id: u.ID, firstName: u.FirstName, lang: u.LanguageCode}
		s.users[u.ID] = st
	}
	s.nextQuery++
	qid := strconv.FormatUint(4_600_000_000_000_000_000+s.nextQuery*7919, 10)
	s.queries[qid] = &query{id: qid, from: st, chatID: c.id, msgID: msgID, data: data}
	s.queryOrder = append(s.queryOrder, qid)
	s.eventLocked(Event{Kind: "press", ChatID: c.id, UserID: st.id, MessageID: msgID, Text: text, Data: data})
	instance := strconv.FormatInt(-(c.id*2654435761+1)&0x7fffffffffffffff, 10)
	return s.enqueueLocked("callback_query", func(id int64) wUpdate {
		return wUpdate{UpdateID: id, CallbackQuery: &wCallbackQuery{
			ID: qid, From: st.wire(), Message: wm, ChatInstance: instance, Data: data,
		}}
	})
}

// Messages returns the bot's messages in u's private chat as they stand now
// (after edits, without deleted ones), oldest first.
func (u *User) Messages() []Message { return u.s.chatMessages(u.ID, true) }

// Last returns the bot's newest message in u's private chat, or a zero Message.
func (u *User) Last() Message {
	ms := u.Messages()
	if len(ms) == 0 {
		return Message{}
	}
	return ms[len(ms)-1]
}

// Answers returns the bot's answers to u's callback queries, in order.
func (u *User) Answers() []CallbackAnswer {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []CallbackAnswer
	for _, a := range s.answers {
		if a.userID == u.ID {
			out = append(out, a.CallbackAnswer)
		}
	}
	return out
}

// ReplyKeyboard returns the reply keyboard u sees now (nil if none or removed).
func (u *User) ReplyKeyboard() [][]string {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.chats[u.ID]; c != nil {
		return replyTexts(c.replyKB)
	}
	return nil
}

// Blocked reports whether u has blocked the bot.
func (u *User) Blocked() bool { return u.s.Blocked(u.ID) }

// Messages returns the bot's messages in the group as they stand now, oldest first.
func (g *Group) Messages() []Message { return g.s.chatMessages(g.ID, true) }

// Last returns the bot's newest message in the group, or a zero Message.
func (g *Group) Last() Message {
	ms := g.Messages()
	if len(ms) == 0 {
		return Message{}
	}
	return ms[len(ms)-1]
}

// SendText posts a text message from u in the group. It returns the update_id.
func (g *Group) SendText(from *User, text string) int64 {
	s := g.s
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.users[from.ID]
	if st == nil {
		st = &userState{id: from.ID, firstName: from.FirstName, lang: from.LanguageCode}
		s.users[from.ID] = st
	}
	c := s.chats[g.ID]
	return s.userMessageLocked(st, c, "text", text, func(m *message) {
		m.text = text
		m.entities = commandEntities(text)
	})
}

// Migrate upgrades the group to a supergroup with id newID (which must look
// like -100…): from then on, sends to the old id answer 400 "group chat was
// upgraded to a supergroup chat" with parameters.migrate_to_chat_id.
func (g *Group) Migrate(newID int64) *Group {
	if newID > -1000000000000 {
		panic("botapitest: Migrate: a supergroup id is <= -1000000000000")
	}
	ng := g.s.NewGroup(newID, g.Title)
	g.s.mu.Lock()
	g.s.chats[g.ID].migratedTo = newID
	g.s.mu.Unlock()
	return ng
}

// RemoveBot removes the bot from the group: sends answer 403.
func (g *Group) RemoveBot() {
	g.s.mu.Lock()
	g.s.chats[g.ID].kicked = true
	g.s.mu.Unlock()
}
