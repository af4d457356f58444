package telegram_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strconv"
	"strings"
	"testing"

	"evalbot/internal/locale"
	"evalbot/internal/pgtest"
	"evalbot/internal/sim"
)

// goneWorld presses buttons as Telegram delivers a press on a message the
// bot can no longer see: the callback query's message is an
// InaccessibleMessage (chat, message_id, date 0).
type goneWorld struct {
	t       *testing.T
	h       *sim.Harness
	logs    *syncBuffer
	generic []string // ErrorGeneric in every language
	verbs   map[string]int
}

func newGoneWorld(t *testing.T, h *sim.Harness, logs *syncBuffer) *goneWorld {
	cat, err := locale.Load()
	must(t, err)
	return &goneWorld{t: t, h: h, logs: logs, verbs: map[string]int{},
		generic: []string{cat.T("vi", "ErrorGeneric", nil), cat.T("en", "ErrorGeneric", nil)}}
}

// press sends data from p on m, inaccessible, and checks the person got a
// sensible answer: not «đang gặp sự cố», and nothing failed in the log.
func (g *goneWorld) press(p *sim.Person, m sim.Message, data string) {
	g.t.Helper()
	verb, _, _ := strings.Cut(data, ":")
	g.verbs[verb]++
	before := len(p.User.Answers())
	must(g.t, g.h.Wait(p.User.PressInaccessible(m, data)))
	as := p.User.Answers()
	if len(as) != before+1 {
		g.t.Fatalf("%s: press %q on an inaccessible message got %d answers", p.Code, data, len(as)-before)
	}
	for _, gen := range g.generic {
		if as[len(as)-1].Text == gen {
			g.t.Fatalf("%s: press %q on an inaccessible message answered %q", p.Code, data, gen)
		}
	}
	g.checkLog(data)
}

func (g *goneWorld) checkLog(what string) {
	g.t.Helper()
	if l := g.logs.String(); strings.Contains(l, "panic") || strings.Contains(l, "update failed") {
		g.t.Fatalf("after %q the log says:\n%s", what, l)
	}
}

// tap presses the button labelled label (or starting with it) on p's newest
// message that has it.
func (g *goneWorld) tap(p *sim.Person, label string) {
	g.t.Helper()
	ms := p.User.Messages()
	for i := len(ms) - 1; i >= 0; i-- {
		for _, row := range ms[i].Keyboard {
			for _, b := range row {
				if b.Data != "" && (b.Text == label || strings.HasPrefix(b.Text, label)) {
					g.press(p, ms[i], b.Data)
					return
				}
			}
		}
	}
	g.t.Fatalf("%s: no button %q; last message %q", p.Code, label, lastText(p))
}

// verb presses the newest button of p whose data starts with verb and ends
// with suffix.
func (g *goneWorld) verb(p *sim.Person, verb, suffix string) {
	g.t.Helper()
	ms := p.User.Messages()
	for i := len(ms) - 1; i >= 0; i-- {
		for _, row := range ms[i].Keyboard {
			for _, b := range row {
				if (b.Data == verb || strings.HasPrefix(b.Data, verb+":")) && strings.HasSuffix(b.Data, suffix) {
					g.press(p, ms[i], b.Data)
					return
				}
			}
		}
	}
	g.t.Fatalf("%s: no button %s…%s; last message %q", p.Code, verb, suffix, lastText(p))
}

// say sends text as p and checks nothing failed.
func (g *goneWorld) say(p *sim.Person, text string) {
	g.t.Helper()
	must(g.t, g.h.Say(p, text))
	for _, gen := range g.generic {
		if lastText(p) == gen {
			g.t.Fatalf("%s said %q: %q", p.Code, text, gen)
		}
	}
	g.checkLog(text)
}

// codecVerbs lists every callback verb the package declares (the v…
// string constants of codec.go and citizenchat/citizen.go).
func codecVerbs(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	fs := token.NewFileSet()
	for _, f := range []string{"codec.go", "citizenchat/citizen.go"} {
		file, err := parser.ParseFile(fs, f, nil, 0)
		must(t, err)
		ast.Inspect(file, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok || len(vs.Names) != 1 || len(vs.Values) != 1 || !strings.HasPrefix(vs.Names[0].Name, "v") {
				return true
			}
			if lit, ok := vs.Values[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				v, _ := strconv.Unquote(lit.Value)
				out[v] = vs.Names[0].Name
			}
			return true
		})
	}
	if len(out) < 40 {
		t.Fatalf("only %d verbs found: %v", len(out), out)
	}
	return out
}

// TestEveryVerbOnAnInaccessibleMessage (issue 20, point 7): every callback
// verb of codec.go, pressed with real ids from a month's scenario on a
// message Telegram reports as inaccessible (date 0), gets a sensible answer
// and nothing panics. The five that crashed — Return on the plan and the
// review card, the manual task score, the bonus claim, keeping a
// reconsidered result — are followed through: the reason or score typed
// next is taken, and the card they change comes as a new message.
func TestEveryVerbOnAnInaccessibleMessage(t *testing.T) {
	pool := pgtest.New(t)
	logs := &syncBuffer{}
	h, err := sim.New(pool, at(2026, 11, 23, 7), logs)
	must(t, err)
	t.Cleanup(h.Close)
	must(t, h.ImportCSV(units, officials))
	ps, err := h.Onboard()
	must(t, err)
	g := newGoneWorld(t, h, logs)
	H, A, C := ps["H"], ps["A"], ps["C"]
	plan := "Soạn báo cáo tháng | 26/11 | 2\nTiếp nhận hồ sơ"

	// The week's plan: enter, edit, cancel, submit; the head returns it.
	must(t, h.At(at(2026, 11, 23, 8)))
	g.verb(A, "pn", "")
	g.say(A, plan)
	g.verb(A, "pe", "")
	g.say(A, plan)
	g.verb(A, "pc", "")
	must(t, h.Command(A, "/plan"))
	g.say(A, plan)
	g.verb(A, "ps", "")
	g.verb(H, "pr", "")
	if !strings.Contains(lastText(H), A.Name) {
		t.Fatalf("H after Return: %q", lastText(H))
	}
	n := len(H.User.Messages())
	g.say(H, "Bổ sung hạn hoàn thành")
	if !strings.Contains(lastText(A), "Bổ sung hạn hoàn thành") {
		t.Fatalf("A should see the reason: %q", lastText(A))
	}
	if _, ok := findMsg(H.User.Messages()[n:], "Soạn báo cáo tháng"); !ok {
		t.Errorf("H was not shown the returned plan as a new message")
	}
	g.say(A, plan)
	g.verb(A, "ps", "")
	g.verb(H, "pa", "")
	must(t, h.Command(A, "/language"))
	g.verb(A, "lg", "vi")

	// Tasks a task system assigned: one declined with a reason, one
	// accepted (this week's plan is approved: into next week's).
	assign(t, h, "A", "VB-G1", "Rà soát hồ sơ tồn đọng", nil)
	g.verb(A, "ag", ":x")
	g.say(A, "Không thuộc nhiệm vụ của tôi")
	assign(t, h, "A", "VB-G2", "Tổng hợp số liệu chợ dân sinh", nil)
	g.verb(A, "ag", ":w")

	// Friday: the report.
	must(t, h.At(at(2026, 11, 27, 16)))
	g.verb(A, "tm", "")
	g.verb(A, "rd", "")

	// The last working day: self-assessments.
	must(t, h.At(at(2026, 11, 30, 9)))
	g.verb(A, "sc", "")
	g.verb(A, "sv", "")
	g.tap(A, "🎖 Thưởng")
	g.verb(A, "sb", ":2")
	n = len(A.User.Messages())
	g.say(A, "Hoàn thành nhiệm vụ đột xuất phòng chống bão")
	if _, ok := sim.FindButton(A.User.Messages()[n:], "📨 Gửi đánh giá"); !ok {
		t.Errorf("A was not shown the card with the bonus as a new message: %q", lastText(A))
	}
	g.verb(A, "ss", "")
	g.tap(C, "📨 Gửi đánh giá")

	// The head: C has no tasks (manual score), A is returned, then adjusted.
	cardC, ok := findMsg(H.User.Messages(), C.Name, "Đánh giá tháng")
	if !ok {
		t.Fatal("no card of C")
	}
	g.press(H, cardC, dataOf(t, cardC, "rj:"))
	g.verb(H, "hm", "")
	n = len(H.User.Messages())
	g.say(H, "60")
	if m, ok := sim.FindButton(H.User.Messages()[n:], "✅ Duyệt theo điều chỉnh"); !ok || !strings.Contains(m.Text, "60,00") {
		t.Errorf("H was not shown the adjusted card with the score 60 as a new message: %q", lastText(H))
	}
	g.verb(H, "hc", "")
	g.verb(H, "hv", "")
	g.verb(H, "hb", "")
	cardA, ok := findMsg(H.User.Messages(), A.Name, "Đánh giá tháng")
	if !ok {
		t.Fatal("no card of A")
	}
	g.press(H, cardA, dataOf(t, cardA, "rr:"))
	n = len(A.User.Messages())
	g.say(H, "Đề nghị tự chấm lại tiêu chí 4")
	if _, ok := findMsg(A.User.Messages()[n:], "Đề nghị tự chấm lại tiêu chí 4"); !ok {
		t.Errorf("A was not told the reason: %q", lastText(A))
	}
	g.verb(A, "ss", "")
	cardA, _ = findMsg(H.User.Messages(), A.Name, "Đánh giá tháng")
	g.press(H, cardA, dataOf(t, cardA, "rj:"))
	g.verb(H, "hv", ":t")
	g.verb(H, "ht", "")
	g.verb(H, "hv", ":a")
	g.verb(H, "ra", "")

	// /pending, /status, /delegate.
	must(t, h.Command(H, "/pending"))
	g.verb(H, "ov", "")
	must(t, h.Command(H, "/pending"))
	g.verb(H, "aa", ":0")
	g.verb(H, "ax", "")
	must(t, h.Command(H, "/pending"))
	g.verb(H, "ao", "")
	must(t, h.Command(H, "/status"))
	for _, v := range []string{"sp", "sm"} {
		if _, ok := buttonWith(H.User.Last(), v+":"); ok {
			g.verb(H, v, "")
		} else {
			g.press(H, H.User.Last(), v+":0:0")
		}
	}
	must(t, h.Command(H, "/delegate"))
	g.verb(H, "dg", "")
	g.press(H, H.User.Last(), "no:x")
	g.press(H, H.User.Last(), "qd:"+b36(A.ID)+":"+b36(A.ID)+":1")

	// Publication, a request to reconsider, kept.
	// The head's /publish asks first: cancel it, then confirm it, each on a
	// message the bot can no longer see (before the 5th working day's run).
	must(t, h.At(at(2026, 12, 7, 7)))
	must(t, h.Command(H, "/publish"))
	g.verb(H, "pb", ":x")
	must(t, h.Command(H, "/publish"))
	g.verb(H, "pb", "-11")
	must(t, h.At(at(2026, 12, 7, 8)))
	must(t, h.At(at(2026, 12, 7, 9)))
	must(t, h.Command(A, "/reconsider"))
	g.say(A, "Đề nghị xem xét lại")
	req, ok := findMsg(H.User.Messages(), A.Name, "Đề nghị xem xét lại")
	if !ok {
		t.Fatalf("no request to reconsider: A saw %q", lastText(A))
	}
	g.press(H, req, dataOf(t, req, "rc:"))
	n = len(H.User.Messages())
	g.say(H, "Kết quả đã phản ánh đúng")
	if _, ok := findMsg(H.User.Messages()[n:], "Đã giữ nguyên kết quả của "+A.Name); !ok {
		t.Errorf("H was not shown that the result stands: %q", lastText(H))
	}
	g.press(H, req, strings.Replace(dataOf(t, req, "rc:"), ":k", ":a", 1))
	checkAnswers(t, h)

	// The citizens' verbs, in the one-stop shop.
	w := newCitWorld(t)
	cg := newGoneWorld(t, w.h, w.logs)
	G := w.ps["G"]
	lan := w.person(lanID, "Lan", "")
	w.scan(t, lan, w.link(t, "HCC-Q1"))
	cg.verb(lan, "cr", ":3")
	must(t, w.h.Say(lan, "Chờ lâu quá"))
	cg.verb(G, "cx", "")
	must(t, w.h.Say(G, "Đã giải thích cho công dân"))
	minh := w.person(minhID, "Minh", "")
	w.scan(t, minh, w.link(t, "HCC-Q2"))
	cg.verb(minh, "cr", ":3")
	cg.verb(minh, "cs", "")
	cg.verb(G, "cc", "")
	must(t, w.h.Wait(G.User.Start("desks")))
	cg.verb(G, "cv", "")
	for _, v := range []string{"cd", "cw", "cv", "cy", "cw", "cv", "co", "co", "cv", "cp", "cl", "cv", "ct", "cl", "ca"} {
		if v == "co" && cg.verbs["co"] == 1 {
			cg.verb(G, "co", ":y")
			continue
		}
		cg.verb(G, v, "")
	}
	must(t, w.h.Command(G, "/cancel"))
	must(t, w.h.Command(G, "/ratings"))
	cg.verb(G, "cm", "")
	checkAnswers(t, w.h)

	var missing []string
	for v, name := range codecVerbs(t) {
		if g.verbs[v]+cg.verbs[v] == 0 {
			missing = append(missing, name+" ("+v+")")
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("verbs never pressed on an inaccessible message: %v", missing)
	}
}

func buttonWith(m sim.Message, prefix string) (string, bool) {
	for _, row := range m.Keyboard {
		for _, b := range row {
			if strings.HasPrefix(b.Data, prefix) {
				return b.Data, true
			}
		}
	}
	return "", false
}

func dataOf(t *testing.T, m sim.Message, prefix string) string {
	t.Helper()
	d, ok := buttonWith(m, prefix)
	if !ok {
		t.Fatalf("no button %s… on %q", prefix, m.Text)
	}
	if prefix == "rc:" {
		// Keep, not accept.
		for _, row := range m.Keyboard {
			for _, b := range row {
				if strings.HasPrefix(b.Data, prefix) && strings.HasSuffix(b.Data, ":k") {
					return b.Data
				}
			}
		}
	}
	return d
}
