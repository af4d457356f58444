// Package report turns the database's approved assessments into the tables an
// organization department (ban tổ chức) files: the monthly results of a unit
// and its sub-units (Monthly), and the quarterly and yearly roll-ups (Quarter,
// Year), written as XLSX with one sheet per unit (WriteXLSX, WriteRollupXLSX)
// or as one UTF-8 CSV (WriteCSV, WriteRollupCSV).
//
// Points stay int64 hundredths (grading.Points) from the database to the
// writers; a float64 exists only for the instant a number is put into a
// spreadsheet cell, where it is the nearest double to an exact two-decimal
// value and is formatted "0.00". Means are exact: the sum of hundredths over
// the count, rounded half up.
//
// The tables carry names and grades, which are personal data: they are for
// the organization department, never for logs.
package report
