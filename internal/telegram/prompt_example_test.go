package telegram_test

import (
	"regexp"
	"strings"
	"testing"
)

// Regression: the plan prompts' example was «Soạn báo cáo | 27/11 | 2» for
// every week, a deadline the parser now refuses outside the week being
// planned. Typed as shown, the example of each prompt (weekly and monthly)
// must become a draft with its Submit button.
func TestPlanPromptExampleIsAccepted(t *testing.T) {
	h, ps, _ := bk(t, at(2026, 12, 1, 7))
	A := ps["A"]
	code := regexp.MustCompile(`<code>(.*?)</code>`)
	for _, when := range []struct {
		hour  int
		day   int
		title string
	}{{8, 1, "tháng 12/2026"}, {8, 7, "tuần 07/12"}} {
		must(t, h.At(at(2026, 12, when.day, when.hour)))
		m, ok := findMsg(A.User.Messages(), "Mời anh/chị đăng ký", when.title)
		if !ok {
			t.Fatalf("no plan prompt for %s", when.title)
		}
		ex := code.FindStringSubmatch(m.Source)
		if ex == nil {
			t.Fatalf("prompt without an example: %q", m.Text)
		}
		must(t, h.TapOn(A, m, "📝 Nhập kế hoạch"))
		must(t, h.Say(A, ex[1]))
		if last := lastText(A); !strings.Contains(last, "Gửi duyệt") {
			t.Errorf("%s: the prompt's own example %q was refused: %q", when.title, ex[1], last)
		}
	}
}
