package grading

import (
	"strings"
	"testing"
)

// FuzzParse: Parse never panics, and whatever it accepts is consistent and
// can grade a perfect month. Its seeds (both presets, broken variants) run in
// every plain `go test`.
func FuzzParse(f *testing.F) {
	for _, id := range Presets() {
		src := presetText(f, id)
		f.Add([]byte(src))
		for _, r := range [][2]string{
			{`quality = "1/3"`, `quality = "1/2"`},
			{`quality = "1/3"`, `quality = 0.333`},
			{`quality = "1/3"`, `quality = "1/0"`},
			{`quality = "1/3"`, `quality = "1e999999999"`},
			{"max = 70", "max = 99999999999999999999"},
			{"max = 70", `max = "70.001"`},
			{"max = 5", "max = -5"},
			{"grade = \"B\"\nmin = 70", "grade = \"B\"\nmin = 95"},
			{"grade = \"D\"\nmin = 0", "grade = \"D\"\nmin = 1"},
			{`id = "politics"`, `id = "discipline"`},
			{"[quota]", "[quota]\nextra = 1"},
			{`force_d = [`, `force_d = ["nothing", `},
			{"[[bands]]", "[[bands]]\n[[bands]]"},
		} {
			f.Add([]byte(strings.Replace(src, r[0], r[1], 1)))
		}
		f.Add([]byte(src[:len(src)/2]))
	}
	f.Add([]byte(""))
	f.Add([]byte("id = "))
	f.Add([]byte("[[general]]\n[[general]]\nid = \"a\"\nmax = \"1/2\""))
	f.Add([]byte{0xff, 0xfe, 0x00})

	f.Fuzz(func(t *testing.T, data []byte) {
		fw, err := Parse(data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		if sum := fw.GeneralMax() + fw.TaskMax + fw.BonusMax; sum != 10000 {
			t.Fatalf("accepted maxima summing to %s", sum)
		}
		if fw.Band(0) != GradeD || !fw.Band(10000).Valid() {
			t.Fatalf("bands: %s %s", fw.Band(0), fw.Band(10000))
		}
		in := Input{Criteria: map[string]Points{}, Tasks: []Task{{Status: StatusOnTime}, {Status: StatusLate}}, Bonus: fw.BonusMax}
		for _, c := range fw.General {
			in.Criteria[c.ID] = c.Max
		}
		res, err := fw.Grade(in)
		if err != nil || res.Total < 0 || res.Total > 10000 {
			t.Fatalf("grading a full month: %v %+v", err, res)
		}
		fw.MaxExcellent([]Grade{GradeA, GradeB}, true)
	})
}
