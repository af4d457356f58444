package telegram_test

import (
	"strings"
	"testing"
)

// The confirmation of /publish answers with a toast that says what was
// published; it answered with the id of a message removed from locales/
// («DoneToast»), rendered as nothing a person can read.
func TestPublishConfirmToastSaysWhatWasPublished(t *testing.T) {
	h, ps, _ := bk(t, at(2026, 11, 30, 8))
	H, A := ps["H"], ps["A"]
	must(t, h.At(at(2026, 11, 30, 9)))
	must(t, h.Tap(A, "📨 Gửi đánh giá"))
	approveWithScore(t, h, H, A, "60")
	h.Clock.Set(at(2026, 12, 7, 7)) // the publication day of November
	must(t, h.Command(H, "/publish"))
	must(t, h.Tap(H, "📢 Công khai tháng 11/2026"))
	if got := lastAnswer(H); !strings.Contains(got, "Đã công khai") || !strings.Contains(got, "11/2026") || strings.Contains(got, "Toast") {
		t.Errorf("the toast of /publish's confirmation: %q; want it to say that November 2026 is published", got)
	}
	checkAnswers(t, h)
}
