package inbound

import (
	"encoding/json"
	"fmt"
	"testing"

	gojson "github.com/goccy/go-json"
)

func TestDecodeAgreesWithEncodingJSONOnKeys(t *testing.T) {
	cq := func(inner string) string {
		return `{"update_id":5,"callback_query":{` + inner + `}}`
	}
	msg := `"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"}}`
	cases := []string{
		cq(`"id":"q","from":{"id":5,"first_name":"A"},` + msg + `,"data":"x","DATA":"evil"`),
		cq(`"id":"q","from":{"id":5,"first_name":"A"},` + msg + `,"Data":"evil"`),
		cq(`"id":"q","FROM":{"id":6},` + msg + `,"data":"x"`),
		cq(`"id":"q","from":{"id":5,"ID":6},` + msg + `,"data":"x"`),
		cq(`"id":"q","from":{"id":5},` + msg + `,"d\u0061ta":"evil"`),
		cq(`"id":"q","fr\u006fm":{"id":7},` + msg + `,"data":"x"`),
		cq(`"id":"q","from":{"id":5},` + msg + `,"data":"x","data":"y"`),
		cq(`"id":"q","from":{"id":5,"first_name":"A"},"from":{"id":6},` + msg + `,"data":"x"`),
		cq(`"id":"q","from":{"id":5,"first_name":"A"},"from":null,` + msg + `,"data":"x"`),
		cq(`"id":"q","from":{"id":18446744073709551621},` + msg + `,"data":"x"`),
		cq(`"id":"q","from":{"id":9223372036854775808},` + msg + `,"data":"x"`),
		cq(`"id":"q","from":{"id":5e0},` + msg + `,"data":"x"`),
		cq(`"id":"q","from":{"id":5.0},` + msg + `,"data":"x"`),
		cq(`"id":"q","from":{"id":-0},` + msg + `,"data":"x"`),
		cq(`"id":"q","from":{"id":05},` + msg + `,"data":"x"`),
		cq(`"id":"q","from":{"id":"5"},` + msg + `,"data":"x"`),
		cq(`"id":"q","from":{"id":5},` + msg + `,"data":"x\xff"`),
		cq(`"id":"q","from":{"id":5},` + msg + `,"data":"x\ud800"`),
		cq(`"id":"q","from":{"id":5},` + msg + `,"data":"x` + "\x01" + `"`),
		cq(`"id":"q","from":{"id":5},` + msg + `,"data":"x","message":null`),
		cq(`"id":"q","from":{"id":5},` + msg + `,"data":"x","message":{"chat":{"id":99}}`),
		cq(`"id":"q","from":{"id":5},"message":{"message_id":1,"date":1,"chat":{"id":5},"chat":{"id":8}},"data":"x"`),
		cq(`"id":"q","from":{"id":5},"message":{"message_id":1,"date":1,"chat":{"id":5},"CHAT":{"id":8}},"data":"x"`),
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},` + msg + `},"callback_query":{"id":"r","data":"z"}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},` + msg + `},"Callback_Query":null}`,
		`{"update_id":5,"update_id":0}`,
		`{"Update_ID":5,"callback_query":{"id":"q","from":{"id":5},` + msg + `}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},` + msg + `,"data":"x"}}` + "\x00",
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},` + msg + `,"data":"x"}}{}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},` + msg + `,"data":"x"},}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},` + msg + `,"data":"x",}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},` + msg + `,"data":"x","zz":[1,2,}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},` + msg + `,"data":"x","zz":tru}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},` + msg + `,"data":"x","zz":nul}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},` + msg + `,"data":"x","zz":"\q"}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},` + msg + `,"data":"x","zz":1.}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},` + msg + `,"data":"x","zz":-}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},` + msg + `,"data":"x","zz":01}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},` + msg + `,"data":"x","zz":"a` + "\xff" + `"}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},` + msg + `,"data":"x","z` + "\n" + `z":1}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},` + msg + `,"data":"x","zz":"a` + "\n" + `"}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},` + msg + `,"data":"x","zz":{"a":1,"a"}}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},` + msg + `,"data":"x","zz":{1:2}}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},` + msg + `,"data":"x","zz":[}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},` + msg + `,"data":"x","zz":1e}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},` + msg + `,"data":"x","zz":"\u12"}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},` + msg + `,"data":"x","zz":"\ud800"}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},` + msg + `,"data":"x","zz":+1}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},` + msg + `,"data":"x","zz":NaN}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},` + msg + `,"data":"x","zz":[1 2]}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},` + msg + `,"data":"x","zz":{"a" 1}}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},` + msg + `,"data":"x","zz":{"a":1 "b":2}}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},` + msg + `,"data":"x","zz":True}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5} ` + msg + `,"data":"x"}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},` + msg + `,"data":"x","zz":"\/"}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},` + msg + `,"data":"x","zz":1E+2}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},` + msg + `,"data":"x","zz":[[[[]]]]}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5,"is_bot":"yes"},` + msg + `,"data":"x"}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},"message":{"message_id":1,"date":1,"chat":{"id":5,"type":7}},"data":"x"}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},"message":{"message_id":1,"date":1,"chat":{"id":5,"first_name":"A\ud83d\ude00"}},"data":"x"}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},"message":{"message_id":1,"date":1,"chat":{"id":5}},"data":"x"}}` + " \t\r\n",
		"\xef\xbb\xbf" + `{"update_id":5}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},"message":{"message_id":1,"date":1,"chat":{"id":5}},"data":"x","zz":"\u0000"}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},"message":{"message_id":1,"date":1,"chat":{"id":5}},"data":"x","zz":"` + "\x7f" + `"}}`,
		`{"update_id":5,"callback_query":{"id":"q","from":{"id":5},"message":{"message_id":1,"date":1,"chat":{"id":5}},"data":"x","zz":"` + "\xc0\x80" + `"}}`,
	}
	for i, c := range cases {
		var a, b pressProbe
		ea := json.Unmarshal([]byte(c), &a)
		eb := gojson.Unmarshal([]byte(c), &b)
		if (ea == nil) != (eb == nil) || (ea == nil && dump(a) != dump(b)) {
			t.Errorf("case %d %q\n std:   %v %s\n goccy: %v %s", i, c, ea, dump(a), eb, dump(b))
		}
	}
}

func dump(p pressProbe) string {
	b, _ := json.Marshal(p)
	return fmt.Sprintf("%q", b)
}
