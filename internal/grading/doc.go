// Package grading turns one official's month into points and a grade (A, B,
// C, D) under an evaluation framework, and checks a unit's grade-A quota.
//
// It is pure: no I/O beyond its embedded presets (and Load, which reads one
// file an agency names), no clock, no imports of other evalbot packages.
//
// Frameworks are data (TOML, see docs/frameworks.md) because Decision
// 3814-QĐ/TU of the Hanoi Party Committee's Standing Board is a framework each
// agency fills in, and because a grade must be recomputable under the version
// it was given. Two presets ship: "hanoi-3814-2018" (the default) and
// "nd-335-2025" (Decree 335/2025/NĐ-CP).
//
// Points are fixed-point hundredths and ratios are exact rationals: the rules
// round the task score half up to hundredths and compare totals with band
// floors inclusively, which floats get wrong (65.625 would print as 65.62).
package grading
