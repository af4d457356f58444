package inbound

import (
	"encoding/json"
	"math/rand"
	"strings"
	"testing"

	gojson "github.com/goccy/go-json"
)

func TestDecodeAgreesWithEncodingJSONOnGeneratedBodies(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	keyVariants := func(k string) string {
		switch r.Intn(8) {
		case 0:
			return strings.ToUpper(k)
		case 1:
			b := []byte(k)
			i := r.Intn(len(b))
			return string(b[:i]) + `\u00` + "6" + string("0123456789abcdef"[b[i]&0xf]) + string(b[i+1:])
		case 2:
			return strings.Title(k)
		case 3:
			return k + "x"
		case 4:
			return strings.ReplaceAll(k, "k", "\u212a")
		case 5:
			return strings.ReplaceAll(k, "s", "\u017f")
		default:
			return k
		}
	}
	var val func(depth int, kind string) string
	obj := func(depth int, keys []string, kinds []string) string {
		var parts []string
		n := r.Intn(len(keys) + 3)
		for i := 0; i < n; i++ {
			j := r.Intn(len(keys) + 1)
			if j == len(keys) {
				parts = append(parts, `"zz":`+val(depth+1, "any"))
				continue
			}
			parts = append(parts, `"`+keyVariants(keys[j])+`":`+val(depth+1, kinds[j]))
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
	val = func(depth int, kind string) string {
		if r.Intn(10) == 0 {
			kind = []string{"any", "int", "str", "null"}[r.Intn(4)]
		}
		switch kind {
		case "null":
			return "null"
		case "int":
			return []string{"5", "-7", "0", "9223372036854775807", "9223372036854775808", "1e2", "5.0", "-0", "12345678901234567890123"}[r.Intn(9)]
		case "str":
			return []string{`"a"`, `""`, `"\u00e9"`, "\"\xff\"", `"\ud800"`, `"a\"b"`, `"\\"`}[r.Intn(7)]
		case "bool":
			return []string{"true", "false", "null", "1"}[r.Intn(4)]
		case "user":
			return obj(depth, []string{"id", "is_bot", "first_name"}, []string{"int", "bool", "str"})
		case "chat":
			return obj(depth, []string{"id", "type"}, []string{"int", "str"})
		case "msg":
			return obj(depth, []string{"message_id", "date", "chat"}, []string{"int", "int", "chat"})
		case "cq":
			return obj(depth, []string{"id", "from", "message", "data", "chat_instance", "inline_message_id"}, []string{"str", "user", "msg", "str", "str", "str"})
		case "upd":
			return obj(depth, []string{"update_id", "callback_query"}, []string{"int", "cq"})
		default:
			if depth > 4 {
				return "1"
			}
			switch r.Intn(4) {
			case 0:
				return "[" + val(depth+1, "any") + "," + val(depth+1, "str") + "]"
			case 1:
				return `{"a":` + val(depth+1, "any") + "}"
			case 2:
				return "null"
			default:
				return `"s"`
			}
		}
	}
	diffs, oks := 0, 0
	for i := 0; i < 300000; i++ {
		c := val(0, "upd")
		var a, b pressProbe
		ea := json.Unmarshal([]byte(c), &a)
		eb := gojson.Unmarshal([]byte(c), &b)
		if ea == nil && a.CallbackQuery != nil && a.CallbackQuery.Message != nil {
			oks++
		}
		if (ea == nil) != (eb == nil) || (ea == nil && dump(a) != dump(b)) {
			diffs++
			if diffs < 15 {
				t.Errorf("%q\n std:   %v %s\n goccy: %v %s", c, ea, dump(a), eb, dump(b))
			}
		}
	}
	t.Logf("diffs %d ok %d", diffs, oks)
}
