// Package demo runs one whole month (November 2026) for the sample ward
// against the fake Bot API and PostgreSQL, and prints what each person saw
// and tapped, then the month's grade table. `evalbot demo` calls Run.
package demo

import (
	"context"
	"embed"
	"fmt"
	"io"
	"math/rand"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/calendar"
	"evalbot/internal/citizen"
	"evalbot/internal/evaluation"
	"evalbot/internal/locale"
	"evalbot/internal/report"
	"evalbot/internal/sim"
	"evalbot/internal/store"
)

//go:embed roster/*.csv
var rosterFS embed.FS

func at(d calendar.Date, hour int) time.Time { return d.Time(hour, 0) }

// Options chooses the demo's language and how much of the month it prints.
type Options struct {
	// Lang is "vi" (the default) or "en": everyone in the sample ward uses
	// the bot in it, and the story is told in it.
	Lang string
	// Verbose prints every event of the month; otherwise each kind of step
	// is shown once, in full, and the rest counted (about 300 lines).
	Verbose bool
}

// Run plays the month on pool (migrated, empty) and writes the condensed
// Vietnamese story to w.
func Run(ctx context.Context, pool *pgxpool.Pool, w io.Writer) error {
	return RunWith(ctx, pool, w, Options{})
}

// RunWith plays the month on pool (migrated, empty) and writes the story to
// w as opts say, ending with how long the run took.
func RunWith(ctx context.Context, pool *pgxpool.Pool, w io.Writer, opts Options) error {
	began := time.Now()
	if opts.Lang != "en" {
		opts.Lang = "vi"
	}
	cat, err := locale.Load()
	if err != nil {
		return err
	}
	cal := calendar.Default()
	month := calendar.Month{Year: 2026, Month: time.November}
	// Without Telegram's limits: the demo's people act instantly, and at
	// 1/s per chat the heads' cards would take minutes of waiting (the
	// tests keep the limits on).
	h, err := sim.New(pool, at(month.First(), 7), io.Discard, sim.WithoutLimits())
	if err != nil {
		return err
	}
	defer h.Close()
	// The story is the month: the December campaign of the year (1 December,
	// a day the demo passes through for the reviews) is not part of it.
	h.Sched.Times.YearDay = -1
	units, _ := rosterFS.ReadFile("roster/units.csv")
	officials, _ := rosterFS.ReadFile("roster/officials.csv")
	if err := h.ImportCSV(string(units), inLanguage(string(officials), opts.Lang)); err != nil {
		return err
	}
	people, err := h.Onboard()
	if err != nil {
		return err
	}
	codes := make([]string, 0, len(people))
	for c := range people {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	rng := rand.New(rand.NewSource(2026))
	d := &driver{h: h, people: people, codes: codes, rng: rng, lang: opts.Lang, say: typed[opts.Lang]}
	// The organization department's records: one official on sick leave for
	// most of the month (not graded), one reprimanded (grade D).
	if err := records(ctx, pool, people); err != nil {
		return err
	}
	if err := importDesks(ctx, pool, h.Clock.Now()); err != nil {
		return err
	}

	// Every working week of the month: Monday plans, the heads appraise, Friday reports.
	for _, wk := range month.Weeks() {
		mon := wk.Monday()
		if !cal.IsWorkingDay(mon) {
			mon = cal.AddWorkingDays(mon, 1)
		}
		if err := h.At(at(mon, 8)); err != nil {
			return err
		}
		if err := d.plans(wk); err != nil {
			return err
		}
		if wk.Monday().Day >= 16 && wk.Monday().Day < 23 {
			if err := d.citizens(ctx, pool, at(wk.Monday().AddDays(2), 10)); err != nil {
				return err
			}
		}
		fri := wk.Monday().AddDays(4)
		if err := h.At(at(fri, 16)); err != nil {
			return err
		}
		if err := d.reports(); err != nil {
			return err
		}
	}
	// Month end.
	last := cal.LastWorkingDay(month)
	if err := h.At(at(last, 9)); err != nil {
		return err
	}
	if err := d.selfAssess(); err != nil {
		return err
	}
	if err := h.At(at(cal.AddWorkingDays(last, 1), 8)); err != nil {
		return err
	}
	if err := d.review(); err != nil {
		return err
	}
	// Each head binds the unit's Telegram group; on the 5th working day of
	// December the results are published there and the month locks.
	groups := map[int64]string{}
	for i, c := range d.codes {
		p := d.people[c]
		if !isHead(ctx, pool, p.ID) {
			continue
		}
		g := h.Srv.NewGroup(int64(-1000-i), "Nhóm "+c)
		groups[g.ID] = g.Title
		if err := h.Wait(g.SendText(p.User, "/bindgroup@"+h.Srv.BotUsername())); err != nil {
			return err
		}
	}
	if pub, ok := cal.NthWorkingDay(month.Next(), 5); ok {
		if err := h.At(at(pub, 8)); err != nil {
			return err
		}
	}
	for _, c := range d.citizensSeen {
		people[fmt.Sprint("citizen-", c.User.ID)] = c
	}
	names, masks, err := storyNames(ctx, pool, people, groups)
	if err != nil {
		return err
	}
	printStory(w, cat, opts.Lang, month, storyLines(cat, opts.Lang, h.Srv.Transcript(), names, masks), masks, opts.Verbose)
	if err := printGrades(ctx, w, cat, opts.Lang, pool, month); err != nil {
		return err
	}
	secs := time.Since(began).Round(100 * time.Millisecond).Seconds() // a float64: «13,9» in Vietnamese
	_, err = fmt.Fprintln(w, cat.T(opts.Lang, "DemoTook", map[string]any{"Seconds": secs}))
	return err
}

// inLanguage sets the language column of officials.csv to lang for everyone.
func inLanguage(csv, lang string) string {
	lines := strings.Split(csv, "\n")
	for i, l := range lines {
		if i == 0 || l == "" {
			continue
		}
		if j := strings.LastIndex(l, ","); j >= 0 {
			lines[i] = l[:j+1] + lang
		}
	}
	return strings.Join(lines, "\n")
}

// storyNames: who each chat is (people, groups), and the names that vary
// from one step to the same step of another person (people, units, desks,
// groups), longest first, to mask when telling the steps apart.
func storyNames(ctx context.Context, pool *pgxpool.Pool, people map[string]*sim.Person, groups map[int64]string) (map[int64]string, []string, error) {
	names := map[int64]string{}
	var masks []string
	for id, title := range groups {
		names[id] = title
		masks = append(masks, title)
	}
	for _, p := range people {
		names[p.User.ID] = p.Name
		masks = append(masks, p.Name)
	}
	rows, err := pool.Query(ctx, `SELECT name FROM units UNION SELECT name FROM desks UNION SELECT code FROM desks`)
	if err != nil {
		return nil, nil, err
	}
	more, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, nil, err
	}
	masks = append(masks, more...)
	slices.SortFunc(masks, func(a, b string) int {
		if c := len(b) - len(a); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return names, masks, nil
}

// records: HB013 on sick leave 2–20 November (fewer than half the working
// days: not graded), HB018 reprimanded in November (grade D).
func records(ctx context.Context, pool *pgxpool.Pool, people map[string]*sim.Person) error {
	first, _ := calendar.ParseDate("2026-11-02")
	last, _ := calendar.ParseDate("2026-11-20")
	if err := evaluation.RecordAbsence(ctx, pool, people["HB013"].ID, first, last, "sick", nil); err != nil {
		return err
	}
	return evaluation.RecordDiscipline(ctx, pool, people["HB018"].ID, calendar.Month{Year: 2026, Month: time.November},
		"reprimand", "Quyết định số 15/QĐ-UBND ngày 12/11/2026", nil)
}

// importDesks loads the one-stop shop's counters (desks.csv).
func importDesks(ctx context.Context, pool *pgxpool.Pool, now time.Time) error {
	raw, _ := rosterFS.ReadFile("roster/desks.csv")
	rows, errs, err := citizen.ReadDesks(strings.NewReader(string(raw)), "desks.csv")
	if err != nil || len(errs) > 0 {
		return fmt.Errorf("desks: %v %v", err, errs)
	}
	return store.InTx(ctx, pool, func(tx pgx.Tx) error {
		rep, err := citizen.ImportDesks(ctx, tx, "desks.csv", rows, now)
		if err == nil && len(rep.Errors) > 0 {
			err = fmt.Errorf("desks: %v", rep.Errors)
		}
		return err
	})
}

// citizens: people served at the one-stop shop scan the desk's QR code and
// rate; two are not satisfied: the centre's head confirms one complaint
// (a point off that official's month) and dismisses the other with a reason.
func (d *driver) citizens(ctx context.Context, pool *pgxpool.Pool, when time.Time) error {
	d.h.Clock.Set(when)
	visits := []struct {
		desk, level, comment string
	}{
		{"HCC-Q1", "😀 Rất hài lòng", ""},
		{"HCC-Q1", "🙂 Hài lòng", "Cán bộ hướng dẫn tận tình."},
		{"HCC-Q1", "🙁 Không hài lòng", "Chờ hơn một giờ mà không được hướng dẫn."},
		{"HCC-Q2", "😀 Rất hài lòng", ""},
		{"HCC-Q2", "😐 Bình thường", ""},
		{"HCC-Q3", "🙁 Không hài lòng", "Thái độ chưa niềm nở."},
		{"HCC-Q4", "🙂 Hài lòng", ""},
	}
	for i, v := range visits {
		desk, err := citizen.DeskByCode(ctx, pool, v.desk)
		if err != nil {
			return err
		}
		code, err := citizen.ActiveCode(ctx, pool, desk.ID, when)
		if err != nil {
			return err
		}
		u := d.h.Srv.NewUser(int64(900000+i), "Công dân", d.lang)
		name := fmt.Sprintf("Người dân %d", i+1)
		if d.lang == "en" {
			name = fmt.Sprintf("Citizen %d", i+1)
		}
		p := &sim.Person{Code: "citizen", Name: name, User: u}
		d.citizensSeen = append(d.citizensSeen, p)
		id, err := u.OpenLink(citizen.DeepLink(d.h.Srv.BotUsername(), code.Code))
		if err != nil {
			return err
		}
		if err := d.h.Wait(id); err != nil {
			return err
		}
		if err := d.h.Tap(p, tr(d.say.levels, v.level)); err != nil {
			return err
		}
		if v.comment == "" {
			if err := d.h.Tap(p, d.say.skip); err != nil {
				return err
			}
		} else if err := d.h.Say(p, tr(d.say.comments, v.comment)); err != nil {
			return err
		}
	}
	head := d.people["HB020"]
	if m, ok := newestWith(head.User.Messages(), tr(d.say.comments, "Chờ hơn một giờ mà không được hướng dẫn.")); ok {
		if err := d.h.TapOn(head, m, d.say.confirm); err != nil {
			return err
		}
	}
	if m, ok := newestWith(head.User.Messages(), tr(d.say.comments, "Thái độ chưa niềm nở.")); ok {
		if err := d.h.TapOn(head, m, d.say.dismiss); err != nil {
			return err
		}
		return d.h.Say(head, d.say.dismissReason)
	}
	return nil
}

// newestWith is the newest message whose text contains s.
func newestWith(ms []sim.Message, s string) (sim.Message, bool) {
	for i := len(ms) - 1; i >= 0; i-- {
		if strings.Contains(ms[i].Text, s) {
			return ms[i], true
		}
	}
	return sim.Message{}, false
}

type driver struct {
	citizensSeen []*sim.Person
	h            *sim.Harness
	people       map[string]*sim.Person
	codes        []string
	rng          *rand.Rand
	lang         string // everyone's language in this run
	say          words  // what people type and tap, in lang
}

// words is what the people of the demo type, and the labels of the
// citizens' buttons, in one language.
type words struct {
	tasks                        []string
	planWord                     string            // in the title of a plan card
	returnPlan, resendPlan       string            // resendPlan: a format of the deadline (dd/mm)
	levels                       map[string]string // CitizenLevel_* labels by the Vietnamese one
	comments                     map[string]string // citizens' comments by the Vietnamese one
	skip, confirm, dismiss       string
	dismissReason                string
	bonusReason                  string
	reviewWord, returnAssessment string
	lateMark                     string // in returnAssessment: how the official finds it
}

var typed = map[string]words{
	"vi": {
		tasks: []string{"Tiếp nhận và xử lý hồ sơ", "Soạn thảo báo cáo tuần", "Kiểm tra hiện trường", "Cập nhật cơ sở dữ liệu",
			"Tham mưu văn bản chỉ đạo", "Trả lời đơn thư của công dân", "Tổng hợp số liệu thống kê", "Họp giao ban chuyên môn"},
		planWord:         "Kế hoạch",
		returnPlan:       "Đề nghị ghi rõ hạn hoàn thành từng việc",
		resendPlan:       "Tiếp nhận và xử lý hồ sơ | %[1]s\nSoạn thảo báo cáo tuần | %[1]s",
		skip:             "Bỏ qua",
		confirm:          "✅ Xác nhận",
		dismiss:          "✖️ Bác bỏ",
		dismissReason:    "Đã xác minh qua camera: cán bộ hướng dẫn đúng quy trình, người dân phản ánh chưa chính xác.",
		bonusReason:      "Chủ trì đợt cao điểm cấp giấy chứng nhận quyền sử dụng đất",
		reviewWord:       "Đánh giá tháng",
		returnAssessment: "Đề nghị tự đánh giá lại tiêu chí giờ giấc: trong tháng có 2 buổi đi muộn",
		lateMark:         "2 buổi đi muộn",
	},
	"en": {
		tasks: []string{"Receive and process applications", "Draft the weekly report", "Inspect a site", "Update the database",
			"Prepare a guidance document", "Answer citizens' letters", "Compile the statistics", "Attend the staff meeting"},
		planWord:   "plan",
		returnPlan: "Please give each task its deadline",
		resendPlan: "Receive and process applications | %[1]s\nDraft the weekly report | %[1]s",
		levels: map[string]string{"😀 Rất hài lòng": "😀 Very satisfied", "🙂 Hài lòng": "🙂 Satisfied",
			"😐 Bình thường": "😐 Neutral", "🙁 Không hài lòng": "🙁 Not satisfied"},
		comments: map[string]string{"Cán bộ hướng dẫn tận tình.": "The official explained everything patiently.",
			"Chờ hơn một giờ mà không được hướng dẫn.": "Waited over an hour and nobody helped.",
			"Thái độ chưa niềm nở.":                    "Not very friendly."},
		skip:             "Skip",
		confirm:          "✅ Confirm",
		dismiss:          "✖️ Dismiss",
		dismissReason:    "Checked on camera: the official followed the procedure; the complaint is not accurate.",
		bonusReason:      "Led the peak campaign for land-use certificates",
		reviewWord:       "Assessment for",
		returnAssessment: "Please assess punctuality again: two late mornings this month",
		lateMark:         "two late mornings",
	},
}

// tr is the Vietnamese s in the run's language, from m (s itself in Vietnamese).
func tr(m map[string]string, s string) string {
	if v, ok := m[s]; ok {
		return v
	}
	return s
}

func label(p *sim.Person, vi, en string) string {
	if p.User.LanguageCode == "en" {
		return en
	}
	return vi
}

// plans: everyone with a prompt sends 2–4 tasks and submits; heads approve,
// and the first head returns one plan once, which comes back corrected.
func (d *driver) plans(wk calendar.Week) error {
	for _, c := range d.codes {
		p := d.people[c]
		if _, ok := sim.FindButton(p.User.Messages(), label(p, "📝 Nhập kế hoạch", "📝 Enter the plan")); !ok {
			continue
		}
		n := 2 + d.rng.Intn(3)
		var lines []string
		for i := 0; i < n; i++ {
			line := d.say.tasks[d.rng.Intn(len(d.say.tasks))]
			if i == 0 {
				line += fmt.Sprintf(" | %02d/%02d | 2", wk.Monday().AddDays(3).Day, int(wk.Monday().AddDays(3).Month))
			}
			lines = append(lines, line)
		}
		if err := d.h.Say(p, strings.Join(lines, "\n")); err != nil {
			return err
		}
		if err := d.h.Tap(p, label(p, "📨 Gửi duyệt", "📨 Submit")); err != nil {
			return err
		}
	}
	returned := false
	for pass := 0; pass < 3; pass++ {
		for _, c := range d.codes {
			head := d.people[c]
			for {
				m, ok := sim.FindButton(head.User.Messages(), label(head, "✅ Duyệt", "✅ Approve"))
				if !ok {
					break
				}
				if !returned && strings.Contains(m.Text, d.say.planWord) {
					returned = true
					if err := d.h.TapOn(head, m, label(head, "↩️ Trả lại", "↩️ Return")); err != nil {
						return err
					}
					if err := d.h.Say(head, d.say.returnPlan); err != nil {
						return err
					}
					continue
				}
				if err := d.h.TapOn(head, m, label(head, "✅ Duyệt", "✅ Approve")); err != nil {
					return err
				}
			}
		}
		// Whoever got a plan back sends it again with deadlines.
		for _, c := range d.codes {
			p := d.people[c]
			if last := p.User.Last(); strings.Contains(last.Text, d.say.returnPlan) {
				fri := wk.Monday().AddDays(4) // a deadline within the plan's week
				due := fmt.Sprintf("%02d/%02d", fri.Day, int(fri.Month))
				if err := d.h.Say(p, fmt.Sprintf(d.say.resendPlan, due)); err != nil {
					return err
				}
				if err := d.h.Tap(p, label(p, "📨 Gửi duyệt", "📨 Submit")); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// reports: each task is marked; about one in eight is late, one in twelve not done.
func (d *driver) reports() error {
	for _, c := range d.codes {
		p := d.people[c]
		m, ok := sim.FindButton(p.User.Messages(), label(p, "✔️ Xong", "✔️ Done"))
		if !ok {
			continue
		}
		for i := 1; i <= len(m.Keyboard)-1; i++ {
			mark := "✅"
			switch r := d.rng.Intn(40); {
			case r < 2:
				mark = "⏰"
			case r < 3:
				mark = "❌"
			}
			if err := d.h.Tap(p, fmt.Sprintf("%d %s", i, mark)); err != nil {
				return err
			}
		}
		if err := d.h.Tap(p, label(p, "✔️ Xong", "✔️ Done")); err != nil {
			return err
		}
	}
	return nil
}

// silent is the one person in the demo who never self-assesses.
const silent = "HB009"

// selfAssess: most submit as pre-filled; some lower a criterion; one claims a bonus.
func (d *driver) selfAssess() error {
	for i, c := range d.codes {
		p := d.people[c]
		if c == silent {
			continue // never answers: the head will assess alone
		}
		submit := label(p, "📨 Gửi đánh giá", "📨 Submit assessment")
		m, ok := sim.FindButton(p.User.Messages(), submit)
		if !ok {
			continue
		}
		if i%4 == 1 {
			row := m.Keyboard[3]
			if err := d.h.TapOn(p, m, row[len(row)-2].Text); err != nil {
				return err
			}
		}
		if i == 5 {
			if m2, lbl, ok := sim.ButtonStartingWith(p.User.Messages(), "🎖"); ok {
				if err := d.h.TapOn(p, m2, lbl); err != nil {
					return err
				}
				if err := d.h.Tap(p, "3"); err != nil {
					return err
				}
				if err := d.h.Say(p, d.say.bonusReason); err != nil {
					return err
				}
			}
		}
		if err := d.h.Tap(p, submit); err != nil {
			return err
		}
	}
	return nil
}

// review: heads approve, choosing at the quota prompt; the ward chairman
// grades the heads once their units are final (several passes).
func (d *driver) review() error {
	// Heads first look at who is missing and assess them alone.
	for _, c := range d.codes {
		head := d.people[c]
		if _, ok := sim.FindButton(head.User.Messages(), label(head, "✅ Duyệt", "✅ Approve")); !ok {
			continue
		}
		if err := d.h.Command(head, "/pending"); err != nil {
			return err
		}
		for {
			m, lbl, ok := sim.ButtonStartingWith(head.User.Messages(), label(head, "✍️ Đánh giá thay", "✍️ Assess"))
			if !ok || m.ID != head.User.Last().ID {
				break
			}
			if err := d.h.TapOn(head, m, lbl); err != nil {
				return err
			}
			if err := d.h.Tap(head, label(head, "✅ Duyệt theo điều chỉnh", "✅ Approve as adjusted")); err != nil {
				return err
			}
			if err := d.h.Command(head, "/pending"); err != nil {
				return err
			}
		}
	}
	// One self-assessment goes back with a reason and returns corrected.
	if err := d.returnOne(); err != nil {
		return err
	}
	for pass := 0; pass < 4; pass++ {
		for _, c := range d.codes {
			head := d.people[c]
			for guard := 0; guard < 50; guard++ {
				if m, lbl, ok := sim.ButtonStartingWith(head.User.Messages(), label(head, "Chuyển ", "Move ")); ok {
					if err := d.h.TapOn(head, m, lbl); err != nil {
						return err
					}
					continue
				}
				approve := label(head, "✅ Duyệt", "✅ Approve")
				progressed := false
				for _, m := range withButton(head.User.Messages(), approve) {
					before := len(head.User.Answers())
					if err := d.h.TapOn(head, m, approve); err != nil {
						return err
					}
					if a := head.User.Answers(); len(a) > before && a[len(a)-1].ShowAlert {
						continue // a head's unit not final yet: next pass
					}
					progressed = true
					break
				}
				if !progressed {
					break
				}
			}
		}
	}
	return nil
}

// returnOne: the first head with a submission returns it; the official
// lowers a criterion as asked and submits again.
func (d *driver) returnOne() error {
	for _, c := range d.codes {
		head := d.people[c]
		m, ok := sim.FindButton(head.User.Messages(), label(head, "↩️ Trả lại", "↩️ Return"))
		if !ok || !strings.Contains(m.Text, d.say.reviewWord) {
			continue
		}
		if err := d.h.TapOn(head, m, label(head, "↩️ Trả lại", "↩️ Return")); err != nil {
			return err
		}
		if err := d.h.Say(head, d.say.returnAssessment); err != nil {
			return err
		}
		for _, oc := range d.codes {
			p := d.people[oc]
			if !strings.Contains(p.User.Last().Text, d.say.lateMark) {
				continue
			}
			card := p.User.Last()
			row := card.Keyboard[3]
			if err := d.h.TapOn(p, card, row[len(row)-2].Text); err != nil {
				return err
			}
			return d.h.Tap(p, label(p, "📨 Gửi đánh giá", "📨 Submit assessment"))
		}
	}
	return nil
}

// withButton lists the messages that carry a button labelled label, newest first.
func withButton(ms []sim.Message, label string) []sim.Message {
	var out []sim.Message
	for i := len(ms) - 1; i >= 0; i-- {
		for _, row := range ms[i].Keyboard {
			for _, b := range row {
				if b.Text == label {
					out = append(out, ms[i])
				}
			}
		}
	}
	return out
}

func isHead(ctx context.Context, pool *pgxpool.Pool, id int64) bool {
	var head bool
	_ = pool.QueryRow(ctx, `SELECT is_head FROM officials WHERE id = $1`, id).Scan(&head)
	return head
}

func printGrades(ctx context.Context, w io.Writer, cat *locale.Catalog, lang string, pool *pgxpool.Pool, m calendar.Month) error {
	// The organization department's monthly report: its notes say why a
	// row looks as it does (the same words as the XLSX export).
	month, err := report.Monthly(ctx, pool, m, "")
	if err != nil {
		return err
	}
	t := func(id string) string { return cat.T(lang, id, nil) }
	note := report.In(cat, lang) // the same words as the export, in the demo's language
	fmt.Fprintln(w, "\n"+cat.T(lang, "DemoGradesTitle", map[string]any{"Month": fmt.Sprintf("%02d/%d", int(m.Month), m.Year)}))
	fmt.Fprintf(w, "%-6s %-24s %-8s %-10s %7s %-5s %s\n", t("DemoColCode"), t("DemoColName"), t("DemoColUnit"), t("DemoColStatus"),
		t("DemoColScore"), t("DemoColGrade"), t("DemoColNote"))
	graded, total := 0, 0
	for _, u := range month.Units {
		for _, p := range u.People {
			total++
			score, grade := "—", ""
			if p.Approved && p.Graded {
				score = locale.Sprintf(lang, "%.2f", float64(p.Total)/100) // 89,00 as the bot writes it
				grade = string(p.Grade)
				graded++
			}
			status := "—"
			if p.Status != "" {
				status = t("DemoStatus_" + p.Status)
			}
			fmt.Fprintf(w, "%-6s %-24s %-8s %-10s %7s %-5s %s\n", p.EmployeeCode, p.FullName, u.Code, status, score, grade, p.Note(note))
		}
	}
	fmt.Fprintln(w, "\n"+cat.T(lang, "DemoGraded", map[string]any{"Graded": graded, "Total": total}))
	return nil
}
