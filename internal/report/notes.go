package report

import (
	"strings"
	"unicode/utf8"

	"evalbot/internal/grading"
	"evalbot/internal/locale"
)

// Ghi chú: why a row looks the way it does, in words of locales/ (ids
// Note*) in the reader's language.

// In is the Translate of cat in lang (the operator's, the person's, the web
// session's): plain text, a data value "Count" (int) choosing the plural
// form.
func In(cat *locale.Catalog, lang string) Translate {
	return func(id string, data map[string]any) string {
		n, _ := data["Count"].(int)
		return cat.Plain(lang, id, n, data)
	}
}

// pts is points as a template value: a float64, which the catalog writes
// as the language does (locale.Decimal: «20», «6,5» in Vietnamese).
func pts(p grading.Points) float64 { return float64(p) / 100 }

// Note returns the Ghi chú of p in t's language: the overrides in words,
// then the deduction, a manual task score and the leader rule; «chưa đánh
// giá (…)» when the month has no approved assessment, followed by a
// disciplinary measure of the month and the grade it will bring.
func (p Person) Note(t Translate) string {
	var parts []string
	if !p.Approved {
		var why []string
		if p.Top && p.Status == "" {
			why = append(why, t("NoteTop", nil))
		}
		switch p.Status {
		case "draft", "submitted", "returned":
			why = append(why, t("NoteStatus_"+p.Status, nil))
		}
		for _, a := range p.Absences {
			switch a {
			case "leave", "sick", "maternity", "other":
				why = append(why, t("Absence_"+a, nil))
			}
		}
		if len(why) == 0 {
			parts = append(parts, t("NoteNotAssessed", nil))
		} else {
			parts = append(parts, t("NoteNotAssessedWhy", map[string]any{"Why": strings.Join(why, ", ")}))
		}
		if p.Discipline != "" {
			parts = append(parts, p.pendingDiscipline(t, false))
		}
		return strings.Join(parts, "; ")
	}
	disciplined := false
	for _, o := range p.Overrides {
		parts = append(parts, override(o, t))
		disciplined = disciplined || o.Code == grading.OverrideDiscipline
	}
	if p.Discipline != "" && !disciplined {
		// Recorded after the approval, or a level the framework does not
		// grade D: the grade above does not show it.
		parts = append(parts, p.pendingDiscipline(t, true))
	}
	if !p.Graded {
		return strings.Join(parts, "; ")
	}
	if !p.SelfAssessed {
		parts = append(parts, t("NoteNoSelf", nil))
	}
	if p.Deduction > 0 {
		parts = append(parts, t("NoteDeduction", map[string]any{"Points": pts(p.Deduction), "N": p.Breakdown.ComplaintsConfirmed}))
	}
	if p.Breakdown.Manual {
		parts = append(parts, t("NoteManual", nil))
	}
	if p.Breakdown.Leader && p.Breakdown.UnitFactor < 10000 {
		parts = append(parts, t("NoteLeader", map[string]any{"Factor": pts(p.Breakdown.UnitFactor)}))
	}
	if p.CatalogueTasks > 0 {
		parts = append(parts, t("NoteCatalogue", map[string]any{"Done": pts(p.UnitsDone), "Planned": pts(p.UnitsPlanned), "N": p.CatalogueTasks}))
	}
	if p.QualityMarks > 0 {
		parts = append(parts, t("NoteQualityMarks", map[string]any{"N": p.QualityMarks}))
	}
	if p.Bonus > 0 && strings.TrimSpace(p.BonusReason) != "" {
		parts = append(parts, t("NoteBonus", map[string]any{"Reason": clip(strings.Join(strings.Fields(p.BonusReason), " "), 200)}))
	}
	return strings.Join(parts, "; ")
}

// pendingDiscipline is a disciplinary measure of the month that the grade
// does not show: the level, the decision, and the grade rule of the
// framework (D when its force_d lists the level). approved: the month was
// approved without it (recorded afterwards).
func (p Person) pendingDiscipline(t Translate, approved bool) string {
	data := map[string]any{"Level": t("Discipline_"+p.Discipline, nil),
		"Reason": clip(strings.Join(strings.Fields(p.DisciplineReason), " "), 120)}
	switch {
	case !p.DisciplineRuleKnown:
		return t("NoteDisciplineRecorded", data)
	case !p.DisciplineForcesD:
		return t("NoteDisciplineNoD", data)
	case approved:
		return t("NoteDisciplineAfterApproval", data)
	}
	return t("NoteDisciplineWillBeD", data)
}

func override(o grading.Override, t Translate) string {
	switch o.Code {
	case grading.OverrideTooFewDays:
		if o.Detail != "" {
			return t("NoteTooFewDaysOf", map[string]any{"Days": o.Detail})
		}
		return t("NoteTooFewDays", nil)
	case grading.OverrideDiscipline:
		switch o.Detail {
		case string(grading.DisciplineReprimand), string(grading.DisciplineWarning), string(grading.DisciplineDemotion), string(grading.DisciplineDismissal):
			return t("NoteDiscipline", map[string]any{"Level": t("Discipline_"+o.Detail, nil)})
		}
		return t("NoteDisciplineAny", nil)
	case grading.OverrideQuota:
		from := o.Detail
		if from == "" {
			from = "A"
		}
		return t("NoteQuota", map[string]any{"From": from})
	default:
		return o.Code
	}
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
