package report

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"evalbot/internal/grading"
)

// Ghi chú: why a row looks the way it does, in words (Vietnamese).

const notAssessed = "chưa đánh giá"

var disciplineVI = map[string]string{
	string(grading.DisciplineReprimand): "khiển trách",
	string(grading.DisciplineWarning):   "cảnh cáo",
	string(grading.DisciplineDemotion):  "hạ bậc lương, giáng chức, cách chức",
	string(grading.DisciplineDismissal): "buộc thôi việc",
}

var absenceVI = map[string]string{
	"leave":     "nghỉ phép",
	"sick":      "nghỉ ốm",
	"maternity": "nghỉ thai sản",
	"other":     "vắng mặt",
}

var statusVI = map[string]string{
	"draft":     "chưa gửi tự đánh giá",
	"submitted": "chờ lãnh đạo duyệt",
	"returned":  "đã trả lại để sửa",
}

// Note returns the Ghi chú of p: the overrides in words, then the deduction,
// a manual task score and the leader rule; "chưa đánh giá (…)" when the
// month has no approved assessment.
func (p Person) Note() string {
	var parts []string
	if !p.Approved {
		var why []string
		if p.Top && p.Status == "" {
			why = append(why, "người đứng đầu cấp cao nhất: cấp trên đánh giá ngoài hệ thống")
		}
		if s := statusVI[p.Status]; s != "" {
			why = append(why, s)
		}
		for _, a := range p.Absences {
			if s := absenceVI[a]; s != "" {
				why = append(why, s)
			}
		}
		if len(why) == 0 {
			return notAssessed
		}
		return notAssessed + " (" + strings.Join(why, ", ") + ")"
	}
	for _, o := range p.Overrides {
		parts = append(parts, overrideVI(o))
	}
	if !p.Graded {
		return strings.Join(parts, "; ")
	}
	if !p.SelfAssessed {
		parts = append(parts, "không tự đánh giá: lãnh đạo đánh giá")
	}
	if p.Deduction > 0 {
		n := p.Breakdown.ComplaintsConfirmed
		parts = append(parts, "trừ "+short(p.Deduction)+" điểm do "+strconv.Itoa(n)+" phản ánh không hài lòng của người dân")
	}
	if p.Breakdown.Manual {
		parts = append(parts, "điểm nhóm 2 do lãnh đạo chấm (kế hoạch tháng không có nhiệm vụ)")
	}
	if p.Breakdown.Leader && p.Breakdown.UnitFactor < 10000 {
		parts = append(parts, "điểm nhóm 2 tính cả kết quả của đơn vị ("+short(p.Breakdown.UnitFactor)+"%: có người loại D)")
	}
	if p.CatalogueTasks > 0 {
		parts = append(parts, "khối lượng quy đổi: hoàn thành "+short(p.UnitsDone)+"/"+short(p.UnitsPlanned)+
			" đơn vị chuẩn ("+strconv.Itoa(p.CatalogueTasks)+" việc theo danh mục)")
	}
	if p.QualityMarks > 0 {
		parts = append(parts, strconv.Itoa(p.QualityMarks)+" lần đánh giá chưa đạt chất lượng")
	}
	if p.Bonus > 0 && strings.TrimSpace(p.BonusReason) != "" {
		parts = append(parts, "thưởng: "+clip(strings.Join(strings.Fields(p.BonusReason), " "), 200))
	}
	return strings.Join(parts, "; ")
}

func overrideVI(o grading.Override) string {
	switch o.Code {
	case grading.OverrideTooFewDays:
		s := "không xếp loại: làm việc ít hơn một nửa số ngày công trong tháng"
		if o.Detail != "" {
			s += " (" + o.Detail + " ngày)"
		}
		return s
	case grading.OverrideDiscipline:
		level := disciplineVI[o.Detail]
		if level == "" {
			level = "kỷ luật"
		} else {
			level = "kỷ luật " + level
		}
		return "bị " + level + " trong tháng → xếp loại D"
	case grading.OverrideQuota:
		from := o.Detail
		if from == "" {
			from = "A"
		}
		return "chuyển từ loại " + from + " sang loại B do giới hạn tỷ lệ loại A của đơn vị"
	default:
		return o.Code
	}
}

// short formats points for Vietnamese text, with a decimal comma and without
// trailing zero decimals: 2000 → "20", 2050 → "20,5", 2055 → "20,55".
func short(p grading.Points) string {
	s := p.String()
	s = strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
	return strings.Replace(s, ".", ",", 1)
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
