package telegram_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"evalbot/internal/evaluation"
	"evalbot/internal/sim"
)

// Forged callback data from an ordinary official (C) and from the head (H)
// over every verb: nothing of another person's changes, nothing crashes, and
// every query is answered exactly once.
func TestBreakForgedCallbacks(t *testing.T) {
	h, ps, pool := bk(t, at(2026, 11, 23, 8))
	ctx := context.Background()
	S, H, A, B, C := ps["S"], ps["H"], ps["A"], ps["B"], ps["C"]
	submitPlan(t, h, A, "Việc một\nViệc hai")
	planMsg, _ := findMsg(H.User.Messages(), A.Name)
	must(t, h.TapOn(H, planMsg, "✅ Duyệt"))
	submitPlan(t, h, C, "Việc của C")
	must(t, h.At(at(2026, 11, 30, 9)))
	must(t, h.Tap(A, "📨 Gửi đánh giá"))
	asA, err := evaluation.FindAssessment(ctx, pool, A.ID, nov)
	must(t, err)
	asB, err := evaluation.FindAssessment(ctx, pool, B.ID, nov)
	must(t, err)
	tasks, err := evaluation.MonthTasks(ctx, pool, A.ID, nov)
	must(t, err)
	var planA, planC int64
	must(t, pool.QueryRow(ctx, `SELECT id FROM plans WHERE official_id=$1`, A.ID).Scan(&planA))
	must(t, pool.QueryRow(ctx, `SELECT id FROM plans WHERE official_id=$1`, C.ID).Scan(&planC))
	a, b, tk := b36(asA.ID), b36(asB.ID), b36(tasks[0].ID)
	va, vb := itoa(asA.Version), itoa(asB.Version)
	pa, pc := b36(planA), b36(planC)
	datas := []string{
		"", ":", "::::", "ra", "ra:", "ra:-1:0", "ra:" + a, "ra:" + a + ":" + va + ":extra", "ra:zzzzzzzzzzzzzzzzzzzzz:0",
		"ra:1.5:0", "ra:" + a + ":-" + va, strings.Repeat("x", 64), strings.Repeat("x", 65), "ra:" + a + ":" + strings.Repeat("0", 60),
		"ra:" + a + ":" + va, "rj:" + a, "rr:" + a + ":" + va, "hc:" + a + ":0:0", "hc:" + a + ":99:1", "hb:" + a + ":a",
		"ht:" + tk + ":n:" + a, "ht:" + tk + ":x:" + a, "hv:" + a + ":r", "hv:" + a + ":t", "hv:" + a + ":zz", "hm:" + a,
		"qd:" + a + ":" + a + ":" + va, "ov:" + a, "ao:" + b36(A.ID) + ":2026-11", "ao:" + b36(A.ID) + ":garbage",
		"sc:" + b + ":0:0", "sb:" + b + ":5", "sv:" + b + ":m", "ss:" + b + ":" + vb, "sc:" + a + ":0:0",
		"tm:" + tk + ":n:a", "tm:" + tk + ":n:w", "tm:" + tk + ":q:w", "rd:" + pa,
		"pa:" + pc + ":2", "pr:" + pc + ":2", "ps:" + pa + ":1", "pe:" + pa + ":1", "pc:" + pa + ":1",
		"dg:" + b36(A.ID) + ":7", "dg:" + b36(A.ID) + ":0", "rc:1:a", "rc:1:k", "sp:zzzzzzzzzzzz", "sp:-1", "sm:2026-11:0", "sm:bad",
		"aa:deadbeef:1", "ax:deadbeef", "aa", "lg:fr", "lg", "no", "no:", "no:c", "no:cpolitics", "pn:w:2026-13-45", "pn:x:2026-11-30",
		"pn:m", "zz:1:2", "ra::", "ÿ:ÿ",
		// "ra:\x00:\x00" is left out: Telegram never delivers a NUL in callback data (it comes from our own buttons); see the note on issue 5 about one undecodable update stalling long polling.
	}
	snap := func() string {
		var s string
		must(t, pool.QueryRow(ctx, `SELECT string_agg(id||status||version||coalesce(total,0)||coalesce(self_criteria::text,'')||coalesce(criteria::text,''), ',' ORDER BY id) FROM assessments`).Scan(&s))
		var s2 string
		must(t, pool.QueryRow(ctx, `SELECT string_agg(p.id||p.status||p.version||t.status||t.delays, ',' ORDER BY t.id) FROM tasks t JOIN plans p ON p.id=t.plan_id`).Scan(&s2))
		var s3 int
		must(t, pool.QueryRow(ctx, `SELECT count(*) FROM delegations`).Scan(&s3))
		return s + "|" + s2 + "|" + fmt.Sprint(s3)
	}
	m := A.User.Last() // any message in A's chat: C presses "through" it (forwarded)
	for _, who := range []*sim.Person{C, S} {
		before := snap()
		for _, d := range datas {
			if len(d) > 64 || d == "" {
				// Telegram would never deliver these, but be robust anyway.
			}
			if err := h.Wait(who.User.PressData(m, d)); err != nil {
				t.Fatalf("pressing %q: %v", d, err)
			}
			if ans := bkLastAnswer(who); strings.Contains(ans, "sự cố") || strings.Contains(ans, "went wrong") {
				t.Errorf("%s pressing %q: internal error %q", who.Code, d, ans)
			}
		}
		if after := snap(); after != before {
			t.Errorf("%s's forged presses changed state:\nbefore %s\nafter  %s", who.Code, before, after)
		}
	}
	// The head: forged data on their own reviewee must not crash either.
	for _, d := range datas {
		must(t, h.Wait(H.User.PressData(m, d)))
		if ans := bkLastAnswer(H); strings.Contains(ans, "sự cố") {
			t.Errorf("H pressing %q: internal error %q", d, ans)
		}
	}
	if rej := rejected(h); len(rej) > 0 {
		t.Errorf("rejected bot calls: %v", rej)
	}
	checkAnswers(t, h)
}
