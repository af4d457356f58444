package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"evalbot/internal/calendar"
	"evalbot/internal/citizen"
)

// TestDashboardSatisfaction: the dashboard's picture shows the month's
// citizens' satisfaction per unit and per desk, with the ratings verified
// by a per-visit code and the others apart (as /ratings does): see
// rateInNovember; the admin reads November's dashboard in December.
func TestDashboardSatisfaction(t *testing.T) {
	st := newSite(t, ward(t))
	rateInNovember(t, st)
	c := client(t)
	signIn(t, st, c, "HB005")
	_, body, _ := do(t, c, "GET", st.srv.URL+"/", nil)
	for _, want := range []string{
		"Mức độ hài lòng của người dân tháng 11/2026 theo đơn vị",
		"Trung tâm Phục vụ hành chính công — 2 lượt, hài lòng 50%; xác thực 1, chưa xác thực 1",
		"Mức độ hài lòng của người dân tháng 11/2026 theo quầy",
		"Quầy 1 – Tư pháp, hộ tịch (Trung tâm Phục vụ hành chính công) — 2 lượt, hài lòng 50%; xác thực 1, chưa xác thực 1",
		"Rất hài lòng: 1 (50%)", "Không hài lòng: 1 (50%)",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the dashboard lacks %q", want)
		}
	}
	if t.Failed() {
		i := strings.Index(body, "chart-title-2")
		t.Logf("%s", body[max(i, 0):min(len(body), max(i, 0)+3000)])
	}
}

// rateInNovember has two citizens rate desk HCC-Q1 (deskQ1) on 25 November
// 2026: one from the desk's sign (unverified, «rất hài lòng»), the other
// with the official's per-visit code (verified, «không hài lòng»); the
// site's clock is back at now after.
func rateInNovember(t *testing.T, st *site) {
	t.Helper()
	desk, code := deskQ1(t, st.pool)
	nov := time.Date(2026, 11, 25, 9, 0, 0, 0, calendar.Location)
	st.clock = func() time.Time { return nov }
	defer func() { st.clock = func() time.Time { return now } }()
	official := itoa64(*desk.OfficialID)

	sign := client(t)
	do(t, sign, "GET", st.srv.URL+"/r/"+code.Code, nil)
	if s, _, _ := postForm(t, sign, st.srv.URL+"/r/"+code.Code, url.Values{"level": {"0"}, "official": {official}}, sameOrigin); s != http.StatusSeeOther {
		t.Fatalf("the sign's rating: %d", s)
	}
	vc, err := citizen.NewVisitCode(context.Background(), st.pool, *desk.OfficialID, desk.ID, nov)
	if err != nil {
		t.Fatal(err)
	}
	visit := client(t)
	do(t, visit, "GET", st.srv.URL+"/v/"+vc.Code, nil)
	if s, _, _ := postForm(t, visit, st.srv.URL+"/v/"+vc.Code, url.Values{"level": {"3"}, "official": {official}}, sameOrigin); s != http.StatusSeeOther {
		t.Fatalf("the visit's rating: %d", s)
	}
}
