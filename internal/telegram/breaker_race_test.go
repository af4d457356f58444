package telegram_test

import (
	"context"
	"math/big"
	"strings"
	"testing"

	"evalbot/internal/evaluation"
	"evalbot/internal/sim"
)

// Two approvals pressed at the same moment (two cards, or the head and a
// deputy) both read the unit's A count before either commits: the unit
// ends with more A than the quota allows (30% of 4 people = 1).
func TestBreakQuotaRaceTwoApprovalsAtOnce(t *testing.T) {
	worst := 0
	for run := 0; run < 3 && worst <= 1; run++ {
		h, ps, pool := bk(t, at(2026, 11, 30, 8))
		ctx := context.Background()
		H, A, B := ps["H"], ps["A"], ps["B"]
		must(t, h.At(at(2026, 11, 30, 9)))
		must(t, h.Tap(A, "📨 Gửi đánh giá"))
		must(t, h.Tap(B, "📨 Submit assessment"))
		var cards []sim.Message
		for _, p := range []*sim.Person{A, B} {
			card, _ := findMsg(H.User.Messages(), p.Name, "Đánh giá tháng")
			must(t, h.TapOn(H, card, "✏️ Điều chỉnh"))
			must(t, h.Tap(H, "✍️ Nhập điểm nhiệm vụ"))
			must(t, h.Say(H, "70"))
			m, ok := findMsg(H.User.Messages(), "Điều chỉnh — "+p.Name)
			if !ok {
				t.Fatal("no adjust view")
			}
			cards = append(cards, m)
		}
		id1, err1 := H.User.Press(cards[0], "✅ Duyệt theo điều chỉnh")
		id2, err2 := H.User.Press(cards[1], "✅ Duyệt theo điều chỉnh")
		must(t, err1)
		must(t, err2)
		must(t, h.Wait(id1))
		must(t, h.Wait(id2))
		var nA int
		must(t, pool.QueryRow(ctx, `SELECT count(*) FROM assessments WHERE grade='A' AND status='approved'`).Scan(&nA))
		t.Logf("run %d: %d approved A; answers %q / %q", run, nA, H.User.Answers()[len(H.User.Answers())-2].Text, bkLastAnswer(H))
		worst = max(worst, nA)
	}
	if worst > 1 {
		t.Errorf("unit has %d grade A after simultaneous approvals; the quota allows 1 and the head was never asked", worst)
	}
}

// The point value in callback data is multiplied by 100 without an overflow
// check: a forged value wraps to any multiple of 0.04 points, so an
// official sets a criterion to 4.96 (or a bonus to 9.96) — values the
// buttons can't produce.
func TestBreakPointsOverflowInCallback(t *testing.T) {
	h, ps, pool := bk(t, at(2026, 11, 30, 8))
	ctx := context.Background()
	A := ps["A"]
	must(t, h.At(at(2026, 11, 30, 9)))
	as, err := evaluation.FindAssessment(ctx, pool, A.ID, nov)
	must(t, err)
	// p with p*100 ≡ 496 (mod 2^64), p < 2^63.
	mod := new(big.Int).Lsh(big.NewInt(1), 62)
	inv := new(big.Int).ModInverse(big.NewInt(25), mod)
	p := new(big.Int).Mod(new(big.Int).Mul(inv, big.NewInt(124)), mod)
	data := "sc:" + b36(as.ID) + ":0:" + p.Text(36)
	t.Logf("forged %q (%d bytes)", data, len(data))
	m, _ := sim.FindButton(A.User.Messages(), "📨 Gửi đánh giá")
	must(t, h.Wait(A.User.PressData(m, data)))
	as, err = evaluation.FindAssessment(ctx, pool, A.ID, nov)
	must(t, err)
	for k, v := range as.SelfCriteria {
		if v%100 != 0 {
			t.Errorf("criterion %s = %v points via forged %q: card now shows %q", k, v, data, firstLine(lastText(A), "1."))
		}
	}
}

func firstLine(s, prefix string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}
