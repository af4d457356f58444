package grading

import "testing"

// BenchmarkGrade: one official's month under the default preset, 4 criteria
// and 10 tasks of mixed outcome.
func BenchmarkGrade(b *testing.B) {
	f := mustPreset(b, DefaultFrameworkID)
	in := Input{
		Criteria: map[string]Points{"politics": 500, "ethics": 450, "style": 500, "discipline": 400},
		Tasks: []Task{
			{Status: StatusOnTime}, {Status: StatusOnTime, Weight: 150}, {Status: StatusLate, Delays: 1},
			{Status: StatusOnTime, QualityFaults: 1}, {Status: StatusNotDone, Weight: 50}, {Status: StatusOnTime},
			{Status: StatusLate, Delays: 2, Weight: 200}, {Status: StatusOnTime}, {Status: StatusOnTime, Weight: 75},
			{Status: StatusLate, Delays: 1, QualityFaults: 1},
		},
		Bonus:               250,
		ConfirmedComplaints: 1,
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.Grade(in); err != nil {
			b.Fatal(err)
		}
	}
}
