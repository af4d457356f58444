package botapitest

import (
	"bytes"
	json "github.com/goccy/go-json"
	"strings"
	"unicode/utf8"
)

// Keyboard limits. Telegram answers "reply markup is too long" past them.
const (
	maxInlineRow    = 8
	maxInlineTotal  = 100
	maxReplyRow     = 12
	maxReplyTotal   = 300
	maxCallbackData = 64
)

type markupKind int

const (
	markupNone markupKind = iota
	markupInline
	markupReply
	markupRemove
	markupForceReply
)

type inlineButton struct {
	Text   string
	Data   string
	URL    string
	WebApp string // web_app.url: a Mini App's page (https only)
	// echo is the button as Telegram returns it in message.reply_markup, as
	// JSON, from parsing until inlineKey joins the keyboard's echoes into
	// the message's one copy (a map kept per button was 14 KB a card, and a
	// 100,000-message fan-out kept every card).
	echo json.RawMessage
}

type replyButton struct {
	Text            string
	RequestContact  bool
	RequestLocation bool
}

type markup struct {
	kind     markupKind
	inline   [][]inlineButton
	reply    [][]replyButton
	oneTime  bool
	inlineJS string // canonical JSON of the inline keyboard, "" when there is none
}

// actionFields are the InlineKeyboardButton fields of which exactly one must be used.
var actionFields = []string{
	"url", "callback_data", "web_app", "login_url", "switch_inline_query",
	"switch_inline_query_current_chat", "switch_inline_query_chosen_chat",
	"copy_text", "callback_game", "pay",
}

// parseMarkup decodes and validates a reply_markup parameter. An empty string
// means none.
func parseMarkup(raw string) (*markup, *apiError) {
	m := &markup{}
	if raw == "" {
		return m, nil
	}
	// The usual keyboard, callback buttons only, decodes in one typed pass;
	// anything else takes the field-by-field path, which names the fault.
	if fast, ok := callbackKeyboard(raw); ok {
		return fast, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &obj); err != nil || obj == nil {
		return nil, badRequest("can't parse reply keyboard markup JSON object")
	}
	switch {
	case obj["inline_keyboard"] != nil:
		var rows [][]json.RawMessage
		if err := json.Unmarshal(obj["inline_keyboard"], &rows); err != nil {
			return nil, badRequest("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array of Arrays")
		}
		objs := make([][]map[string]json.RawMessage, len(rows))
		for i, row := range rows {
			for _, rb := range row {
				var fields map[string]json.RawMessage
				if err := json.Unmarshal(rb, &fields); err != nil || fields == nil {
					return nil, badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
				}
				objs[i] = append(objs[i], fields)
			}
		}
		return parseInlineRows(m, objs)
	case obj["keyboard"] != nil:
		var rows [][]json.RawMessage
		if err := json.Unmarshal(obj["keyboard"], &rows); err != nil {
			return nil, badRequest("field \"keyboard\" of the ReplyKeyboardMarkup must be an Array of Arrays")
		}
		total := 0
		for _, row := range rows {
			if len(row) == 0 {
				continue
			}
			if len(row) > maxReplyRow {
				return nil, badRequest("reply markup is too long")
			}
			total += len(row)
			if total > maxReplyTotal {
				return nil, badRequest("reply markup is too long")
			}
			var out []replyButton
			for _, rb := range row {
				b, err := parseReplyButton(rb)
				if err != nil {
					return nil, err
				}
				out = append(out, b)
			}
			m.reply = append(m.reply, out)
		}
		if len(m.reply) == 0 {
			return nil, badRequest("keyboard must be non-empty")
		}
		m.kind = markupReply
		_ = json.Unmarshal(obj["one_time_keyboard"], &m.oneTime)
	case obj["remove_keyboard"] != nil:
		m.kind = markupRemove
	case obj["force_reply"] != nil:
		m.kind = markupForceReply
	default:
		return nil, badRequest("can't find field \"inline_keyboard\"")
	}
	return m, nil
}

// callbackButton is the usual InlineKeyboardButton: text and callback_data.
type callbackButton struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data"`
}

// otherActions are the keys of the other InlineKeyboardButton actions, quoted
// as in JSON: a reply_markup with any of them anywhere is left to the
// field-by-field path (a button's text that quotes one only costs that).
var otherActions = []string{`"url"`, `"web_app"`, `"login_url"`, `"switch_inline_query`, `"copy_text"`, `"callback_game"`, `"pay"`}

// callbackEchoButton is a callback button as Telegram echoes it in
// message.reply_markup (keys sorted, as for a map).
type callbackEchoButton struct {
	Data string `json:"callback_data"`
	Text string `json:"text"`
}

// callbackKeyboard decodes a reply_markup whose inline keyboard has valid
// callback buttons only, in one typed pass (the fake's hot path at 1,000
// edits/s; it was a tenth of the benchmark process's allocation); false for
// anything else, which parseMarkup then checks field by field. An empty text
// or callback_data is not valid, so a field that is absent needs no pointer.
func callbackKeyboard(raw string) (*markup, bool) {
	for _, k := range otherActions {
		if strings.Contains(raw, k) {
			return nil, false
		}
	}
	var probe struct {
		InlineKeyboard [][]callbackButton `json:"inline_keyboard"`
	}
	if json.Unmarshal([]byte(raw), &probe) != nil {
		return nil, false
	}
	m := &markup{}
	echo := make([][]callbackEchoButton, 0, len(probe.InlineKeyboard))
	total := 0
	for _, row := range probe.InlineKeyboard {
		if len(row) == 0 {
			continue
		}
		total += len(row)
		if len(row) > maxInlineRow || total > maxInlineTotal {
			return nil, false
		}
		out := make([]inlineButton, 0, len(row))
		erow := make([]callbackEchoButton, 0, len(row))
		for _, b := range row {
			if b.Text == "" || len(b.CallbackData) < 1 || len(b.CallbackData) > maxCallbackData {
				return nil, false
			}
			out = append(out, inlineButton{Text: b.Text, Data: b.CallbackData})
			erow = append(erow, callbackEchoButton{Data: b.CallbackData, Text: b.Text})
		}
		m.inline = append(m.inline, out)
		echo = append(echo, erow)
	}
	if len(m.inline) == 0 {
		return nil, false
	}
	m.kind = markupInline
	m.inlineJS = string(mustJSON(echo))
	return m, true
}

// parseInlineRows is the inline_keyboard of parseMarkup, decoded already.
func parseInlineRows(m *markup, rows [][]map[string]json.RawMessage) (*markup, *apiError) {
	total := 0
	for _, row := range rows {
		if len(row) == 0 {
			continue
		}
		if len(row) > maxInlineRow {
			return nil, badRequest("reply markup is too long")
		}
		total += len(row)
		if total > maxInlineTotal {
			return nil, badRequest("reply markup is too long")
		}
		out := make([]inlineButton, 0, len(row))
		for _, fields := range row {
			b, err := parseInlineFields(fields)
			if err != nil {
				return nil, err
			}
			out = append(out, b)
		}
		m.inline = append(m.inline, out)
	}
	m.kind = markupInline
	if len(m.inline) == 0 {
		m.kind = markupNone
	}
	m.inlineJS = inlineKey(m.inline)
	return m, nil
}

// jsonString decodes a JSON string; one without escapes is taken as it is.
func jsonString(raw json.RawMessage, out *string) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' && bytes.IndexByte(raw, '\\') < 0 &&
		bytes.IndexByte(raw[1:len(raw)-1], '"') < 0 && utf8.Valid(raw) && !hasControl(raw) {
		*out = string(raw[1 : len(raw)-1])
		return nil
	}
	return json.Unmarshal(raw, out)
}

func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 {
			return true
		}
	}
	return false
}

func parseInlineFields(fields map[string]json.RawMessage) (b inlineButton, _ *apiError) {
	if fields["text"] == nil || jsonString(fields["text"], &b.Text) != nil {
		return b, badRequest("can't parse inline keyboard button: Field \"text\" must be of type String")
	}
	if b.Text == "" {
		return b, badRequest("BUTTON_TEXT_EMPTY")
	}
	// go-telegram/bot always sends "copy_text":{"text":""}; an empty copy_text is no action.
	if ct, ok := fields["copy_text"]; ok {
		var v struct {
			Text string `json:"text"`
		}
		if json.Unmarshal(ct, &v) == nil && v.Text == "" {
			delete(fields, "copy_text")
		}
	}
	for k, v := range fields {
		if bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
			delete(fields, k)
		}
	}
	// "pay": false is no action either.
	if p, ok := fields["pay"]; ok && string(bytes.TrimSpace(p)) == "false" {
		delete(fields, "pay")
	}
	action := ""
	for _, f := range actionFields {
		if _, ok := fields[f]; ok {
			action = f
			break
		}
	}
	echo := map[string]any{"text": b.Text}
	defer func() { b.echo = mustJSON(echo) }()
	switch action {
	case "":
		return b, badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
	case "callback_data":
		if err := jsonString(fields["callback_data"], &b.Data); err != nil {
			return b, badRequest("can't parse inline keyboard button: Field \"callback_data\" must be of type String")
		}
		if len(b.Data) < 1 || len(b.Data) > maxCallbackData {
			return b, badRequest("BUTTON_DATA_INVALID")
		}
		echo["callback_data"] = b.Data
	case "url":
		if err := json.Unmarshal(fields["url"], &b.URL); err != nil {
			return b, badRequest("can't parse inline keyboard button: Field \"url\" must be of type String")
		}
		norm, reason := checkURL(b.URL)
		if reason != "" {
			return b, badRequest("inline keyboard button URL '" + b.URL + "' is invalid: " + reason)
		}
		echo["url"] = norm
	case "web_app":
		var w struct {
			URL *string `json:"url"`
		}
		if err := json.Unmarshal(fields["web_app"], &w); err != nil || w.URL == nil {
			return b, badRequest("can't parse inline keyboard button: Field \"url\" must be of type String")
		}
		b.WebApp = *w.URL
		if !strings.HasPrefix(strings.ToLower(b.WebApp), "https://") {
			return b, badRequest("inline keyboard button Web App URL '" + b.WebApp + "' is invalid: Only HTTPS links are allowed")
		}
		if _, reason := checkURL(b.WebApp); reason != "" {
			return b, badRequest("inline keyboard button Web App URL '" + b.WebApp + "' is invalid: " + reason)
		}
		echo["web_app"] = map[string]string{"url": b.WebApp}
	default:
		var v any
		_ = json.Unmarshal(fields[action], &v)
		echo[action] = v
	}
	return b, nil
}

func parseReplyButton(raw json.RawMessage) (replyButton, *apiError) {
	var b replyButton
	// A plain string is a text button.
	if json.Unmarshal(raw, &b.Text) == nil {
		if b.Text == "" {
			return b, badRequest("keyboard button text must be non-empty")
		}
		return b, nil
	}
	var v struct {
		Text            *string `json:"text"`
		RequestContact  bool    `json:"request_contact"`
		RequestLocation bool    `json:"request_location"`
	}
	if err := json.Unmarshal(raw, &v); err != nil || v.Text == nil {
		return b, badRequest("can't parse keyboard button: Field \"text\" must be of type String")
	}
	if *v.Text == "" {
		return b, badRequest("keyboard button text must be non-empty")
	}
	b.Text, b.RequestContact, b.RequestLocation = *v.Text, v.RequestContact, v.RequestLocation
	return b, nil
}

// inlineKey is the keyboard as Telegram echoes it in message.reply_markup,
// canonical JSON (also what tells an edit that changes nothing). The
// buttons' own echoes are dropped once it is made: the message keeps one
// copy.
func inlineKey(rows [][]inlineButton) string {
	if len(rows) == 0 {
		return ""
	}
	js := string(mustJSON(echoRows(rows)))
	for _, row := range rows {
		for i := range row {
			row[i].echo = nil
		}
	}
	return js
}

// callbackEcho is a callback button as Telegram echoes it.
func callbackEcho(text, data string) json.RawMessage {
	return mustJSON(callbackEchoButton{data, text})
}

// urlEcho is a URL button as Telegram echoes it.
func urlEcho(text, url string) json.RawMessage {
	return mustJSON(struct {
		Text string `json:"text"`
		URL  string `json:"url"`
	}{text, url})
}

func echoRows(rows [][]inlineButton) [][]json.RawMessage {
	out := make([][]json.RawMessage, 0, len(rows))
	for _, row := range rows {
		r := make([]json.RawMessage, 0, len(row))
		for _, b := range row {
			r = append(r, b.echo)
		}
		out = append(out, r)
	}
	return out
}
