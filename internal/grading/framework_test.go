package grading

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func presetText(t testing.TB, id string) string {
	t.Helper()
	data, err := presetFiles.ReadFile("presets/" + id + ".toml")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func mustPreset(t testing.TB, id string) *Framework {
	t.Helper()
	f, err := Preset(id)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestPresets(t *testing.T) {
	if got := Presets(); !slices.Equal(got, []string{"hanoi-3814-2018", "nd-335-2025"}) {
		t.Fatalf("Presets() = %v", got)
	}
	if !slices.Contains(Presets(), DefaultFrameworkID) {
		t.Fatalf("default %q is not a preset", DefaultFrameworkID)
	}
	if _, err := Preset("nd-999"); err == nil {
		t.Fatal("Preset(unknown) succeeded")
	}

	h := mustPreset(t, "hanoi-3814-2018")
	if h.GeneralMax() != 2000 || h.TaskMax != 7000 || h.BonusMax != 1000 || len(h.General) != 4 {
		t.Errorf("3814: general %s task %s bonus %s (%d criteria)", h.GeneralMax(), h.TaskMax, h.BonusMax, len(h.General))
	}
	n := mustPreset(t, "nd-335-2025")
	if n.GeneralMax() != 3000 || n.TaskMax != 7000 || n.BonusMax != 0 || len(n.General) != 6 {
		t.Errorf("335: general %s task %s bonus %s (%d criteria)", n.GeneralMax(), n.TaskMax, n.BonusMax, len(n.General))
	}
	var ids []string
	for _, c := range n.General {
		ids = append(ids, c.ID)
	}
	if want := []string{"politics", "ethics_culture", "discipline", "responsibility", "service_attitude", "innovation"}; !slices.Equal(ids, want) {
		t.Errorf("335 criteria = %v, want %v", ids, want)
	}
}

func TestNames(t *testing.T) {
	f := mustPreset(t, DefaultFrameworkID)
	for g, want := range map[Grade][2]string{
		GradeA: {"Hoàn thành xuất sắc nhiệm vụ", "Excellent"},
		GradeB: {"Hoàn thành tốt nhiệm vụ", "Good"},
		GradeC: {"Hoàn thành nhiệm vụ", "Satisfactory"},
		GradeD: {"Không hoàn thành nhiệm vụ", "Unsatisfactory"},
	} {
		if vi, en := f.BandName(g, "vi"), f.BandName(g, "en"); vi != want[0] || en != want[1] {
			t.Errorf("BandName(%s) = %q / %q", g, vi, en)
		}
	}
	if got := f.BandName(GradeA, "fr"); got != "Hoàn thành xuất sắc nhiệm vụ" {
		t.Errorf("fallback to vi: %q", got)
	}
	if got := f.BandName("E", "en"); got != "E" {
		t.Errorf("unknown grade name %q", got)
	}
	if got := f.CriterionName("style", "en"); got != "Working style and manner" {
		t.Errorf("CriterionName en %q", got)
	}
	if got := f.CriterionName("style", "ja"); got != "Tác phong, lề lối làm việc" {
		t.Errorf("CriterionName fallback %q", got)
	}
	if got := f.CriterionName("charisma", "en"); got != "charisma" {
		t.Errorf("CriterionName unknown %q", got)
	}
	if f.Title("en") == "" || f.Title("vi") == "" {
		t.Error("empty title")
	}
	if min, ok := f.BandMin(GradeB); !ok || min != 7000 {
		t.Errorf("BandMin(B) = %s, %v", min, ok)
	}
}

func TestPresetIsACopy(t *testing.T) {
	f := mustPreset(t, DefaultFrameworkID)
	f.General[0].Max = 1
	f.General[0].Name["vi"] = "x"
	f.Name["vi"] = "x"
	g := mustPreset(t, DefaultFrameworkID)
	if g.General[0].Max != 500 || g.General[0].Name["vi"] == "x" || g.Name["vi"] == "x" {
		t.Fatal("Preset returned shared state")
	}
}

func TestParseCustomFramework(t *testing.T) {
	// Decimal maxima, unequal weights, fractional steps, no exceptional share.
	src := `
id = "ubnd-xa-a"
version = "2026.2"
name = { vi = "Khung của xã A" }

[[general]]
id = "attitude"
max = "12.5"
name = { vi = "Thái độ" }

[[general]]
id = "discipline"
max = "12.5"
name = { vi = "Kỷ luật", en = "Discipline" }

[tasks]
max = 75
quantity = "0.5"
quality = "0.25"
progress = "1/4"
fault_step = "0.1"
delay_step = 0

[bonus]
max = 0

[complaints]
each = "0.5"
monthly_cap = 2

[leader]
own_share = "2/3"
unit_factor_all_c = 1
unit_factor_any_d = 0

[[bands]]
grade = "A"
min = "92.5"
name = { vi = "Xuất sắc" }
[[bands]]
grade = "B"
min = 75
name = { vi = "Tốt" }
[[bands]]
grade = "C"
min = 50
name = { vi = "Đạt" }
[[bands]]
grade = "D"
min = 0
name = { vi = "Không đạt" }

[quota]
kind = "share_of_graded"
share = "0.25"

[overrides]
force_d = ["warning", "dismissal"]
min_worked_share = "2/3"
`
	f, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if f.General[0].Max != 1250 || f.TaskMax != 7500 {
		t.Fatalf("maxima %s %s", f.General[0].Max, f.TaskMax)
	}
	if f.Band(9250) != GradeA || f.Band(9249) != GradeB {
		t.Error("decimal band floor")
	}
	if f.MaxExcellent([]Grade{"A", "A", "A", "B"}, true) != 1 { // exceptional share defaults to share
		t.Error("exceptional share default")
	}
	in := Input{Criteria: map[string]Points{"attitude": 1250, "discipline": 1250},
		Tasks:      []Task{{Status: StatusOnTime, QualityFaults: 2}, {Status: StatusLate, Delays: 9}},
		Discipline: DisciplineReprimand, ConfirmedComplaints: 3}
	res, err := f.Grade(in)
	if err != nil {
		t.Fatal(err)
	}
	// quantity 1, quality (0.8+1)/2 = 0.9, progress 1 (delay step 0): 75 × (0.5 + 0.225 + 0.25) = 73.125 → 73.13
	if res.Task != 7313 || res.Deduction != 150 || res.Total != 9663 || res.Grade != GradeA || len(res.Overrides) != 0 {
		t.Errorf("custom: %+v", res)
	}
	// A worked share of 2/3: 13 of 20 is below, 14 of 21 is exactly it.
	if res, _ := f.Grade(Input{WorkingDays: 20, WorkedDays: 13}); res.Graded {
		t.Error("13/20 graded")
	}
	if res, err := f.Grade(Input{Criteria: in.Criteria, Tasks: in.Tasks, WorkingDays: 21, WorkedDays: 14}); err != nil || !res.Graded {
		t.Errorf("14/21: %v %+v", err, res)
	}
	// Head: 2/3 own + 1/3 × 0 when any D.
	res, err = f.Grade(Input{Criteria: in.Criteria, Tasks: []Task{{Status: StatusOnTime}}, Role: RoleHead, SubordinateGrades: []Grade{"D"}})
	if err != nil || res.Task != 5000 {
		t.Errorf("head any D: %v task %s", err, res.Task)
	}
}

// TestParseRejects breaks the default preset one field at a time; each error
// must be a *FrameworkError naming the field.
func TestParseRejects(t *testing.T) {
	base := presetText(t, DefaultFrameworkID)
	if _, err := Parse([]byte(base)); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, old, new, field string
	}{
		{"weights not adding to 1", `quality = "1/3"`, `quality = "1/2"`, "tasks"},
		{"weight above 1", `quantity = "1/3"`, `quantity = "4/3"`, "tasks.quantity"},
		{"weight garbage", `quantity = "1/3"`, `quantity = "a third"`, "tasks.quantity"},
		{"weight zero denominator", `quantity = "1/3"`, `quantity = "1/0"`, "tasks.quantity"},
		{"maxima not 100", "[tasks]\nmax = 70", "[tasks]\nmax = 60", "general[].max + tasks.max + bonus.max"},
		{"bonus breaks 100", "[bonus]\nmax = 10", "[bonus]\nmax = 20", "general[].max + tasks.max + bonus.max"},
		{"criterion max 0", "id = \"ethics\"\nmax = 5", "id = \"ethics\"\nmax = 0", "general[1].max"},
		{"criterion max negative", "id = \"ethics\"\nmax = 5", "id = \"ethics\"\nmax = -5", "general[1].max"},
		{"duplicate criterion", `id = "style"`, `id = "ethics"`, "general[2].id"},
		{"bad criterion id", `id = "style"`, `id = "Style Points"`, "general[2].id"},
		{"unquoted decimal", "id = \"ethics\"\nmax = 5", "id = \"ethics\"\nmax = 5.0", "general.max"},
		{"three decimals", "id = \"ethics\"\nmax = 5", "id = \"ethics\"\nmax = \"5.001\"", "general[1].max"},
		{"unknown top-level key", `version = "1"`, "version = \"1\"\ncolour = \"red\"", "colour"},
		{"unknown nested key", "[tasks]\n", "[tasks]\nweight = 1\n", "tasks.weight"},
		{"unknown section", "[bonus]\n", "[bonuses]\nmax = 1\n[bonus]\n", "bonuses"},
		{"misspelt key", "monthly_cap = 5", "monthly_cap = 5\nmontly_cap = 5", "complaints.montly_cap"},
		{"missing version", `version = "1"`, ``, "version"},
		{"missing task weight", `progress = "1/3"`, ``, "tasks.progress"},
		{"missing complaints cap", "monthly_cap = 5", "", "complaints.monthly_cap"},
		{"bands overlap", "grade = \"B\"\nmin = 70", "grade = \"B\"\nmin = 90", "bands[1].min"},
		{"bands out of order", "grade = \"C\"\nmin = 50", "grade = \"C\"\nmin = 75", "bands[2].min"},
		{"band gap at the bottom", "grade = \"D\"\nmin = 0", "grade = \"D\"\nmin = 10", "bands[3].min"},
		{"bands not A B C D", "grade = \"B\"", "grade = \"A\"", "bands[1].grade"},
		{"band above 100", "grade = \"A\"\nmin = 90", "grade = \"A\"\nmin = 101", "bands[0].min"},
		{"band without vi name", `name = { vi = "Hoàn thành tốt nhiệm vụ", en = "Good" }`, `name = { en = "Good" }`, "bands[1].name.vi"},
		{"quota kind", `kind = "share_of_graded"`, `kind = "percent"`, "quota.kind"},
		{"quota share above 1", `share = "3/10"`, `share = "3"`, "quota.share"},
		{"unknown discipline", `force_d = ["reprimand", "warning", "demotion", "dismissal"]`, `force_d = ["reprimand", "caution"]`, "overrides.force_d[1]"},
		{"duplicate discipline", `force_d = ["reprimand", "warning", "demotion", "dismissal"]`, `force_d = ["warning", "warning"]`, "overrides.force_d[1]"},
		{"leader D above all-C", `unit_factor_all_c = "1"`, `unit_factor_all_c = "1/4"`, "leader.unit_factor_any_d"},
		{"leader factor type", `unit_factor_all_c = "1"`, `unit_factor_all_c = true`, "leader.unit_factor_all_c"},
		{"version type", `version = "1"`, `version = 1`, "version"},
		{"name type", `name = { vi = "Phẩm chất đạo đức, lối sống", en = "Ethics and lifestyle" }`, `name = "ethics"`, "general[1].name.vi"},
		{"min worked share", `min_worked_share = "1/2"`, `min_worked_share = "-1/2"`, "overrides.min_worked_share"},
		{"bad id", `id = "hanoi-3814-2018"`, `id = "Hà Nội"`, "id"},
		{"complaint cap above 100", "monthly_cap = 5", "monthly_cap = 500", "complaints.monthly_cap"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(base, c.old) {
				t.Fatalf("preset lacks %q", c.old)
			}
			_, err := Parse([]byte(strings.Replace(base, c.old, c.new, 1)))
			var fe *FrameworkError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want a *FrameworkError", err)
			}
			if fe.Field != c.field {
				t.Errorf("field = %q, want %q (%v)", fe.Field, c.field, err)
			}
			if !strings.Contains(err.Error(), c.field) {
				t.Errorf("message %q does not name %q", err, c.field)
			}
		})
	}
}

func TestParseSyntaxError(t *testing.T) {
	_, err := Parse([]byte("id = \"x\"\nversion = \n"))
	var fe *FrameworkError
	if !errors.As(err, &fe) || fe.Line != 2 || fe.Field != "version" {
		t.Fatalf("err = %v (line %d)", err, fe.Line)
	}
	_, err = Parse([]byte("id = \"x\"\nversion = \"1\"\ntasks = 5\n"))
	if !errors.As(err, &fe) || fe.Field != "tasks" || fe.Line != 3 {
		t.Fatalf("section not a table: %v (field %q, line %d)", err, fe.Field, fe.Line)
	}
}

func TestLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "agency.toml")
	src := strings.Replace(presetText(t, "nd-335-2025"), `id = "nd-335-2025"`, `id = "so-noi-vu"`, 1)
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil || f.ID != "so-noi-vu" {
		t.Fatalf("Load: %v", err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.toml")); err == nil {
		t.Fatal("Load of a missing file succeeded")
	}
	os.WriteFile(path, []byte("id = 1"), 0o600)
	var fe *FrameworkError
	if _, err := Load(path); !errors.As(err, &fe) || !strings.Contains(err.Error(), path) {
		t.Fatalf("Load of a bad file: %v", err)
	}
}
