// Package botapitest is a fake Telegram Bot API server for tests and for
// `evalbot demo`.
//
// Point github.com/go-telegram/bot at it:
//
//	srv := botapitest.New()
//	defer srv.Close()
//	b, _ := bot.New(srv.Token(), bot.WithServerURL(srv.URL()))
//	u := srv.NewUser(1001, "Hà", "vi")
//	u.Start("inv_abc")             // the bot gets "/start inv_abc"
//	… wait (srv.WaitFor) …
//	u.Press(u.Last(), "Đồng ý")    // a callback_query
//
// It speaks the Bot API wire format (POST or GET /bot<token>/<method>, with
// multipart/form-data, application/json or x-www-form-urlencoded parameters;
// {"ok":true,"result":…} or {"ok":false,"error_code":…,"description":…,
// "parameters":{…}} with the matching HTTP status) for the methods evalbot uses:
// getMe, getUpdates, setWebhook, deleteWebhook, getWebhookInfo, setMyCommands,
// getMyCommands, deleteMyCommands, setChatMenuButton, getChatMenuButton,
// sendChatAction, sendMessage, sendPhoto,
// sendDocument, editMessageText, editMessageReplyMarkup, deleteMessage,
// answerCallbackQuery. Other methods answer 404 "Not Found", a wrong token 401
// "Unauthorized".
//
// Users send text, commands, contacts and presses, and media as Telegram
// delivers them (SendPhoto: a photo as PhotoSize sizes, smallest first;
// SendDocument: a file with its name, MIME type and size, any size;
// SendSticker, SendVoice); the bot can send a user's photo or file on by its
// file_id.
//
// It enforces Telegram's rules with Telegram's error texts: text and caption
// lengths in UTF-16 code units after entity parsing (4096, 1024), parse_mode HTML
// parsed like TDLib's parser, callback_data 1-64 bytes, keyboard sizes,
// "message is not modified", unknown messages, chats and callback queries,
// blocked users (403), upgraded groups (400 with migrate_to_chat_id), the
// 48-hour window of deleteMessage (measured on the WithClock clock), and, when
// asked (WithLimits), the flood limits (429 with retry_after).
//
// getUpdates follows Telegram: an update is forgotten for good once getUpdates
// is called with a higher offset; a negative offset keeps the last -offset
// updates; limit and allowed_updates (remembered across calls) apply; timeout
// long-polls and returns as soon as an update arrives, when the request is
// cancelled, or when the server closes; a second getUpdates ends one still
// waiting with 409 Conflict.
//
// setWebhook makes it post updates to the bot instead, as Telegram does:
// with the secret_token header, at most max_connections at once, forgotten
// on a 200 and retried otherwise (getWebhookInfo shows the last error);
// getUpdates then answers 409. A 200's body may carry one Bot API call
// ({"method":…}), which the server makes for the bot without telling the
// result (ReplyCalls counts them). PostWebhook posts one update by hand.
//
// Faults can be injected: Block/Unblock, FailNext/FailNextMethod (502, 503 and
// 504 come as nginx HTML pages, like Telegram's), TooManyNext, DropNext (the
// connection is closed, the call not processed), DropNextReplies (the call is
// processed, its reply lost), CloseConnections, SetLatency. Nothing sleeps in
// the request path unless latency is set, so the demo runs at full speed.
//
// Where it deliberately differs from Telegram, or approximates it:
//
//   - parse_mode HTML is stricter by default: an '&' that does not begin
//     &lt; &gt; &amp; &quot; &#NN; or &#xHH; (with the ';') is rejected,
//     "can't parse entities: Unescaped "&" at byte offset N" (the Bot API
//     documentation requires escaping it; Telegram keeps it as text).
//     WithLenientHTML restores Telegram's behaviour. A bare '>' is accepted,
//     as by Telegram. Inside attribute values '&' is not checked. tg-time tags
//     and tg://user links (text_mention) are not supported.
//   - parse_mode Markdown and MarkdownV2 are accepted but not parsed.
//   - Entities Telegram finds by itself in a bot's text (URLs, mentions,
//     hashtags) are not reported; in users' messages only a leading
//     /command gets its bot_command entity.
//   - Keyboards past 8 buttons a row or 100 in all (reply keyboards: 12, 300)
//     answer "reply markup is too long"; Telegram's exact limit depends on the
//     markup's size. An inline button without an action answers Telegram's
//     "Text buttons are unallowed in the inline keyboard"; an empty
//     callback_data sent explicitly answers BUTTON_DATA_INVALID (go-telegram/bot
//     omits an empty callback_data, so a bot using it gets the former). An empty
//     copy_text (which go-telegram/bot always sends) is ignored. Some texts are
//     guesses: BUTTON_TEXT_EMPTY, "inline keyboard expected" (a reply keyboard
//     in an edit), "keyboard button text must be non-empty",
//     BOT_COMMAND_INVALID, MESSAGE_TOO_LONG (answer text over 200 characters).
//   - A user who never did anything is unknown to the bot: "chat not found".
//     Telegram answers 403 "bot can't initiate conversation with a user" for a
//     user the bot has seen elsewhere (a group); that case is not modelled.
//   - deleteMessage of an unknown message answers Telegram's "message to
//     delete not found" (not "message to edit not found").
//   - Callback queries never expire: an unanswered query can be answered at
//     any time (Telegram gives up after some seconds).
//   - sendPhoto accepts PNG, JPEG and GIF (decoded to get the size) and
//     answers with one PhotoSize; files by URL are rejected as unknown file
//     identifiers; a file_id of an earlier upload works.
//   - Chats have no usernames, so "@name" chat ids are "chat not found".
//   - Flood limits are token buckets (golang.org/x/time/rate) on the limit
//     clock (WithLimitClock, default time.Now): global rate with a burst of the
//     rate, 1/s per private chat with a burst of 3, 20/min per group with a
//     burst of 3 (WithBursts changes them); sends and edits count, answers and
//     deletes do not. retry_after is the exact wait rounded up; Telegram's is
//     often longer.
//   - Block sends the bot a my_chat_member update (member → kicked), Unblock
//     or any later action of the user (kicked → member), as Telegram does. A
//     blocked user can still press buttons; that does not unblock.
//   - A webhook may be http:// (Telegram requires https://); updates of one
//     chat are posted one at a time, in order; a failed post is retried
//     after 100 ms, doubling to 5 s (Telegram waits longer).
//   - User.Start and User.OpenLink drop an invalid start payload (not 1-64
//     characters of A-Za-z0-9_-) and send a bare /start, as Telegram's apps do.
package botapitest
