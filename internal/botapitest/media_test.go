package botapitest

import (
	"encoding/json"
	"strings"
	"testing"
)

// What a user sends the bot — a photo, a file, a sticker, a voice note —
// arrives as the Bot API's JSON has it: a photo as an array of PhotoSize,
// smallest first, each with its own file_id and file_unique_id; a document
// with file_name, mime_type and file_size (a 30 MB one too); and the bot can
// send a photo or a file on by its file_id.
func TestUserMediaAsTheBotAPISendsIt(t *testing.T) {
	s := newServer(t)
	u := s.NewUser(42, "Oanh", "vi")
	u.SendPhoto(pngBytes(t, 1000, 750), "2")
	u.SendDocument(File{Name: "bao-cao.pdf", Data: []byte("%PDF-1.4 báo cáo"), Size: 30 << 20}, "")
	u.SendSticker("👍")
	u.SendVoice(7)
	r := call(t, s, "getUpdates", nil)
	raw := string(r.Result)
	for _, w := range []string{`"photo":[{"file_id":"`, `"width":90,"height":67}`, `"width":1000,"height":750}]`, `"caption":"2"`,
		`"document":{"file_name":"bao-cao.pdf","mime_type":"application/pdf","file_id":"`, `"file_size":31457280}`,
		`"sticker":{"file_id":"`, `"type":"regular"`, `"emoji":"👍"`, `"voice":{"file_id":"`, `"duration":7,"mime_type":"audio/ogg"`} {
		if !strings.Contains(raw, w) {
			t.Errorf("updates lack %s:\n%s", w, raw)
		}
	}
	us := updates(t, s, nil)
	if len(us) != 4 {
		t.Fatalf("%d updates", len(us))
	}
	ph := us[0].Message.Photo
	if len(ph) != 4 || ph[0].Width != 90 || ph[3].Width != 1000 || ph[3].Height != 750 || ph[0].FileUniqueID == ph[3].FileUniqueID || ph[0].FileID == ph[3].FileID {
		t.Fatalf("photo sizes: %+v", ph)
	}
	doc := us[1].Message.Document
	if doc == nil || doc.FileName != "bao-cao.pdf" || doc.FileSize != 30<<20 || doc.FileUniqueID == "" || us[1].Message.Text != "" {
		t.Fatalf("document: %+v", doc)
	}
	if sk := us[2].Message.Sticker; sk == nil || sk.Emoji != "👍" || sk.FileID == "" {
		t.Fatalf("sticker: %+v", sk)
	}
	if v := us[3].Message.Voice; v == nil || v.Duration != 7 {
		t.Fatalf("voice: %+v", v)
	}
	// The bot sends them on by file_id, whatever their size.
	if r := call(t, s, "sendPhoto", map[string]any{"chat_id": 42, "photo": ph[3].FileID, "caption": "ảnh"}); !r.OK {
		t.Fatalf("sendPhoto by file_id: %+v", r)
	}
	if r := call(t, s, "sendDocument", map[string]any{"chat_id": 42, "document": doc.FileID}); !r.OK {
		t.Fatalf("sendDocument by file_id: %+v", r)
	}
	var sent struct {
		Document struct {
			FileName string `json:"file_name"`
		} `json:"document"`
	}
	r = call(t, s, "sendDocument", map[string]any{"chat_id": 42, "document": doc.FileID})
	if err := json.Unmarshal(r.Result, &sent); err != nil || sent.Document.FileName != "bao-cao.pdf" {
		t.Fatalf("sent on: %s %v", r.Result, err)
	}
	if ms := u.Messages(); len(ms) != 3 || ms[0].Photo == nil || ms[1].FileName != "bao-cao.pdf" {
		t.Fatalf("the user's chat: %+v", ms)
	}
}
