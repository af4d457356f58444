// Package roster holds the unit tree (đơn vị) and the officials (cán bộ, công
// chức, viên chức, lao động hợp đồng) in it: reading them from the spreadsheets
// an organization department (ban tổ chức) keeps, importing them in one
// transaction with per-row errors, one-time Telegram invites and the
// phone-number binding, and the read helpers the bot needs to find who reviews
// whom (HeadOf, Subordinates).
//
// The import is two steps. ReadUnits and ReadOfficials turn a CSV or XLSX file
// into normalized rows plus the faults they can see in one row alone; Import
// validates everything again together with the database (unknown units,
// duplicate codes, a second head, a cycle in the tree) and applies it in one
// transaction, or writes nothing. Import's Report.Errors is the complete list:
// a caller that imports does not need to merge the readers' lists.
//
// Nothing in this package logs. Errors carry ids, codes and line numbers; the
// Error() texts of RowError leave out names and phone numbers.
package roster
