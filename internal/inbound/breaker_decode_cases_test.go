package inbound

import (
	"encoding/json"
	"strings"
	"testing"

	gojson "github.com/goccy/go-json"
)

func TestDecodeAgreesWithEncodingJSONOnEdgeCases(t *testing.T) {
	msg := `"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"}}`
	cq := func(inner string) string {
		return `{"update_id":5,"callback_query":{"id":"q","from":{"id":5},` + msg + `,` + inner + `}}`
	}
	cases := []string{
		cq(`"data":"x` + "\xff" + `"`),
		cq(`"data":"x` + "\xed\xa0\x80" + `"`),
		cq(`"data":"x` + "\xc0\x80" + `"`),
		cq(`"data":"x\ud800y"`),
		cq(`"data":"x\udc00\ud800y"`),
		cq(`"data":"` + "\xe2\x80\xa8" + `"`),
		cq(`"zz":"` + "\xff" + `","data":"x"`),
		cq(`"z` + "\xff" + `":1,"data":"x"`),
		cq(`"dat` + "\xc1" + `":"evil","data":"x"`),
		cq(`"DATA":"evil"`),
		cq(`"data":"x","ᴅata":"evil"`),
		cq(`"data":"x","dat\u0041":"evil"`),
		cq(`"data":"x","daᴛa":"evil"`),
		cq(`"data":"x","ɗata":"evil"`),
		cq(`"data":"x","\u212Aey":"k"`),       // Kelvin sign
		cq(`"data":"x","from":{"\u017Fd":1}`), // ſ
		cq(`"data":"x","from":{"ıd":9}`),
		cq(`"data":"x","from":{"İD":9}`),
		cq(`"data":"x","from":{"ID":9}`),
		cq(`"data":"x","from":{"Id":9,"id":5}`),
		cq(`"data":"x","from":{"id":5,"Id":9}`),
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},"message":{"message_id":1,"date":1,"chat":{"id":5},"ChAt":{"id":9}},"data":"x"}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},"message":{"message_id":1,"date":1,"chat":{"ID":9}},"data":"x"}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},"message":{"message_id":1,"date":1,"chat":{"id":5}},"data":"x"},"CALLBACK_QUERY":{"id":"r","from":{"id":77}}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},"message":{"message_id":1,"date":1,"chat":{"id":5}},"data":"x"},"callback_query":{"from":{"first_name":"B"}}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},"message":{"message_id":1,"date":1,"chat":{"id":5}},"data":"x"},"callback_query":{"message":{"chat":{"type":"group"}}}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},"message":{"message_id":1,"date":1,"chat":{"id":5}},"data":"x"},"callback_query":null}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},"message":{"message_id":1,"date":1,"chat":{"id":5}},"data":"x","from":null}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},"message":{"message_id":1,"date":1,"chat":{"id":5}},"data":"x","data":null}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},"message":{"message_id":1,"date":1,"chat":{"id":5}},"data":"x"},"update_id":null}`,
		`{"update_id":9223372036854775807,"callback_query":{"id":"q","from":{"id":5},"message":{"message_id":1,"date":1,"chat":{"id":5}},"data":"x"}}`,
		`{"update_id":9223372036854775808,"callback_query":{"id":"q","from":{"id":5},"message":{"message_id":1,"date":1,"chat":{"id":5}},"data":"x"}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},"message":{"message_id":2147483648,"date":1,"chat":{"id":5}},"data":"x"}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},"message":{"message_id":1,"date":1e3,"chat":{"id":5}},"data":"x"}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},"message":{"message_id":1,"date":-1,"chat":{"id":-1001234}},"data":"x"}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},"message":{"message_id":1,"date":1,"chat":{"id":-9223372036854775809}},"data":"x"}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},"message":{"message_id":1,"date":1,"chat":{"id":5}},"data":["x"]}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},"message":{"message_id":1,"date":1,"chat":{"id":5}},"data":{"a":1}}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},"message":{"message_id":1,"date":1,"chat":{"id":5}},"data":12}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":[5],"message":{"message_id":1,"date":1,"chat":{"id":5}},"data":"x"}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},"message":[],"data":"x"}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},"message":"m","data":"x"}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},"message":{"message_id":1,"date":1,"chat":{"id":5}},"data":"x"},"zz":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},"message":{"message_id":1,"date":1,"chat":{"id":5}},"data":"x","zz":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},"message":{"message_id":1,"date":1,"chat":{"id":5},"zz":` + strings.Repeat(`{"a":`, 10001) + `1` + strings.Repeat("}", 10001) + `},"data":"x"}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},"message":{"message_id":1,"date":1,"chat":{"id":5}},"data":"x","zz":1e999}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},"message":{"message_id":1,"date":1,"chat":{"id":5}},"data":"x","zz":-0.0e-0}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},"message":{"message_id":1,"date":1,"chat":{"id":5}},"data":"x","zz":"\u00"}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},"message":{"message_id":1,"date":1,"chat":{"id":5}},"data":"x","zz":"\uGGGG"}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},"message":{"message_id":1,"date":1,"chat":{"id":5}},"data":"x"  ,  "zz"  :  [ 1 , { } , "" ] }  }   `,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},"message":{"message_id":1,"date":1,"chat":{"id":5}},"data":"x"}}` + "\v",
		"\v" + `{"update_id":5}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5,"is_bot":null},"message":{"message_id":1,"date":1,"chat":{"id":5}},"data":"x"}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5,"is_bot":1},"message":{"message_id":1,"date":1,"chat":{"id":5}},"data":"x"}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5,"is_premium":"true"},"message":{"message_id":1,"date":1,"chat":{"id":5}},"data":"x"}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5,"added_to_attachment_menu":true},"message":{"message_id":1,"date":1,"chat":{"id":5,"is_forum":true}},"data":"x"}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},"message":{"message_id":1,"date":1,"chat":{"id":5,"accent_color_id":"x"}},"data":"x"}}`,
	}
	for i, c := range cases {
		var a, b pressProbe
		ea := json.Unmarshal([]byte(c), &a)
		eb := gojson.Unmarshal([]byte(c), &b)
		if (ea == nil) != (eb == nil) || (ea == nil && dump(a) != dump(b)) {
			if len(c) > 300 {
				c = c[:300]
			}
			t.Errorf("case %d %q\n std:   %v %s\n goccy: %v %s", i, c, ea, dump(a), eb, dump(b))
		}
	}
}
