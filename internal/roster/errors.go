package roster

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
)

// Machine codes of a RowError (lỗi dòng). They are stable: the bot and the CLI
// render them in Vietnamese or English from the locales, keyed by the code.
const (
	// File-level faults: returned as the error of ReadUnits/ReadOfficials.
	CodeUnsupportedFormat = "unsupported_format" // neither CSV nor XLSX (e.g. an old .xls)
	CodeInvalidEncoding   = "invalid_encoding"   // a CSV that is not UTF-8 (or UTF-16 with a BOM)
	CodeMalformedFile     = "malformed_file"     // a CSV quote error or an unreadable workbook; Line when known
	CodeUnclosedQuote     = "unclosed_quote"     // a CSV cell's opening quote never closed (it swallowed the lines after it); Line where it opened
	CodeMissingColumns    = "missing_columns"    // Field lists the missing required columns, comma separated
	CodeDuplicateColumn   = "duplicate_column"   // two columns map to the same field (Field), Value is the second header
	CodeFileTooLarge      = "file_too_large"     // larger than MaxFileBytes; Value is the limit in MiB
	CodeTooManyRows       = "too_many_rows"      // more than MaxRows data rows; Value is the limit

	// Row faults.
	CodeMissingValue        = "missing_value"        // a required cell is empty (Field says which)
	CodeDuplicateCode       = "duplicate_code"       // employee_code or unit code seen earlier in the file
	CodeUnknownUnit         = "unknown_unit"         // unit_code is neither in this import nor in the database
	CodeUnknownCategory     = "unknown_category"     // not cán bộ / công chức / viên chức / lao động hợp đồng
	CodeInvalidPhone        = "invalid_phone"        // not a Vietnamese mobile number
	CodeDuplicatePhone      = "duplicate_phone"      // the same phone as an earlier row (binding by phone needs it unique)
	CodeSecondHead          = "second_head"          // the unit already has a head (in the file, or an active one in the database not in the file)
	CodeUnsupportedLanguage = "unsupported_language" // not vi or en
	CodeInvalidValue        = "invalid_value"        // a yes/no cell (is_head, exceptional) that is neither
	CodeUnknownParent       = "unknown_parent"       // parent_code is neither in this import nor in the database
	CodeUnitCycle           = "unit_cycle"           // the unit is its own ancestor
)

// RowError — lỗi dòng: one fault in one row (or, for the file-level codes, in
// the file). File is the name given to the reader; Line is the file's line
// number (the header is usually line 1) or the sheet's row number; Field is
// the canonical English column name (employee_code, full_name, unit_code,
// category, position, is_head, phone, language; code, name, parent_code,
// exceptional); Code is one of the Code* constants; Value is the offending
// cell as read (trimmed), which may be personal data: show it to the
// importing clerk, never log it.
type RowError struct {
	File  string
	Line  int
	Field string
	Code  string
	Value string
	// Column is Field's header as the file wrote it («ĐVT», «Đang dùng»),
	// for telling the clerk; "" when the file has no such column.
	Column string
}

// headers are a file's header cells as written, by field; a pointer keeps
// the row types comparable.
type headers struct{ byField map[string]string }

// named sets the Column of each fault from the file's headers, and returns
// errs.
func named(errs []RowError, h *headers) []RowError {
	if h == nil {
		return errs
	}
	for i := range errs {
		if errs[i].Column == "" {
			errs[i].Column = h.byField[errs[i].Field]
		}
	}
	return errs
}

// Place is the column to name to the clerk: as the file wrote it, else the
// canonical field.
func (e RowError) Place() string {
	if e.Column != "" {
		return e.Column
	}
	return e.Field
}

// Error renders the fault in English for logs and as the CLI's fallback. It
// leaves out the value of personal fields (full_name, phone).
func (e *RowError) Error() string {
	where := e.File
	if where == "" {
		where = "input"
	}
	if e.Line > 0 {
		where += " line " + strconv.Itoa(e.Line)
	}
	msg, ok := codeText[e.Code]
	if !ok {
		msg = e.Code
	}
	s := where + ": "
	if e.Field != "" && e.Code != CodeMissingColumns {
		s += e.Field + ": "
	}
	s += msg
	switch {
	case e.Code == CodeMissingColumns:
		s += ": " + e.Field
	case e.Value != "" && e.Field != "full_name" && e.Field != "phone":
		s += fmt.Sprintf(" (%q)", e.Value)
	}
	return s
}

var codeText = map[string]string{
	CodeUnsupportedFormat:   "not a CSV or XLSX file",
	CodeInvalidEncoding:     "the CSV file is not UTF-8; save it as \"CSV UTF-8\"",
	CodeMalformedFile:       "the file cannot be read",
	CodeUnclosedQuote:       "a quote opened here is never closed",
	CodeFileTooLarge:        "the file is too large",
	CodeTooManyRows:         "the file has too many rows",
	CodeMissingColumns:      "required columns are missing",
	CodeDuplicateColumn:     "two columns mean the same field",
	CodeMissingValue:        "empty",
	CodeDuplicateCode:       "code already used on an earlier row",
	CodeUnknownUnit:         "unknown unit",
	CodeUnknownCategory:     "unknown category",
	CodeInvalidPhone:        "not a Vietnamese mobile number",
	CodeDuplicatePhone:      "phone number already used on an earlier row",
	CodeSecondHead:          "the unit already has a head",
	CodeUnsupportedLanguage: "unsupported language (vi or en)",
	CodeInvalidValue:        "not a yes/no value",
	CodeUnknownParent:       "unknown parent unit",
	CodeUnitCycle:           "the unit would be its own ancestor",
	CodeInvalidFactor:       "not a conversion factor (0.01 to 100, at most two decimals)",
	CodeInvalidItem:         "not a catalogue code (1 to 16 of A-Z, 0-9, -, _ or .)",
	CodeUnknownAgency:       "unknown agency",
}

// FileFault reports whether code is a file-level fault: the file could not be
// read at all, so no row of it (nor of a file that refers to it) is checked.
func FileFault(code string) bool {
	switch code {
	case CodeUnsupportedFormat, CodeInvalidEncoding, CodeMalformedFile, CodeUnclosedQuote, CodeMissingColumns, CodeDuplicateColumn,
		CodeFileTooLarge, CodeTooManyRows:
		return true
	}
	return false
}

// fieldOrder sorts the errors of one line in column order.
var fieldOrder = map[string]int{
	"code": 1, "employee_code": 1, "name": 2, "full_name": 2, "parent_code": 3, "unit_code": 3,
	"exceptional": 4, "category": 4, "position": 5, "is_head": 6, "phone": 7, "language": 8, "task_group": 9,
	"measure": 3, "factor": 4, "applies_to": 5, "active": 6,
}

// sortErrors orders errors by file, line and column, and drops exact repeats.
func sortErrors(errs []RowError) []RowError {
	slices.SortStableFunc(errs, func(a, b RowError) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line),
			cmp.Compare(fieldOrder[a.Field], fieldOrder[b.Field]), cmp.Compare(a.Code, b.Code))
	})
	return slices.CompactFunc(errs, func(a, b RowError) bool { return a == b })
}

// Error — lỗi: a failure of an invite, a binding or a look-up, with a stable
// machine code for the locales. The package's values are sentinels: compare
// with errors.Is.
type Error struct {
	Code string
	msg  string
}

// Error returns the English text.
func (e *Error) Error() string { return e.msg }

// Sentinel errors. Codes in brackets.
var (
	// ErrNotFound: no such official or unit [not_found].
	ErrNotFound = &Error{"not_found", "roster: not found"}
	// ErrRowsInvalid: Import found faulty rows and wrote nothing; the rows are in Report.Errors [rows_invalid].
	ErrRowsInvalid = &Error{"rows_invalid", "roster: the import has faulty rows; nothing was written"}
	// ErrManyLeaving: the import would deactivate more than MaxLeavingShare
	// percent of the active officials and Options.ManyLeaving is not set;
	// nothing was written, the report says what would have been [many_leaving].
	ErrManyLeaving = &Error{"many_leaving", "roster: the import would deactivate too many officials; nothing was written"}
	// ErrInviteUnknown: the token is not an invite (mistyped, or never issued) [invite_unknown].
	ErrInviteUnknown = &Error{"invite_unknown", "roster: unknown invite"}
	// ErrInviteExpired: the invite is past its expiry [invite_expired].
	ErrInviteExpired = &Error{"invite_expired", "roster: invite expired"}
	// ErrInviteUsed: the invite was already redeemed by another Telegram account [invite_used].
	ErrInviteUsed = &Error{"invite_used", "roster: invite already used"}
	// ErrAccountBound: this Telegram account is already bound to another active official [account_bound].
	ErrAccountBound = &Error{"account_bound", "roster: this Telegram account is bound to another official"}
	// ErrInactive: the official has left the roster (active=false) [inactive].
	ErrInactive = &Error{"inactive", "roster: the official is not active"}
	// ErrPhoneUnknown: no active official has this phone number [phone_unknown].
	ErrPhoneUnknown = &Error{"phone_unknown", "roster: no active official has this phone number"}
	// ErrPhoneAmbiguous: several active officials share this phone number [phone_ambiguous].
	ErrPhoneAmbiguous = &Error{"phone_ambiguous", "roster: several officials have this phone number"}
	// ErrAlreadyBoundToOther: the official with this phone is bound to a different Telegram account [already_bound_to_other].
	ErrAlreadyBoundToOther = &Error{"already_bound_to_other", "roster: the official is bound to another Telegram account"}
	// ErrInvalidPhone: not a Vietnamese mobile number (see NormalizePhone) [invalid_phone].
	ErrInvalidPhone = &Error{"invalid_phone", "roster: not a Vietnamese mobile number"}
)
