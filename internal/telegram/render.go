package telegram

import (
	"fmt"
	"strings"

	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
	"evalbot/internal/grading"
	"evalbot/internal/locale"
)

// pts formats points for lang: "88,54" in Vietnamese, "88.54" in English.
func pts(lang string, p grading.Points) string {
	s := p.String()
	if lang == "vi" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// pct formats a percentage held in hundredths (9375 → "93,75%").
func pct(lang string, p grading.Points) string {
	s := pts(lang, p)
	s = strings.TrimSuffix(strings.TrimSuffix(s, "00"), ",")
	s = strings.TrimSuffix(s, ".")
	return s + "%"
}

func day(d calendar.Date) string { return fmt.Sprintf("%02d/%02d", d.Day, int(d.Month)) }

func monthLabel(m calendar.Month) string { return fmt.Sprintf("%02d/%d", int(m.Month), m.Year) }

// planTitle names a plan's period: the week's Monday–Sunday or the month.
func (t *turn) planTitle(kind string, start calendar.Date) string {
	if kind == evaluation.KindMonth {
		return t.t("PlanTitleMonth", map[string]any{"Month": monthLabel(start.YearMonth())})
	}
	w := calendar.WeekOf(start)
	return t.t("PlanTitleWeek", map[string]any{"From": day(w.Monday()), "To": day(w.Sunday()) + "/" + fmt.Sprint(w.Sunday().Year)})
}

// taskLine renders "1. title — hạn 27/11 — trọng số 2" with a status mark.
func (t *turn) taskLine(task evaluation.Task, withStatus bool) string {
	var b strings.Builder
	if withStatus {
		b.WriteString(statusIcon(task.Status) + " ")
	}
	fmt.Fprintf(&b, "%d. %s", task.Position, escape(task.Title))
	if task.Deadline != nil {
		b.WriteString(" — " + t.t("Deadline", map[string]any{"Date": day(*task.Deadline)}))
	}
	if task.Weight != 100 {
		b.WriteString(" — " + t.t("Weight", map[string]any{"Weight": pts(t.lang, task.Weight)}))
	}
	if withStatus && task.Status == string(grading.StatusLate) && task.Delays > 1 {
		b.WriteString(" " + t.t("LateTimes", map[string]any{"N": task.Delays}))
	}
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

func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// planText renders a plan for its owner or head.
func (t *turn) planText(p evaluation.Plan, owner string, headerID string) string {
	var b strings.Builder
	b.WriteString("<b>" + t.planTitle(p.Kind, p.PeriodStart) + "</b>")
	if owner != "" {
		b.WriteString("\n" + escape(owner))
	}
	b.WriteString("\n")
	for _, task := range p.Tasks {
		b.WriteString("\n" + t.taskLine(task, false))
	}
	if headerID != "" {
		b.WriteString("\n\n" + t.t(headerID, nil))
	}
	return b.String()
}

func (t *turn) noopText(key string) string {
	if strings.HasPrefix(key, "c") {
		return key[1:] // criterion id; resolved by the caller's framework when possible
	}
	return ""
}

// html marks rendered text as safe for a template.
func html(s string) locale.HTML { return locale.HTML(s) }
