// Package yearly computes every person's quarter or year from the stored
// monthly results (Decree 335/2025/NĐ-CP Art. 21: before 15 December, the
// mean of the year's graded months; Quy định 366-QĐ/TW for quarters), keeps
// the draft results, and lets the head confirm or adjust them with a reason.
//
// History belongs to the person: a person's months are read by person,
// whatever unit each month was evaluated in (assessments.unit_id, with its
// reviewer), and the period is graded under the framework of the unit the
// person belongs to at the period's end, where the period's grade-A quota is
// also counted. Months not worked or not graded are left out of the mean
// (grading.YearResult). Nobody is demoted for the quota silently: Compute
// reports who is over it, and the head chooses (Adjust).
package yearly
