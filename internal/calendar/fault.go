package calendar

// FileErrorCodes are the codes of a FileError.
var FileErrorCodes = []string{"syntax", "unknown_key", "missing_date", "bad_date", "missing_vi", "bad_working_day",
	"not_weekend", "duplicate_holiday", "duplicate_working_day", "holiday_and_working_day"}

// FileError — lỗi tệp ngày nghỉ: a fault of a holiday file (Parse, Load) or
// of the lists given to New. Code is one of FileErrorCodes; the other
// fields say where and what. Error is
// English, for a developer and the logs; Message is the locale message a
// person reads (HolidayFault_<Code>) and its data.
type FileError struct {
	File  string // the path given to Load; "" for Parse and New
	Line  int    // the file's line, 1-based; 0 when not known
	Code  string
	Entry int    // the [[holiday]] entry or the working_saturdays element, 1-based; 0 for none
	Key   string // unknown_key: the key as written («holiday.name»)
	Value string // bad_date, bad_working_day: the value as written
	Date  Date   // the date concerned, when it is a real one
	text  string
}

func (e *FileError) Error() string { return e.text }

// Message is the locale message of the fault, HolidayFault_<Code>, and its
// data: N (Entry), Key, Value, Date (a Date, for the reader to write in its
// language) and Line (0 when not known: the reader then names no line).
func (e *FileError) Message() (string, map[string]any) {
	return "HolidayFault_" + e.Code, map[string]any{"Line": e.Line, "N": e.Entry, "Key": e.Key, "Value": e.Value, "Date": e.Date}
}
