package botapitest

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"image"
	"mime"
	"path"
	"strconv"
)

// File is a file a user sends to the bot (User.SendDocument).
type File struct {
	Name     string // file_name, as the user's device names it
	MimeType string // "" is guessed from Name's extension
	Data     []byte // its bytes: the bot can send it on by file_id
	// Size is the file_size Telegram reports; 0 means len(Data). A larger
	// one stands for a big file whose bytes a test need not hold (a user
	// may send up to 2 GB; a bot can download only 20 MB of it with
	// getFile, and send it on by file_id whatever its size).
	Size int64
}

// photoSides are the longest sides of the sizes Telegram makes of a photo a
// user sends (its «s», «m», «x» and «y» thumbnails): the message's photo
// lists those smaller than the original, then the original (at most 1280),
// smallest first, each with its own file_id and file_unique_id.
var photoSides = []int{90, 320, 800, 1280}

// SendPhoto sends a photo (PNG, JPEG or GIF bytes) from u to the bot in u's
// private chat, with caption ("" for none), as Telegram delivers it: a
// message whose photo is an array of PhotoSize, smallest first. Each size
// can be sent on by the bot (sendPhoto by file_id); the same bytes sent
// again have the same file_unique_ids (uniqueID). It returns the
// update_id; it panics when data is no image (a test's mistake).
func (u *User) SendPhoto(data []byte, caption string) int64 {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		panic("botapitest: SendPhoto: not an image: " + err.Error())
	}
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	st, c := u.actLocked()
	var sizes []wPhotoSize
	add := func(w, h int) {
		s.nextFile++
		id := fmt.Sprintf("AgACAgIAAxkBAAIC%08dUserPhoto%dx%d", s.nextFile, w, h)
		s.files[id] = &storedFile{data: data, name: "photo.jpg", mimeType: "image/jpeg"}
		sizes = append(sizes, wPhotoSize{FileID: id, FileUniqueID: uniqueID("AQADPh", data, w),
			FileSize: max(1, len(data)*w/max(1, cfg.Width)*h/max(1, cfg.Height)), Width: w, Height: h})
	}
	long := max(cfg.Width, cfg.Height)
	for _, side := range photoSides {
		if side < long {
			add(max(1, cfg.Width*side/long), max(1, cfg.Height*side/long))
		}
	}
	if long <= photoSides[len(photoSides)-1] {
		add(cfg.Width, cfg.Height)
	}
	return s.userMessageLocked(st, c, "user_photo", caption, func(m *message) {
		m.userPhoto, m.caption = sizes, caption
	})
}

// uniqueID is the file_unique_id of data (of one size: n): the same bytes
// sent again — forwarded, or picked again from the phone — are the same
// file to Telegram, with a new file_id each time.
func uniqueID(prefix string, data []byte, n int) string {
	h := sha256.Sum256(append([]byte(strconv.Itoa(n)+":"), data...))
	return prefix + base64.RawURLEncoding.EncodeToString(h[:9])
}

// SendDocument sends a file from u to the bot in u's private chat, with
// caption ("" for none), as Telegram delivers it: a message with a
// document (file_name, mime_type, file_id, file_unique_id, file_size). The
// bot can send it on (sendDocument by file_id). It returns the update_id.
func (u *User) SendDocument(f File, caption string) int64 {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	st, c := u.actLocked()
	mt := f.MimeType
	if mt == "" {
		mt = mime.TypeByExtension(path.Ext(f.Name))
		if i := bytes.IndexByte([]byte(mt), ';'); i >= 0 {
			mt = mt[:i]
		}
		if mt == "" {
			mt = "application/octet-stream"
		}
	}
	size := f.Size
	if size == 0 {
		size = int64(len(f.Data))
	}
	s.nextFile++
	id := fmt.Sprintf("BQACAgIAAxkBAAIC%08dUserDocument", s.nextFile)
	s.files[id] = &storedFile{data: f.Data, name: f.Name, mimeType: mt}
	doc := &wDocument{FileName: f.Name, MimeType: mt, FileID: id, FileUniqueID: uniqueID("AgADDc", f.Data, int(size)), FileSize: size}
	return s.userMessageLocked(st, c, "user_document", f.Name, func(m *message) {
		m.userDoc, m.caption = doc, caption
	})
}

// SendSticker sends a (static, regular) sticker from u to the bot in u's
// private chat. It returns the update_id.
func (u *User) SendSticker(emoji string) int64 {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	st, c := u.actLocked()
	s.nextFile++
	sk := &wSticker{FileID: fmt.Sprintf("CAACAgIAAxkBAAIC%08dSticker", s.nextFile), FileUniqueID: fmt.Sprintf("AgADSt%08d", s.nextFile),
		Type: "regular", Width: 512, Height: 512, Emoji: emoji, SetName: "HotCherry", FileSize: 24000}
	return s.userMessageLocked(st, c, "sticker", emoji, func(m *message) { m.sticker = sk })
}

// SendVoice sends a voice note of seconds from u to the bot in u's private
// chat. It returns the update_id.
func (u *User) SendVoice(seconds int) int64 {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	st, c := u.actLocked()
	s.nextFile++
	v := &wVoice{FileID: fmt.Sprintf("AwACAgIAAxkBAAIC%08dVoice", s.nextFile), FileUniqueID: fmt.Sprintf("AgADVo%08d", s.nextFile),
		Duration: seconds, MimeType: "audio/ogg", FileSize: int64(seconds) * 2000}
	return s.userMessageLocked(st, c, "voice", "", func(m *message) { m.voice = v })
}
