package citizen

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/store"
	"evalbot/internal/textnorm"
)

// DeskRow is one line of a desks file (the shape of shared/data/roster/desks.csv:
// desk_code,name,unit_code,employee_code), trimmed; codes upper case.
type DeskRow struct {
	Line         int
	Code         string // desk_code, e.g. HCC-Q1
	Name         string
	UnitCode     string
	EmployeeCode string // who serves there by default; may be empty
}

// Codes of a RowError.
const (
	CodeMissingColumns  = "missing_columns"      // Field lists them
	CodeMalformed       = "malformed_file"       // the CSV cannot be read
	CodeTooLarge        = "file_too_large"       // over MaxDeskFileBytes; Value is the limit in MiB
	CodeMissingValue    = "missing_value"        // a required cell is empty
	CodeInvalidCode     = "invalid_code"         // desk_code is not 1–32 of A-Z 0-9 - _ .
	CodeDuplicateCode   = "duplicate_code"       // desk_code seen on an earlier line
	CodeUnknownUnit     = "unknown_unit"         // unit_code is not in the database
	CodeUnknownOfficial = "unknown_official"     // employee_code is not an active official
	CodeNotInUnit       = "official_not_in_unit" // the official belongs to another unit
)

// RowError is one fault of one line of a desks file. Field is the
// canonical column (desk_code, name, unit_code, employee_code; for
// CodeMissingColumns the missing ones, comma separated), Column its header
// as the file wrote it («Mã quầy»), "" when the fault is not read from the
// file's cells (ImportDesks) or the file has no such column.
type RowError struct {
	File   string
	Line   int
	Field  string
	Code   string
	Value  string
	Column string
}

func (e RowError) Error() string {
	s := e.File
	if e.Line > 0 {
		s += " line " + strconv.Itoa(e.Line)
	}
	s += ": "
	if e.Field != "" {
		s += e.Field + ": "
	}
	s += strings.ReplaceAll(e.Code, "_", " ")
	if e.Value != "" {
		s += fmt.Sprintf(" (%q)", e.Value)
	}
	return s
}

// deskHeaders are the headers a desks file may have, by textnorm.Fold (case,
// diacritics and punctuation aside: «Mã quầy», «MA_QUAY», «ma quay»).
var deskHeaders = map[string]string{
	"desk code": "desk_code", "code": "desk_code", "desk": "desk_code", "ma quay": "desk_code", "quay": "desk_code",
	"name": "name", "desk name": "name", "ten": "name", "ten quay": "name",
	"unit code": "unit_code", "unit": "unit_code", "ma don vi": "unit_code", "don vi": "unit_code", "ma dv": "unit_code",
	"employee code": "employee_code", "employee": "employee_code", "official": "employee_code", "ma can bo": "employee_code",
	"can bo": "employee_code", "can bo truc": "employee_code", "ma cb": "employee_code",
}

// MaxDeskFileBytes is the largest desks file read (1 MiB: thousands of
// desks); a larger one is refused whole with CodeTooLarge.
const MaxDeskFileBytes = 1 << 20

// ReadDesks reads a desks CSV (UTF-8, a BOM allowed). Faulty lines are
// returned as RowErrors; the error is for a file that cannot be read at all.
func ReadDesks(r io.Reader, file string) ([]DeskRow, []RowError, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxDeskFileBytes+1))
	if err != nil {
		return nil, nil, err
	}
	if len(data) > MaxDeskFileBytes {
		return nil, []RowError{{File: file, Code: CodeTooLarge, Value: "1"}}, nil
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, []RowError{{File: file, Code: CodeMalformed}}, nil
	}
	if len(recs) == 0 {
		return nil, []RowError{{File: file, Line: 1, Field: "desk_code,name,unit_code", Code: CodeMissingColumns}}, nil
	}
	col := map[string]int{}
	header := map[string]string{} // the file's header of each field
	for i, h := range recs[0] {
		if f, ok := deskHeaders[textnorm.Fold(h)]; ok {
			if _, dup := col[f]; !dup {
				col[f], header[f] = i, textnorm.Clean(h)
			}
		}
	}
	var missing []string
	for _, f := range []string{"desk_code", "name", "unit_code"} {
		if _, ok := col[f]; !ok {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		return nil, []RowError{{File: file, Line: 1, Field: strings.Join(missing, ","), Code: CodeMissingColumns}}, nil
	}
	cell := func(rec []string, f string) string {
		i, ok := col[f]
		if !ok || i >= len(rec) {
			return ""
		}
		return textnorm.Clean(rec[i])
	}
	var rows []DeskRow
	var errs []RowError
	seen := map[string]int{}
	for n, rec := range recs[1:] {
		line := n + 2
		blank := true
		for _, c := range rec {
			if textnorm.Clean(c) != "" {
				blank = false
			}
		}
		if blank {
			continue
		}
		d := DeskRow{Line: line, Code: cleanDeskCode(cell(rec, "desk_code")), Name: cell(rec, "name"),
			UnitCode: strings.ToUpper(cell(rec, "unit_code")), EmployeeCode: strings.ToUpper(cell(rec, "employee_code"))}
		bad := false
		for _, f := range [][2]string{{"desk_code", d.Code}, {"name", d.Name}, {"unit_code", d.UnitCode}} {
			if f[1] == "" {
				errs = append(errs, RowError{File: file, Line: line, Field: f[0], Code: CodeMissingValue, Column: header[f[0]]})
				bad = true
			}
		}
		if d.Code != "" && !validDeskCode(d.Code) {
			errs = append(errs, RowError{File: file, Line: line, Field: "desk_code", Code: CodeInvalidCode, Value: d.Code, Column: header["desk_code"]})
			bad = true
		}
		if d.Code != "" {
			if _, dup := seen[d.Code]; dup {
				errs = append(errs, RowError{File: file, Line: line, Field: "desk_code", Code: CodeDuplicateCode, Value: d.Code, Column: header["desk_code"]})
				bad = true
			}
			seen[d.Code] = line
		}
		if !bad {
			rows = append(rows, d)
		}
	}
	return rows, errs, nil
}

// ImportReport is what ImportDesks did, or the faulty lines (then nothing
// was written).
type ImportReport struct {
	Created, Updated, Unchanged int
	Errors                      []RowError
}

// ImportDesks creates or updates desks by code inside db (the caller's
// transaction): name, unit and default official. Every row is checked
// against the database first; with any fault nothing is written. Each new
// desk gets its first QR code; existing codes are kept.
func ImportDesks(ctx context.Context, db store.DB, file string, rows []DeskRow, now time.Time) (ImportReport, error) {
	var rep ImportReport
	type resolved struct {
		row      DeskRow
		unitID   int64
		official *int64
	}
	var ok []resolved
	for _, r := range rows {
		var unitID int64
		err := db.QueryRow(ctx, `SELECT id FROM units WHERE code = $1`, r.UnitCode).Scan(&unitID)
		if errors.Is(err, pgx.ErrNoRows) {
			rep.Errors = append(rep.Errors, RowError{File: file, Line: r.Line, Field: "unit_code", Code: CodeUnknownUnit, Value: r.UnitCode})
			continue
		}
		if err != nil {
			return rep, err
		}
		res := resolved{row: r, unitID: unitID}
		if r.EmployeeCode != "" {
			var id, unit int64
			var active bool
			err := db.QueryRow(ctx, `SELECT id, unit_id, active FROM officials WHERE employee_code = $1`, r.EmployeeCode).Scan(&id, &unit, &active)
			switch {
			case errors.Is(err, pgx.ErrNoRows), err == nil && !active:
				rep.Errors = append(rep.Errors, RowError{File: file, Line: r.Line, Field: "employee_code", Code: CodeUnknownOfficial, Value: r.EmployeeCode})
				continue
			case err != nil:
				return rep, err
			case unit != unitID:
				rep.Errors = append(rep.Errors, RowError{File: file, Line: r.Line, Field: "employee_code", Code: CodeNotInUnit, Value: r.EmployeeCode})
				continue
			}
			res.official = &id
		}
		ok = append(ok, res)
	}
	if len(rep.Errors) > 0 {
		return rep, nil
	}
	for _, r := range ok {
		d, err := DeskByCode(ctx, db, r.row.Code)
		switch {
		case errors.Is(err, ErrNotFound):
			if _, err := CreateDesk(ctx, db, DeskInput{Code: r.row.Code, Name: r.row.Name, UnitID: r.unitID, OfficialID: r.official}, nil, now); err != nil {
				return rep, err
			}
			rep.Created++
		case err != nil:
			return rep, err
		case d.Name == r.row.Name && d.UnitID == r.unitID && eqID(d.OfficialID, r.official):
			rep.Unchanged++
		default:
			if d.UnitID != r.unitID {
				if _, err := db.Exec(ctx, `UPDATE desks SET unit_id = $2, updated_at = now() WHERE id = $1`, d.ID, r.unitID); err != nil {
					return rep, err
				}
			}
			if err := UpdateDesk(ctx, db, d.ID, r.row.Name, r.official, nil); err != nil {
				return rep, err
			}
			rep.Updated++
		}
	}
	return rep, nil
}
