package web_test

import (
	"strings"
	"testing"
)

// TestPointsInTheReadersLanguage: a unit's page wrote a Vietnamese reader's
// points as "90.00" (issue 24: "older web pages show points as 90.00 in
// Vietnamese (the board uses 90,00)"); every page now writes them as the
// chat's cards do (locale.Points): 90,00 in Vietnamese, 90.00 in English.
func TestPointsInTheReadersLanguage(t *testing.T) {
	st := newSite(t, ward(t))
	c := client(t)
	signIn(t, st, c, "HB005")
	// Đặng Văn Long (HB010) has 90 points approved in ward's November.
	status, body, _ := do(t, c, "GET", st.srv.URL+"/units/PHB-KT", nil)
	if status != 200 || !strings.Contains(body, "Đặng Văn Long") {
		t.Fatalf("unit page: %d\n%s", status, body)
	}
	if strings.Contains(body, "90.00") || !strings.Contains(body, ">90,00<") {
		t.Fatalf("a Vietnamese page must write 90,00, not 90.00:\n%s", body)
	}
	if _, body, _ = do(t, c, "GET", st.srv.URL+"/units/PHB-KT?lang=en", nil); strings.Contains(body, "90,00") || !strings.Contains(body, ">90.00<") {
		t.Fatalf("an English page writes 90.00:\n%s", body)
	}
}
