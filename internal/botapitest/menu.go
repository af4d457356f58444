package botapitest

import (
	"context"
	"encoding/json"
	"strings"
)

// MenuButton is a chat's menu button as the bot set it (Bot API MenuButton):
// Type "commands", "web_app" (Text and the Mini App's URL) or "default".
type MenuButton struct {
	Type string
	Text string
	URL  string // web_app.url
}

// MenuButtonOf is the menu button setChatMenuButton set for chatID (0: the
// bot's default for private chats); Type "default" when none was set.
func (s *Server) MenuButtonOf(chatID int64) MenuButton {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m, ok := s.menus[chatID]; ok {
		return m
	}
	return MenuButton{Type: "default"}
}

// setChatMenuButton: chat_id (optional: the default) of a private chat, and
// menu_button (optional: the default); a web_app button needs a text and an
// https URL.
func (s *Server) setChatMenuButton(_ context.Context, p *params) (any, *apiError) {
	var chatID int64
	if p.has("chat_id") {
		id, aerr := chatIDParam(p)
		if aerr != nil {
			return nil, aerr
		}
		chatID = id
	}
	m := MenuButton{Type: "default"}
	if raw := p.str("menu_button"); raw != "" {
		var w struct {
			Type   string `json:"type"`
			Text   string `json:"text"`
			WebApp *struct {
				URL string `json:"url"`
			} `json:"web_app"`
		}
		if err := json.Unmarshal([]byte(raw), &w); err != nil {
			return nil, badRequest("can't parse menu button JSON object")
		}
		m = MenuButton{Type: w.Type, Text: w.Text}
		switch w.Type {
		case "commands", "default":
		case "web_app":
			if strings.TrimSpace(w.Text) == "" {
				return nil, badRequest("can't parse menu button: Field \"text\" must be non-empty")
			}
			if w.WebApp == nil {
				return nil, badRequest("can't parse menu button: Field \"web_app\" must be of type Object")
			}
			m.URL = w.WebApp.URL
			if !strings.HasPrefix(strings.ToLower(m.URL), "https://") {
				return nil, badRequest("menu button Web App URL '" + m.URL + "' is invalid: Only HTTPS links are allowed")
			}
			if _, reason := checkURL(m.URL); reason != "" {
				return nil, badRequest("menu button Web App URL '" + m.URL + "' is invalid: " + reason)
			}
		default:
			return nil, badRequest("can't parse menu button: unsupported menu button type")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if chatID != 0 {
		c, aerr := s.chatLocked(chatID)
		if aerr != nil {
			return nil, aerr
		}
		if c.kind != "private" {
			return nil, badRequest("chat not found") // a menu button is a private chat's
		}
	}
	if s.menus == nil {
		s.menus = map[int64]MenuButton{}
	}
	s.menus[chatID] = m
	return true, nil
}

// getChatMenuButton: the chat's (or the default) menu button.
func (s *Server) getChatMenuButton(ctx context.Context, p *params) (any, *apiError) {
	var chatID int64
	if p.has("chat_id") {
		id, aerr := chatIDParam(p)
		if aerr != nil {
			return nil, aerr
		}
		chatID = id
	}
	m := s.MenuButtonOf(chatID)
	out := map[string]any{"type": m.Type}
	if m.Type == "web_app" {
		out["text"], out["web_app"] = m.Text, map[string]string{"url": m.URL}
	}
	return out, nil
}
