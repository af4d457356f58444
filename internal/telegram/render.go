package telegram

import (
	"fmt"
	"strconv"
	"strings"

	"evalbot/internal/calendar"
	"evalbot/internal/delivery"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/locale"
	"evalbot/internal/telegram/chat"
)

// pts formats points for lang: "88,54" in Vietnamese, "88.54" in English
// (locale.Points, the one formatting of points both faces use).
func pts(lang string, p grading.Points) string {
	return locale.Points(lang, p)
}

// pointsText renders points for lang with trailing zeros trimmed: «1,5»
// (vi) or «1.5» (en), «1» (locale.Decimal).
func pointsText(lang string, p grading.Points) string { return locale.Decimal(lang, float64(p)/100) }

// pct formats a percentage held in hundredths (9375 → "93,75%").
func pct(lang string, p grading.Points) string {
	s := pts(lang, p)
	s = strings.TrimSuffix(strings.TrimSuffix(s, "00"), ",")
	s = strings.TrimSuffix(s, ".")
	return s + "%"
}

func day(d calendar.Date) string { return chat.Day(d) }

func monthLabel(m calendar.Month) string { return chat.MonthLabel(m) }

// planTitle names a plan's period: the week's Monday–Sunday or the month.
func (t *turn) planTitle(kind string, start calendar.Date) string {
	if kind == evaluation.KindMonth {
		return t.t("PlanTitleMonth", map[string]any{"Month": monthLabel(start.YearMonth())})
	}
	w := calendar.WeekOf(start)
	return t.t("PlanTitleWeek", map[string]any{"From": day(w.Monday()), "To": day(w.Sunday()) + "/" + fmt.Sprint(w.Sunday().Year)})
}

// planPeriod names a plan's period inside a sentence: «tuần 23/11 – 29/11/2026», «tháng 12/2026».
func (t *turn) planPeriod(kind string, start calendar.Date) string {
	if kind == evaluation.KindMonth {
		return t.t("PlanPeriodMonth", map[string]any{"Month": monthLabel(start.YearMonth())})
	}
	w := calendar.WeekOf(start)
	return t.t("PlanPeriodWeek", map[string]any{"From": day(w.Monday()), "To": day(w.Sunday()) + "/" + fmt.Sprint(w.Sunday().Year)})
}

// taskLine renders "1. title — hạn 27/11 — trọng số 2" with a status mark.
func (t *turn) taskLine(task evaluation.Task, withStatus bool) string {
	return t.taskLineN(task, withStatus, listTitleRunes)
}

// taskLineN is taskLine with the title cut to titleRunes.
func (t *turn) taskLineN(task evaluation.Task, withStatus bool, titleRunes int) string {
	return t.taskLineEv(task, withStatus, titleRunes, nil, false)
}

// taskLineEv is taskLineN followed by the task's evidence (evidenceSuffix;
// compact: only its count).
func (t *turn) taskLineEv(task evaluation.Task, withStatus bool, titleRunes int, ev []evaluation.Evidence, compact bool) string {
	var b strings.Builder
	if withStatus {
		b.WriteString(statusIcon(task.Status) + " ")
	}
	fmt.Fprintf(&b, "%d. %s", task.Position, escape(cutTitle(task.Title, titleRunes)))
	if task.Deadline != nil {
		b.WriteString(" — " + t.t("Deadline", map[string]any{"Date": day(*task.Deadline)}))
	}
	if task.Weight != 100 && task.ItemCode == "" {
		b.WriteString(" — " + t.t("Weight", map[string]any{"Weight": pts(t.lang, task.Weight)}))
	}
	b.WriteString(t.itemSuffix(task))
	if withStatus && task.Status == string(grading.StatusLate) && task.Delays > 1 {
		b.WriteString(" " + t.t("LateTimes", map[string]any{"N": task.Delays}))
	}
	b.WriteString(t.evidenceSuffix(ev, compact))
	return b.String()
}

func statusIcon(s string) string {
	switch s {
	case string(grading.StatusOnTime):
		return "✅"
	case string(grading.StatusLate):
		return "⏰"
	case string(grading.StatusNotDone):
		return "❌"
	}
	return "▫️"
}

func escape(s string) string { return chat.Escape(s) }

// planText renders a plan for its owner or head.
func (t *turn) planText(p evaluation.Plan, owner string, headerID string) string {
	var b strings.Builder
	b.WriteString("<b>" + t.planTitle(p.Kind, p.PeriodStart) + "</b>")
	if owner != "" {
		b.WriteString("\n" + escape(owner))
	}
	b.WriteString("\n\n")
	var footer string
	if headerID != "" {
		footer = "\n\n" + t.t(headerID, nil)
	}
	b.WriteString(t.taskList(p.Tasks, false, delivery.MaxText-delivery.TextLen(b.String())-delivery.TextLen(footer)))
	b.WriteString(footer)
	return b.String()
}

// taskList renders tasks one a line (taskLine) within budget UTF-16 units:
// when 30 lines with their deadlines, weights and delays would not fit,
// the titles are shortened, down to minTitleRunes (30 such lines always
// fit). Every task keeps its line: its buttons name it by number.
func (t *turn) taskList(tasks []evaluation.Task, withStatus bool, budget int) string {
	return t.taskListEv(tasks, withStatus, budget, nil)
}

// taskListEv is taskList with each task's evidence (ev, by task id) after
// its line: in full while the titles shorten, then as counts, then left
// out when even those would not fit.
func (t *turn) taskListEv(tasks []evaluation.Task, withStatus bool, budget int, ev map[int64][]evaluation.Evidence) string {
	for _, level := range []int{0, 1, 2} {
		if level > 0 && len(ev) == 0 {
			break
		}
		for runes := listTitleRunes; ; runes -= 15 {
			runes = max(runes, minTitleRunes)
			var b strings.Builder
			for i, task := range tasks {
				if i > 0 {
					b.WriteByte('\n')
				}
				var list []evaluation.Evidence
				if level < 2 {
					list = ev[task.ID]
				}
				b.WriteString(t.taskLineEv(task, withStatus, runes, list, level == 1))
			}
			if delivery.Fits(b.String(), budget) || runes == minTitleRunes && (level == 2 || len(ev) == 0) {
				return b.String()
			}
			if runes == minTitleRunes {
				break
			}
		}
	}
	return t.taskList(tasks, withStatus, budget)
}

// noopText is the toast of a label button: a criterion's full name ("c" + id).
func (a *App) noopText(t *turn, key string) string {
	id, ok := strings.CutPrefix(key, "c")
	if !ok || t.me == nil {
		return ""
	}
	fw, err := a.frameworkOf(t, *t.me)
	if err != nil {
		return ""
	}
	return fw.CriterionName(id, t.lang)
}

// html marks rendered text as safe for a template.
func html(s string) locale.HTML { return locale.HTML(s) }

// listTitleRunes is a title's length in a task list, shorter when the list
// would not fit a message (taskList); the full title stays in the database
// (and in exports).
const listTitleRunes = 80

// minTitleRunes is the shortest a title gets in a list (taskList).
const minTitleRunes = 20

// cutTitle cuts s to n characters (UTF-16 units: an emoji counts two),
// ending with "…".
func cutTitle(s string, n int) string {
	if out, cut := delivery.FitPlain(s, n); cut {
		return out
	}
	return s
}

// tasksPerPage keeps a month's task view (weekly plans add up) within one
// screen, 4096 characters and Telegram's 100 buttons (3 per task).
const tasksPerPage = 10

// numbered renumbers a month's tasks 1..N: weekly plans each start at 1, so
// the month's view numbers them in order instead.
func numbered(tasks []evaluation.Task) []evaluation.Task {
	out := make([]evaluation.Task, len(tasks))
	for i, t := range tasks {
		t.Position = i + 1
		out[i] = t
	}
	return out
}

// taskPage picks page n (from a view like "t2") of tasks.
func taskPage(tasks []evaluation.Task, view string) (page []evaluation.Task, n, pages int) {
	tasks = numbered(tasks)
	n, _ = strconv.Atoi(strings.TrimPrefix(view, "t"))
	pages = max(1, (len(tasks)+tasksPerPage-1)/tasksPerPage)
	n = min(max(n, 0), pages-1)
	return tasks[min(n*tasksPerPage, len(tasks)):min((n+1)*tasksPerPage, len(tasks))], n, pages
}

// pageNav is the ‹ n/N › row of a paged view; nil for one page.
func pageNav(n, pages int, data func(page int) string) []delivery.Button {
	return chat.PageNav(n, pages, data)
}
