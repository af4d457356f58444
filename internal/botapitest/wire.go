package botapitest

import (
	json "github.com/goccy/go-json"

	"github.com/go-telegram/bot/models"
)

// The JSON shapes the fake server writes. They follow the Bot API field names and
// omit empty optional fields the way Telegram does (go-telegram/bot's models would
// add a few zero-valued fields that Telegram never sends, e.g. "copy_text":{"text":""}).

type okResponse struct {
	OK     bool `json:"ok"`
	Result any  `json:"result"`
}

type errResponse struct {
	OK          bool        `json:"ok"`
	ErrorCode   int         `json:"error_code"`
	Description string      `json:"description"`
	Parameters  *respParams `json:"parameters,omitempty"`
}

type respParams struct {
	MigrateToChatID int64 `json:"migrate_to_chat_id,omitempty"`
	RetryAfter      int   `json:"retry_after,omitempty"`
}

type wUser struct {
	ID                      int64  `json:"id"`
	IsBot                   bool   `json:"is_bot"`
	FirstName               string `json:"first_name"`
	LastName                string `json:"last_name,omitempty"`
	Username                string `json:"username,omitempty"`
	LanguageCode            string `json:"language_code,omitempty"`
	CanJoinGroups           *bool  `json:"can_join_groups,omitempty"`
	CanReadAllGroupMessages *bool  `json:"can_read_all_group_messages,omitempty"`
	SupportsInlineQueries   *bool  `json:"supports_inline_queries,omitempty"`
	CanConnectToBusiness    *bool  `json:"can_connect_to_business,omitempty"`
	HasMainWebApp           *bool  `json:"has_main_web_app,omitempty"`
}

type wChat struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	Title     string `json:"title,omitempty"`
	Username  string `json:"username,omitempty"`
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
	// AllMembersAreAdministrators is sent for basic groups.
	AllMembersAreAdministrators *bool `json:"all_members_are_administrators,omitempty"`
}

type wPhotoSize struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	FileSize     int    `json:"file_size,omitempty"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
}

type wDocument struct {
	FileName     string      `json:"file_name,omitempty"`
	MimeType     string      `json:"mime_type,omitempty"`
	Thumbnail    *wPhotoSize `json:"thumbnail,omitempty"`
	FileID       string      `json:"file_id"`
	FileUniqueID string      `json:"file_unique_id"`
	FileSize     int64       `json:"file_size,omitempty"`
}

// wSticker is a Bot API Sticker (a regular, static one).
type wSticker struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Type         string `json:"type"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	IsAnimated   bool   `json:"is_animated"`
	IsVideo      bool   `json:"is_video"`
	Emoji        string `json:"emoji,omitempty"`
	SetName      string `json:"set_name,omitempty"`
	FileSize     int    `json:"file_size,omitempty"`
}

// wVoice is a Bot API Voice (a voice note).
type wVoice struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Duration     int    `json:"duration"`
	MimeType     string `json:"mime_type,omitempty"`
	FileSize     int64  `json:"file_size,omitempty"`
}

type wContact struct {
	PhoneNumber string `json:"phone_number"`
	FirstName   string `json:"first_name"`
	LastName    string `json:"last_name,omitempty"`
	UserID      int64  `json:"user_id,omitempty"`
}

type wInlineMarkup struct {
	InlineKeyboard json.RawMessage `json:"inline_keyboard"` // the message's inlineJS
}

type wMessage struct {
	MessageID       int                    `json:"message_id"`
	MediaGroupID    string                 `json:"media_group_id,omitempty"`
	From            *wUser                 `json:"from,omitempty"`
	Chat            wChat                  `json:"chat"`
	Date            int64                  `json:"date"`
	EditDate        int64                  `json:"edit_date,omitempty"`
	Text            string                 `json:"text,omitempty"`
	Entities        []models.MessageEntity `json:"entities,omitempty"`
	Document        *wDocument             `json:"document,omitempty"`
	Photo           []wPhotoSize           `json:"photo,omitempty"`
	Sticker         *wSticker              `json:"sticker,omitempty"`
	Voice           *wVoice                `json:"voice,omitempty"`
	Caption         string                 `json:"caption,omitempty"`
	CaptionEntities []models.MessageEntity `json:"caption_entities,omitempty"`
	Contact         *wContact              `json:"contact,omitempty"`
	ReplyMarkup     *wInlineMarkup         `json:"reply_markup,omitempty"`
}

type wCallbackQuery struct {
	ID           string    `json:"id"`
	From         wUser     `json:"from"`
	Message      *wMessage `json:"message,omitempty"`
	ChatInstance string    `json:"chat_instance"`
	Data         string    `json:"data,omitempty"`
}

type wChatMember struct {
	User      wUser  `json:"user"`
	Status    string `json:"status"`
	UntilDate *int64 `json:"until_date,omitempty"`
}

type wChatMemberUpdated struct {
	Chat          wChat       `json:"chat"`
	From          wUser       `json:"from"`
	Date          int64       `json:"date"`
	OldChatMember wChatMember `json:"old_chat_member"`
	NewChatMember wChatMember `json:"new_chat_member"`
}

type wUpdate struct {
	UpdateID      int64               `json:"update_id"`
	Message       *wMessage           `json:"message,omitempty"`
	CallbackQuery *wCallbackQuery     `json:"callback_query,omitempty"`
	MyChatMember  *wChatMemberUpdated `json:"my_chat_member,omitempty"`
}

type wWebhookInfo struct {
	URL                  string `json:"url"`
	HasCustomCertificate bool   `json:"has_custom_certificate"`
	PendingUpdateCount   int    `json:"pending_update_count"`
	LastErrorDate        int64  `json:"last_error_date,omitempty"`
	LastErrorMessage     string `json:"last_error_message,omitempty"`
	MaxConnections       int    `json:"max_connections,omitempty"`
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic("botapitest: marshal: " + err.Error())
	}
	return b
}

func boolPtr(b bool) *bool { return &b }
