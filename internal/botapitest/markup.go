package botapitest

import (
	"bytes"
	"encoding/json"
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
	Text string
	Data string
	URL  string
	// echo is the button as Telegram returns it in message.reply_markup.
	echo map[string]any
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
			var out []inlineButton
			for _, rb := range row {
				b, err := parseInlineButton(rb)
				if err != nil {
					return nil, err
				}
				out = append(out, b)
			}
			m.inline = append(m.inline, out)
		}
		m.kind = markupInline
		if len(m.inline) == 0 {
			m.kind = markupNone // an empty inline keyboard is no keyboard
		}
		m.inlineJS = inlineKey(m.inline)
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

func parseInlineButton(raw json.RawMessage) (inlineButton, *apiError) {
	var b inlineButton
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return b, badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
	}
	if err := json.Unmarshal(fields["text"], &b.Text); err != nil || fields["text"] == nil {
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
	b.echo = map[string]any{"text": b.Text}
	switch action {
	case "":
		return b, badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
	case "callback_data":
		if err := json.Unmarshal(fields["callback_data"], &b.Data); err != nil {
			return b, badRequest("can't parse inline keyboard button: Field \"callback_data\" must be of type String")
		}
		if len(b.Data) < 1 || len(b.Data) > maxCallbackData {
			return b, badRequest("BUTTON_DATA_INVALID")
		}
		b.echo["callback_data"] = b.Data
	case "url":
		if err := json.Unmarshal(fields["url"], &b.URL); err != nil {
			return b, badRequest("can't parse inline keyboard button: Field \"url\" must be of type String")
		}
		norm, reason := checkURL(b.URL)
		if reason != "" {
			return b, badRequest("inline keyboard button URL '" + b.URL + "' is invalid: " + reason)
		}
		b.echo["url"] = norm
	default:
		var v any
		_ = json.Unmarshal(fields[action], &v)
		b.echo[action] = v
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

func inlineKey(rows [][]inlineButton) string {
	if len(rows) == 0 {
		return ""
	}
	return string(mustJSON(echoRows(rows)))
}

func echoRows(rows [][]inlineButton) [][]map[string]any {
	out := make([][]map[string]any, 0, len(rows))
	for _, row := range rows {
		r := make([]map[string]any, 0, len(row))
		for _, b := range row {
			r = append(r, b.echo)
		}
		out = append(out, r)
	}
	return out
}
