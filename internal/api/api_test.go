package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/api"
	"evalbot/internal/app/apikeys"
	"evalbot/internal/roster"
	"evalbot/internal/signin"
	"evalbot/internal/store"
)

// push is the body of a task pushed to HB017 (Phòng Văn hóa - Xã hội).
func push(source string) map[string]any {
	return map[string]any{"source_id": source, "employee_code": "HB017", "title": "Báo cáo kết quả phong trào văn hóa quý IV",
		"deadline": "2026-12-15", "source_document": "125/QĐ-UBND"}
}

// The served document is the one in docs/api, and a valid OpenAPI 3 document.
func TestOpenAPIDocument(t *testing.T) {
	w := newWorld(t)
	r := w.do("GET", "/api/v1/openapi.json", "", nil, true)
	if r.status != http.StatusOK {
		t.Fatalf("status %d", r.status)
	}
	docs, err := os.ReadFile("../../docs/api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	if string(r.body) != string(docs) {
		t.Errorf("docs/api/openapi.json differs from the served document: copy internal/api/openapi.json there")
	}
	if w.doc.OpenAPI != "3.0.3" || w.doc.Paths.Find("/api/v1/assignments") == nil {
		t.Errorf("document: openapi %q", w.doc.OpenAPI)
	}
}

// Issue 23: «a task pushed twice with the same source id exists once». The
// first push answers 201, the second 200 with the same assignment; the
// person is told once; the same source id with other content is 409 and
// changes nothing. Another system may use the same source id.
func TestPushTwiceIsOneAssignment(t *testing.T) {
	w := newWorld(t)
	first := w.do("POST", "/api/v1/assignments", w.ward, push("VB-2026-00123"), true)
	if first.status != http.StatusCreated {
		t.Fatalf("first push: %d %s", first.status, first.body)
	}
	var a1 assignment
	first.decode(t, &a1)
	if loc := first.header.Get("Location"); loc != "/api/v1/assignments/"+strconv.FormatInt(a1.ID, 10) {
		t.Errorf("Location %q", loc)
	}
	if a1.Status != "assigned" || a1.EmployeeCode != "HB017" || a1.Weight != 1 || a1.Deadline != "2026-12-15" {
		t.Errorf("first push: %+v", a1)
	}
	second := w.do("POST", "/api/v1/assignments", w.ward, push("VB-2026-00123"), true)
	if second.status != http.StatusOK {
		t.Fatalf("second push: %d %s", second.status, second.body)
	}
	var a2 assignment
	second.decode(t, &a2)
	if a2.ID != a1.ID {
		t.Errorf("second push made assignment %d, first %d", a2.ID, a1.ID)
	}
	if n := w.count(`SELECT count(*) FROM assignments WHERE source_id = 'VB-2026-00123'`); n != 1 {
		t.Errorf("%d assignments with the source id, want 1", n)
	}
	if n := w.count(`SELECT count(*) FROM outbox WHERE dedup_key = 'assignment:' || $1::text`, strconv.FormatInt(a1.ID, 10)); n != 0 {
		// HB017 is not on Telegram in this world: nothing to send.
		t.Errorf("%d messages to a person not on Telegram", n)
	}
	other := push("VB-2026-00123")
	other["title"] = "Một việc khác"
	r := w.do("POST", "/api/v1/assignments", w.ward, other, true)
	if p := r.problem(t); r.status != http.StatusConflict || p.Type != api.ProblemType("conflict") {
		t.Errorf("same source id, other content: %d %+v", r.status, p)
	}
	if n := w.count(`SELECT count(*) FROM assignments WHERE title = 'Một việc khác'`); n != 0 {
		t.Errorf("the conflicting push was stored")
	}
	// A rotated key of the same system (same name) sees the same source id;
	// another system's key has its own ids.
	rotated, _ := w.key("HỆ THỐNG QUẢN LÝ VĂN BẢN", "PHB")
	if r := w.do("POST", "/api/v1/assignments", rotated, push("VB-2026-00123"), true); r.status != http.StatusOK {
		t.Errorf("rotated key, same push: %d", r.status)
	}
	if r := w.do("POST", "/api/v1/assignments", w.vh, push("VB-2026-00123"), true); r.status != http.StatusCreated {
		t.Errorf("another system, same source id: %d %s", r.status, r.body)
	}
	// By the source id.
	var got assignment
	r = w.do("GET", "/api/v1/by-source/VB-2026-00123", w.ward, nil, true)
	r.decode(t, &got)
	if r.status != http.StatusOK || got.ID != a1.ID {
		t.Errorf("by source: %d %+v", r.status, got)
	}
}

// Issue 23: «a key of another subtree gets 403», since decision 0024 an
// answer as for what does not exist (422 no_official, 404 not_found): the
// culture office's key may not push to, read, or report on a person of
// PHB-KT, nor read PHB's results; the ward's key may.
func TestKeyOfAnotherSubtreeIsRefused(t *testing.T) {
	w := newWorld(t)
	body := push("GV-7")
	body["employee_code"] = "HB012" // PHB-KT
	r := w.do("POST", "/api/v1/assignments", w.vh, body, true)
	if p := r.problem(t); r.status != http.StatusUnprocessableEntity || p.Type != api.ProblemType("no_official") {
		t.Fatalf("push outside the subtree: %d %+v", r.status, p)
	}
	if n := w.count(`SELECT count(*) FROM assignments`); n != 0 {
		t.Errorf("%d assignments stored", n)
	}
	r = w.do("POST", "/api/v1/assignments", w.ward, body, true)
	if r.status != http.StatusCreated {
		t.Fatalf("ward key: %d %s", r.status, r.body)
	}
	var a assignment
	r.decode(t, &a)
	id := strconv.FormatInt(a.ID, 10)
	for _, c := range []struct{ method, path string }{
		{"GET", "/api/v1/assignments/" + id},
		{"POST", "/api/v1/assignments/" + id + "/done"},
		{"GET", "/api/v1/units/PHB/results?period=2026-11"},
		{"GET", "/api/v1/units/PHB-KT/results?period=2026"},
	} {
		var b any
		if c.method == "POST" {
			b = map[string]any{"done_on": "2026-12-07"}
		}
		r := w.do(c.method, c.path, w.vh, b, true)
		if p := r.problem(t); r.status != http.StatusNotFound || p.Type != api.ProblemType("not_found") {
			t.Errorf("%s %s with the culture office's key: %d %+v", c.method, c.path, r.status, p)
		}
	}
	if r := w.do("GET", "/api/v1/units/PHB-VH/results?period=2026-11", w.vh, nil, true); r.status != http.StatusOK {
		t.Errorf("own subtree's results: %d %s", r.status, r.body)
	}
}

// Issue 23: «a revoked key 401». Also an unknown key, none, and the web's
// session cookie alone (the API never takes it).
func TestRevokedKeyIsUnauthorized(t *testing.T) {
	w := newWorld(t)
	if r := w.do("GET", "/api/v1/units/PHB-VH/results?period=2026-11", w.vh, nil, true); r.status != http.StatusOK {
		t.Fatalf("before revoking: %d", r.status)
	}
	err := store.InTx(context.Background(), w.h.Pool, func(tx pgx.Tx) error {
		_, _, err := apikeys.Revoke(context.Background(), tx, w.vh[:apikeys.PrefixLen])
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	r := w.do("GET", "/api/v1/units/PHB-VH/results?period=2026-11", w.vh, nil, true)
	if p := r.problem(t); r.status != http.StatusUnauthorized || p.Type != api.ProblemType("key_revoked") ||
		!strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("revoked key: %d %+v %v", r.status, p, r.header)
	}
	r = w.do("POST", "/api/v1/assignments", w.vh, push("X-1"), true)
	if r.status != http.StatusUnauthorized {
		t.Errorf("revoked key pushing: %d", r.status)
	}
	for _, key := range []string{"", "evk_" + strings.Repeat("A", 43), "not-a-key"} {
		r := w.do("GET", "/api/v1/units/PHB/results?period=2026-11", key, nil, true)
		if p := r.problem(t); r.status != http.StatusUnauthorized || p.Type != api.ProblemType("unauthorized") {
			t.Errorf("key %q: %d %+v", key, r.status, p)
		}
	}
	// A real web session of the ward's chairman (who sees the whole ward on
	// the web) does not open the API: it reads no cookie.
	o := w.count(`SELECT id FROM officials WHERE employee_code = 'HB001'`)
	token, _, err := signin.Issue(context.Background(), w.h.Pool, int64(o), time.Hour, start)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := signin.SignIn(context.Background(), w.h.Pool, token, start)
	if err != nil {
		t.Fatal(err)
	}
	r = w.do("GET", "/api/v1/units/PHB/results?period=2026-11", "", nil, true, "Cookie", "evalbot_session="+sess.ID)
	if r.status != http.StatusUnauthorized {
		t.Errorf("a web session alone: %d", r.status)
	}
	if n := w.count(`SELECT count(*) FROM api_calls WHERE status = 401`); n < 5 {
		t.Errorf("%d refused calls recorded, want every one", n)
	}
}

// Issue 23: a bad body gets a problem+json 400 in Vietnamese by default,
// in English with Accept-Language: en; a missing field names the field.
func TestBadBodyIsAProblemInTheCallersLanguage(t *testing.T) {
	w := newWorld(t)
	r := w.do("POST", "/api/v1/assignments", w.ward, `{"source_id": "VB-1", "employee_code": `, false)
	p := r.problem(t)
	if r.status != http.StatusBadRequest || p.Type != api.ProblemType("invalid_body") || p.Title != "Nội dung yêu cầu không hợp lệ" ||
		p.Instance != "/api/v1/assignments" || r.header.Get("Content-Language") != "vi" {
		t.Errorf("vi: %d %+v", r.status, p)
	}
	r = w.do("POST", "/api/v1/assignments", w.ward, `{"source_id": "VB-1", "employee_code": `, false, "Accept-Language", "en-US,en;q=0.9")
	if p := r.problem(t); p.Title != "Invalid request body" || r.header.Get("Content-Language") != "en" {
		t.Errorf("en: %+v", p)
	}
	r = w.do("POST", "/api/v1/assignments", w.ward, map[string]any{"source_id": "VB-1", "employee_code": "HB017", "whom": "x"}, false)
	if p := r.problem(t); r.status != http.StatusBadRequest || p.Type != api.ProblemType("invalid_body") {
		t.Errorf("unknown field: %d %+v", r.status, p)
	}
	r = w.do("POST", "/api/v1/assignments", w.ward, map[string]any{"source_id": "VB-1", "employee_code": "HB017"}, true)
	p = r.problem(t)
	if r.status != http.StatusBadRequest || p.Type != api.ProblemType("invalid_field") || len(p.Errors) != 1 ||
		p.Errors[0].Field != "title" || p.Errors[0].Code != "required" || p.Detail != "Trường «title» là bắt buộc." {
		t.Errorf("no title: %d %+v", r.status, p)
	}
	r = w.do("POST", "/api/v1/assignments", w.ward, map[string]any{"source_id": "VB-1", "employee_code": "HB017", "title": "x",
		"deadline": "15/12/2026"}, false, "Accept-Language", "en")
	if p := r.problem(t); r.status != http.StatusBadRequest || len(p.Errors) != 1 || p.Errors[0].Field != "deadline" ||
		p.Detail != "The field «deadline» must be a date written YYYY-MM-DD, e.g. 2026-12-15." {
		t.Errorf("bad deadline: %d %+v", r.status, p)
	}
	r = w.do("POST", "/api/v1/assignments", w.ward, map[string]any{"source_id": "VB-1", "employee_code": "HB999", "title": "x"}, true)
	if p := r.problem(t); r.status != http.StatusUnprocessableEntity || p.Type != api.ProblemType("no_official") {
		t.Errorf("unknown employee: %d %+v", r.status, p)
	}
	r = w.do("GET", "/api/v1/units/PHB/results?period=2026-13", w.ward, nil, false)
	if p := r.problem(t); r.status != http.StatusBadRequest || p.Type != api.ProblemType("invalid_period") {
		t.Errorf("month 13: %d %+v", r.status, p)
	}
	if n := w.count(`SELECT count(*) FROM assignments`); n != 0 {
		t.Errorf("%d assignments after bad bodies", n)
	}
}

// Over the key's rate: 429 with Retry-After, as a problem; other keys are
// not held back; a second later the key may call again. The clock is the
// harness's, which stands still unless moved.
func TestRateLimitPerKey(t *testing.T) {
	w := newWorld(t)
	for i := range api.DefaultBurst {
		if r := w.do("GET", "/api/v1/units/PHB-VH/results?period=2026-11", w.vh, nil, true); r.status != http.StatusOK {
			t.Fatalf("call %d of the burst: %d", i+1, r.status)
		}
	}
	r := w.do("GET", "/api/v1/units/PHB-VH/results?period=2026-11", w.vh, nil, true, "Accept-Language", "en")
	if p := r.problem(t); r.status != http.StatusTooManyRequests || p.Type != api.ProblemType("rate_limited") ||
		r.header.Get("Retry-After") != "1" || p.Detail != "This API key is over its rate limit. Try again after Retry-After: 1 s." {
		t.Fatalf("over the burst: %d %+v %v", r.status, p, r.header)
	}
	if r := w.do("GET", "/api/v1/units/PHB/results?period=2026-11", w.ward, nil, true); r.status != http.StatusOK {
		t.Errorf("another key: %d", r.status)
	}
	w.h.Clock.Set(start.Add(time.Second))
	if r := w.do("GET", "/api/v1/units/PHB-VH/results?period=2026-11", w.vh, nil, true); r.status != http.StatusOK {
		t.Errorf("a second later: %d", r.status)
	}
}

// A task system's POST carries no Origin, or a foreign one: the web's
// cross-origin protection (made for cookies) does not stand in the way.
func TestCrossOriginProtectionLeavesTheAPIAlone(t *testing.T) {
	w := newWorld(t)
	r := w.do("POST", "/api/v1/assignments", w.ward, push("VB-9"), true, "Origin", "https://vanban.hanoi.gov.vn", "Sec-Fetch-Site", "cross-site")
	if r.status != http.StatusCreated {
		t.Errorf("cross-site POST: %d %s", r.status, r.body)
	}
}

// A system that retries at once (a timeout, two workers) pushes the same
// task eight times together: one assignment, one 201, the others 200 with it.
func TestConcurrentPushesAreOne(t *testing.T) {
	w := newWorld(t)
	body, err := json.Marshal(push("VB-RACE"))
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		status int
		a      assignment
	}
	out := make(chan result, 8)
	start := make(chan struct{})
	for range 8 {
		go func() {
			<-start
			req, _ := http.NewRequest("POST", w.srv.URL+"/api/v1/assignments", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+w.ward)
			resp, err := w.srv.Client().Do(req)
			if err != nil {
				out <- result{}
				return
			}
			defer resp.Body.Close()
			var a assignment
			json.NewDecoder(resp.Body).Decode(&a)
			out <- result{resp.StatusCode, a}
		}()
	}
	close(start)
	created, ids := 0, map[int64]bool{}
	for range 8 {
		r := <-out
		switch r.status {
		case http.StatusCreated:
			created++
		case http.StatusOK:
		default:
			t.Errorf("status %d", r.status)
		}
		ids[r.a.ID] = true
	}
	if created != 1 || len(ids) != 1 {
		t.Errorf("%d created, ids %v", created, ids)
	}
	if n := w.count(`SELECT count(*) FROM assignments WHERE source_id = 'VB-RACE'`); n != 1 {
		t.Errorf("%d assignments", n)
	}
}

// Another method on an API path is a 405 problem with Allow; an unknown
// path under /api/v1 is a 404 problem.
func TestWrongMethodAndPath(t *testing.T) {
	w := newWorld(t)
	req, _ := http.NewRequest("DELETE", w.srv.URL+"/api/v1/assignments/1", nil)
	req.Header.Set("Authorization", "Bearer "+w.ward)
	req.Header.Set("Accept-Language", "en")
	resp, err := w.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var p api.Problem
	json.NewDecoder(resp.Body).Decode(&p)
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET" ||
		resp.Header.Get("Content-Type") != "application/problem+json" || p.Detail != "This address takes only GET." {
		t.Errorf("DELETE: %d %v %+v", resp.StatusCode, resp.Header, p)
	}
	req, _ = http.NewRequest("GET", w.srv.URL+"/api/v1/nothing", nil)
	req.Header.Set("Authorization", "Bearer "+w.ward)
	resp, err = w.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("unknown path: %d %v", resp.StatusCode, resp.Header)
	}
}

// A task from the agency's catalogue: its code and quantity give the title
// and the weight (quantity × factor, Decree 335); a code the person may not
// use is a 422 problem naming the field.
func TestPushFromTheCatalogue(t *testing.T) {
	w := newWorld(t)
	f, err := os.Open("../demo/roster/catalogue.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, errs, err := roster.ReadCatalogue(f, "catalogue.csv")
	if err != nil || len(errs) > 0 {
		t.Fatal(err, errs)
	}
	if _, err := roster.ImportCatalogue(context.Background(), w.h.Pool, "PHB", rows, roster.Options{}); err != nil {
		t.Fatal(err)
	}
	// HB013 is «Chuyên viên xây dựng - đô thị»: TD01 (1.5 a file) is theirs.
	r := w.do("POST", "/api/v1/assignments", w.ward, map[string]any{"source_id": "GV-TD01", "employee_code": "HB013",
		"catalogue_code": "td01", "quantity": 3, "deadline": "2026-12-18"}, true)
	var a assignment
	r.decode(t, &a)
	if r.status != http.StatusCreated || a.Title != "Thẩm định hồ sơ cấp phép xây dựng" || a.Weight != 4.5 {
		t.Errorf("catalogue task: %d %s", r.status, r.body)
	}
	r = w.do("POST", "/api/v1/assignments", w.ward, map[string]any{"source_id": "GV-DC01", "employee_code": "HB013",
		"catalogue_code": "DC01", "quantity": 1}, true)
	if p := r.problem(t); r.status != http.StatusUnprocessableEntity || p.Type != api.ProblemType("catalogue") ||
		len(p.Errors) != 1 || p.Errors[0].Field != "catalogue_code" || p.Errors[0].Code != "item_not_for_you" {
		t.Errorf("an item not for them: %d %+v", r.status, p)
	}
	r = w.do("POST", "/api/v1/assignments", w.ward, map[string]any{"source_id": "GV-TD01-0", "employee_code": "HB013",
		"catalogue_code": "TD01", "quantity": 0}, false)
	if p := r.problem(t); r.status != http.StatusBadRequest || len(p.Errors) != 1 || p.Errors[0].Field != "quantity" {
		t.Errorf("quantity 0: %d %+v", r.status, p)
	}
}
