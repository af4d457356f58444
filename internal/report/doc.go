// Package report turns the database's approved assessments into the tables an
// organization department (ban tổ chức) files: the monthly results of a unit
// and its sub-units (Monthly), written as XLSX with one sheet per unit
// (WriteXLSX) or as one UTF-8 CSV (WriteCSV), and the quarter's or the year's
// table of internal/yearly in the office layout (WritePeriodXLSX,
// WritePeriodCSV). Every word of a table (headers, sheet names, notes) comes
// from locales/ in the reader's language (Translate, In); the Vietnamese
// words are the office's own.
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
