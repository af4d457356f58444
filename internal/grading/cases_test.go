package grading

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// casesFile finds grading-cases.json: $EVALBOT_SHARED_DATA (a directory or the
// file itself), else the shared copy beside the repository, else testdata.
func casesFile(t *testing.T) string {
	t.Helper()
	const name = "grading-cases.json"
	if dir := os.Getenv("EVALBOT_SHARED_DATA"); dir != "" {
		p := dir
		if !strings.HasSuffix(dir, ".json") {
			p = filepath.Join(dir, name)
		}
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("EVALBOT_SHARED_DATA=%s: %v", dir, err)
		}
		return p
	}
	shared := filepath.Join("..", "..", "..", "shared", "data", name)
	local := filepath.Join("testdata", name)
	if _, err := os.Stat(shared); err == nil {
		a, _ := os.ReadFile(shared)
		if b, err := os.ReadFile(local); err == nil && !bytes.Equal(a, b) {
			t.Logf("note: %s differs from %s; refresh the testdata copy", local, shared)
		}
		return shared
	}
	if _, err := os.Stat(local); err == nil {
		return local
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s not found (looked in %s and %s)", name, shared, local)
	}
	t.Skipf("%s not found", name)
	return ""
}

type caseFile struct {
	About   string        `json:"about"`
	Grading []gradingCase `json:"grading"`
	Quota   []quotaCase   `json:"quota"`
}

type gradingCase struct {
	Name      string    `json:"name"`
	Framework string    `json:"framework"`
	Input     caseInput `json:"input"`
	Expected  struct {
		Graded    bool     `json:"graded"`
		Total     *string  `json:"total"`
		Grade     *string  `json:"grade"`
		Overrides []string `json:"overrides"`
		Error     string   `json:"error"`
	} `json:"expected"`
}

type caseInput struct {
	Criteria map[string]json.Number `json:"criteria"`
	Tasks    []struct {
		Status        string      `json:"status"`
		Delays        int         `json:"delays"`
		QualityFaults int         `json:"quality_faults"`
		Weight        json.Number `json:"weight"`
	} `json:"tasks"`
	ManualTaskScore     *json.Number `json:"manual_task_score"`
	Bonus               json.Number  `json:"bonus"`
	ConfirmedComplaints int          `json:"confirmed_complaints"`
	DisciplineAction    string       `json:"discipline_action"`
	WorkingDays         int          `json:"working_days"`
	WorkedDays          int          `json:"worked_days"`
	Role                string       `json:"role"`
	SubordinateGrades   []string     `json:"subordinate_grades"`
}

type quotaCase struct {
	Name                 string   `json:"name"`
	Framework            string   `json:"framework"`
	Grades               []string `json:"grades"`
	Exceptional          bool     `json:"exceptional"`
	ExpectedMaxExcellent int      `json:"expected_max_excellent"`
}

func loadCases(t *testing.T) caseFile {
	t.Helper()
	data, err := os.ReadFile(casesFile(t))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()             // decimals stay exact
	dec.DisallowUnknownFields() // a new field in the cases must not pass unnoticed
	var cf caseFile
	if err := dec.Decode(&cf); err != nil {
		t.Fatalf("decode cases: %v", err)
	}
	if len(cf.Grading) == 0 || len(cf.Quota) == 0 {
		t.Fatalf("cases file has %d grading and %d quota cases", len(cf.Grading), len(cf.Quota))
	}
	return cf
}

func pts(t *testing.T, n json.Number) Points {
	t.Helper()
	if n == "" {
		return 0
	}
	p, err := ParsePoints(string(n))
	if err != nil {
		t.Fatalf("case number %q: %v", n, err)
	}
	return p
}

func (ci caseInput) toInput(t *testing.T) Input {
	in := Input{
		Criteria:            map[string]Points{},
		Bonus:               pts(t, ci.Bonus),
		ConfirmedComplaints: ci.ConfirmedComplaints,
		Discipline:          Discipline(ci.DisciplineAction),
		WorkingDays:         ci.WorkingDays,
		WorkedDays:          ci.WorkedDays,
		Role:                Role(ci.Role),
	}
	for id, v := range ci.Criteria {
		in.Criteria[id] = pts(t, v)
	}
	for _, tk := range ci.Tasks {
		in.Tasks = append(in.Tasks, Task{Weight: pts(t, tk.Weight), Status: TaskStatus(tk.Status),
			Delays: tk.Delays, QualityFaults: tk.QualityFaults})
	}
	if ci.ManualTaskScore != nil {
		m := pts(t, *ci.ManualTaskScore)
		in.ManualTaskScore = &m
	}
	for _, g := range ci.SubordinateGrades {
		in.SubordinateGrades = append(in.SubordinateGrades, Grade(g))
	}
	return in
}

// expectedKind maps the cases' error texts to kinds; the texts are the kinds' own.
func expectedKind(text string) (ErrorKind, bool) {
	for k := ErrBadInput; int(k) < len(kindText); k++ {
		if k.Error() == text {
			return k, true
		}
	}
	return 0, false
}

func TestSharedGradingCases(t *testing.T) {
	cf := loadCases(t)
	for _, c := range cf.Grading {
		t.Run(c.Name, func(t *testing.T) {
			f, err := Preset(c.Framework)
			if err != nil {
				t.Fatal(err)
			}
			res, err := f.Grade(c.Input.toInput(t))
			if c.Expected.Error != "" {
				kind, ok := expectedKind(c.Expected.Error)
				if !ok {
					t.Fatalf("no ErrorKind for expected error %q", c.Expected.Error)
				}
				var ie *InputError
				if !errors.Is(err, kind) || !errors.As(err, &ie) || ie.Kind != kind {
					t.Fatalf("err = %v, want kind %q", err, kind)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if res.Graded != c.Expected.Graded {
				t.Errorf("graded = %v, want %v", res.Graded, c.Expected.Graded)
			}
			if c.Expected.Total == nil {
				if res.Total != 0 || res.Grade != "" {
					t.Errorf("not graded but total %s, grade %q", res.Total, res.Grade)
				}
			} else if res.Total.String() != *c.Expected.Total {
				t.Errorf("total = %s, want %s", res.Total, *c.Expected.Total)
			}
			if c.Expected.Grade != nil && string(res.Grade) != *c.Expected.Grade {
				t.Errorf("grade = %s, want %s", res.Grade, *c.Expected.Grade)
			}
			var codes []string
			for _, o := range res.Overrides {
				codes = append(codes, o.Code)
			}
			if !slices.Equal(codes, c.Expected.Overrides) && len(codes)+len(c.Expected.Overrides) > 0 {
				t.Errorf("overrides = %v, want %v", codes, c.Expected.Overrides)
			}
			if res.FrameworkID != c.Framework || res.FrameworkVersion == "" {
				t.Errorf("framework = %s@%s", res.FrameworkID, res.FrameworkVersion)
			}
		})
	}
}

func TestSharedQuotaCases(t *testing.T) {
	cf := loadCases(t)
	for _, c := range cf.Quota {
		t.Run(c.Name, func(t *testing.T) {
			f, err := Preset(c.Framework)
			if err != nil {
				t.Fatal(err)
			}
			gs := make([]Grade, len(c.Grades))
			for i, g := range c.Grades {
				gs[i] = Grade(g)
			}
			if got := f.MaxExcellent(gs, c.Exceptional); got != c.ExpectedMaxExcellent {
				t.Errorf("MaxExcellent = %d, want %d", got, c.ExpectedMaxExcellent)
			}
		})
	}
}
