package chat

import (
	"errors"
	"strconv"
	"strings"
)

// Callback is a button's callback data, parsed. It names what the button
// does and to which record, never who may press it: the handler checks that
// against the database. Shape: "<verb>:<arg>:<arg>…", integers in base 36,
// at most 64 bytes (Bot API InlineKeyboardButton.callback_data).
type Callback struct {
	Verb string
	Args []string
}

// VerbNoop is a label button's verb (a page counter): it answers with the
// label's full text.
const VerbNoop = "no"

// ErrBadData is callback data that does not parse or names nothing.
var ErrBadData = errors.New("malformed callback data")

// Data encodes a verb and its arguments (int64, int in base 36, or string)
// as callback data; it panics on another type or past 64 bytes, which is a
// programming error.
func Data(verb string, args ...any) string {
	parts := []string{verb}
	for _, a := range args {
		switch v := a.(type) {
		case int64:
			parts = append(parts, strconv.FormatInt(v, 36))
		case int:
			parts = append(parts, strconv.FormatInt(int64(v), 36))
		case string:
			parts = append(parts, v)
		default:
			panic("callback arg type")
		}
	}
	s := strings.Join(parts, ":")
	if len(s) > 64 {
		panic("callback data over 64 bytes: " + verb)
	}
	return s
}

// Parse splits callback data; ErrBadData when empty or over 64 bytes.
func Parse(data string) (Callback, error) {
	if data == "" || len(data) > 64 {
		return Callback{}, ErrBadData
	}
	parts := strings.Split(data, ":")
	return Callback{Verb: parts[0], Args: parts[1:]}, nil
}

// ID reads argument i as a non-negative base-36 integer.
func (c Callback) ID(i int) (int64, error) {
	if i >= len(c.Args) {
		return 0, ErrBadData
	}
	v, err := strconv.ParseInt(c.Args[i], 36, 64)
	if err != nil || v < 0 {
		return 0, ErrBadData
	}
	return v, nil
}

// Small reads argument i as an integer in 0..max (points, pages, indexes),
// so nothing forged can overflow what is computed from it.
func (c Callback) Small(i int, max int64) (int64, error) {
	v, err := c.ID(i)
	if err != nil || v > max {
		return 0, ErrBadData
	}
	return v, nil
}

// Str reads argument i as it is.
func (c Callback) Str(i int) (string, error) {
	if i >= len(c.Args) {
		return "", ErrBadData
	}
	return c.Args[i], nil
}
