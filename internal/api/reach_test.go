package api_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"evalbot/internal/api"
)

// Leftovers 3a: a push for an official outside the key's subtree answered
// 403 while an unknown code answered 422, so a key could learn which
// employee codes exist elsewhere (and which unit codes, by the results).
// Both now answer alike: 422 no_official for a person, 404 not_found for a
// unit, with the same title and detail.
func TestOutsideTheSubtreeAnswersAsUnknown(t *testing.T) {
	w := newWorld(t)
	outside, unknown := push("GV-7"), push("GV-8")
	outside["employee_code"] = "HB012" // PHB-KT: exists, outside the culture office's PHB-VH
	unknown["employee_code"] = "HB999" // exists nowhere
	for _, lang := range []string{"vi", "en"} {
		a := w.do("POST", "/api/v1/assignments", w.vh, outside, true, "Accept-Language", lang)
		b := w.do("POST", "/api/v1/assignments", w.vh, unknown, true, "Accept-Language", lang)
		pa, pb := a.problem(t), b.problem(t)
		if a.status != http.StatusUnprocessableEntity || pa.Type != api.ProblemType("no_official") ||
			a.status != b.status || pa.Type != pb.Type || pa.Title != pb.Title || pa.Detail != pb.Detail {
			t.Errorf("%s: outside %d %+v; unknown %d %+v: want both 422 no_official alike", lang, a.status, pa, b.status, pb)
		}
		a = w.do("GET", "/api/v1/units/PHB-KT/results?period=2026-11", w.vh, nil, true, "Accept-Language", lang)
		b = w.do("GET", "/api/v1/units/PHB-XX/results?period=2026-11", w.vh, nil, true, "Accept-Language", lang)
		pa, pb = a.problem(t), b.problem(t)
		if a.status != http.StatusNotFound || pa.Type != api.ProblemType("not_found") ||
			a.status != b.status || pa.Title != pb.Title || pa.Detail != pb.Detail {
			t.Errorf("%s: results outside %d %+v; unknown %d %+v: want both 404 not_found alike", lang, a.status, pa, b.status, pb)
		}
	}
	if n := w.count(`SELECT count(*) FROM assignments`); n != 0 {
		t.Errorf("%d assignments stored", n)
	}
}

// Leftovers 3b: a second system whose key covers the same people could read
// and mark done the first system's tasks. A task is now seen and reported
// only through its own system's keys (assignments.system, from the key's
// row): another system's key gets 404 by id as by source id, as for a task
// that does not exist, and nothing changes.
func TestAnotherSystemCannotReadOrReportATask(t *testing.T) {
	w := newWorld(t)
	r := w.do("POST", "/api/v1/assignments", w.ward, push("VB-2026-00123"), true) // HB017, PHB-VH: both keys cover them
	if r.status != http.StatusCreated {
		t.Fatalf("push: %d %s", r.status, r.body)
	}
	var a assignment
	r.decode(t, &a)
	id := strconv.FormatInt(a.ID, 10)
	done := map[string]any{"done_on": "2026-12-07", "document": "130/BC-VHXH"}
	other, _ := w.key("Phần mềm điều hành PHB", "PHB") // a second system over the whole ward
	for _, key := range []string{w.vh, other} {
		for _, c := range []struct {
			method, path string
			body         any
		}{
			{"GET", "/api/v1/assignments/" + id, nil},
			{"POST", "/api/v1/assignments/" + id + "/done", done},
			{"GET", "/api/v1/by-source/" + url.PathEscape("VB-2026-00123"), nil},
			{"POST", "/api/v1/by-source/" + url.PathEscape("VB-2026-00123") + "/done", done},
		} {
			r := w.do(c.method, c.path, key, c.body, true)
			if p := r.problem(t); r.status != http.StatusNotFound || p.Type != api.ProblemType("not_found") {
				t.Errorf("%s %s with another system's key: %d %+v", c.method, c.path, r.status, p)
			}
		}
	}
	if n := w.count(`SELECT count(*) FROM assignments WHERE done_on IS NOT NULL`); n != 0 {
		t.Errorf("another system marked the task done")
	}
	if r := w.do("GET", "/api/v1/assignments/"+id, w.ward, nil, true); r.status != http.StatusOK {
		t.Errorf("its own system: %d %s", r.status, r.body)
	}
	if r := w.do("POST", "/api/v1/assignments/"+id+"/done", w.ward, done, true); r.status != http.StatusOK {
		t.Errorf("its own system reports it done: %d %s", r.status, r.body)
	}
}
