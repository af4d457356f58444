package botapitest

import (
	"reflect"
	"strings"
	"testing"
)

// TestCallbackKeyboardAgreesWithFieldByField checks the typed fast path of
// parseMarkup against the field-by-field one: the same buttons and the same
// echo (which decides "message is not modified"), and no fast path for what
// it cannot judge.
func TestCallbackKeyboardAgreesWithFieldByField(t *testing.T) {
	fast := `{"inline_keyboard":[[{"text":"Điểm <5> & \"x\"","callback_data":"sc:1:2:5"},{"text":"b","callback_data":"b"}],[],[{"text":"c","callback_data":"c"}]]}`
	// go-telegram/bot's buttons carry an empty copy_text: the slow path.
	slow := `{"inline_keyboard":[[{"text":"Điểm <5> & \"x\"","callback_data":"sc:1:2:5","copy_text":{"text":""}},{"text":"b","callback_data":"b","pay":false}],[],[{"callback_data":"c","text":"c","url":null}]]}`
	if _, ok := callbackKeyboard(slow); ok {
		t.Fatal("the fast path took a keyboard with other fields")
	}
	a, err1 := parseMarkup(fast)
	b, err2 := parseMarkup(slow)
	if err1 != nil || err2 != nil {
		t.Fatalf("parseMarkup: %v, %v", err1, err2)
	}
	if a.inlineJS != b.inlineJS || !reflect.DeepEqual(a.inline, b.inline) || a.kind != markupInline {
		t.Fatalf("fast %s %+v\nslow %s %+v", a.inlineJS, a.inline, b.inlineJS, b.inline)
	}
	for _, bad := range []string{
		`{"inline_keyboard":[[{"text":"","callback_data":"a"}]]}`,
		`{"inline_keyboard":[[{"text":"a","callback_data":""}]]}`,
		`{"inline_keyboard":[[{"text":"a"}]]}`,
		`{"inline_keyboard":[[{"text":1,"callback_data":"a"}]]}`,
		`{"inline_keyboard":[[{"text":"a","callback_data":"` + strings.Repeat("x", 65) + `"}]]}`,
		`{"inline_keyboard":[[]]}`,
		`{"keyboard":[["a"]]}`,
	} {
		if _, ok := callbackKeyboard(bad); ok {
			t.Errorf("fast path took %q", bad)
		}
	}
	if _, err := parseMarkup(`{"inline_keyboard":[[{"text":"a","callback_data":"` + strings.Repeat("x", 65) + `"}]]}`); err == nil || !strings.HasSuffix(err.desc, "BUTTON_DATA_INVALID") {
		t.Errorf("65-byte callback_data: %v", err)
	}
}
