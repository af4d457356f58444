package roster

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/grading"
	"evalbot/internal/store"
)

// Row faults of a catalogue file, besides the shared ones (missing_value,
// duplicate_code, invalid_value).
const (
	CodeInvalidFactor = "invalid_factor" // the factor is not a number in MinFactor..MaxFactor with at most two decimals
	CodeInvalidItem   = "invalid_item"   // the code is not 1–16 of A-Z, 0-9, -, _ or .
	CodeUnknownAgency = "unknown_agency" // --agency names no unit, or the roster has several roots and none was named
)

// Bounds of a catalogue item's conversion factor (hệ số quy đổi), in
// hundredths of a standard unit per item.
const (
	MinFactor grading.Points = 1     // 0.01
	MaxFactor grading.Points = 10000 // 100.00
)

// CatalogueRow — một dòng danh mục sản phẩm, công việc: one item as read from
// a catalogue file, normalized. Code is upper case; Factor is standard units
// per item in hundredths (150 = 1.5: one «hồ sơ» counts one and a half
// standard units); AppliesTo lists the positions (chức vụ) or task groups
// (nhóm nhiệm vụ) it is for, empty for everyone; Active is false for an item
// withdrawn from use (kept for the plans that name it).
type CatalogueRow struct {
	File      string
	Line      int
	Code      string // mã
	Name      string // tên sản phẩm, công việc
	Measure   string // đơn vị tính: hồ sơ, văn bản, cuộc
	Factor    grading.Points
	AppliesTo []string
	Active    bool

	rawFactor, badActive string
	heads                *headers // the file's headers as written (RowError.Column)
}

var catalogueKind = newKind([]string{"catalogue", "catalog", "danh muc", "danh muc san pham cong viec", "san pham cong viec"}, []column{
	{"code", true, []string{"code", "item code", "mã", "mã sản phẩm", "mã công việc", "mã SP", "mã số"}},
	{"name", true, []string{"name", "item", "tên", "tên sản phẩm", "tên công việc", "tên sản phẩm công việc",
		"sản phẩm công việc", "nội dung"}},
	{"measure", true, []string{"unit of measure", "measure", "uom", "đơn vị tính", "ĐVT", "đơn vị đo"}},
	{"factor", true, []string{"factor", "conversion factor", "standard units", "hệ số", "hệ số quy đổi", "quy đổi",
		"số sản phẩm quy đổi"}},
	{"applies_to", false, []string{"applies to", "positions", "groups", "áp dụng cho", "đối tượng áp dụng",
		"vị trí áp dụng", "vị trí việc làm", "nhóm áp dụng"}},
	{"active", false, []string{"active", "in use", "đang dùng", "còn dùng", "hiệu lực", "còn hiệu lực", "sử dụng"}},
})

// CatalogueColumns lists the columns of a catalogue file, in file order.
func CatalogueColumns() []Column { return catalogueKind.exported() }

// ReadCatalogue reads an agency's catalogue of products and work (danh mục
// sản phẩm, công việc, Decree 335/2025/NĐ-CP) from a CSV or XLSX file with
// the columns code, name, measure, factor, applies_to, active (English or
// Vietnamese headers: "mã", "tên sản phẩm công việc", "đơn vị tính", "hệ
// số quy đổi", "áp dụng cho", "đang dùng"); the first four are required. A
// factor is written 1,5 or 1.5; applies_to separates positions or groups by
// ";" (or "," inside a quoted cell). Limits, formats and the returned values
// are those of ReadUnits.
func ReadCatalogue(r io.Reader, name string) ([]CatalogueRow, []RowError, error) {
	var rows []CatalogueRow
	var all []RowError
	err := readTable(r, name, catalogueKind, func(t *table, rec record) {
		c := CatalogueRow{
			heads:     t.heads,
			File:      t.file,
			Line:      rec.line,
			Code:      t.get(rec, "code"),
			Name:      t.get(rec, "name"),
			Measure:   t.get(rec, "measure"),
			rawFactor: t.get(rec, "factor"),
			AppliesTo: splitList(t.get(rec, "applies_to")),
			Active:    true,
		}
		if raw := cleanText(t.get(rec, "active")); raw != "" {
			v, ok := ParseBool(raw)
			if !ok {
				c.badActive = raw
			}
			c.Active = v || !ok
		}
		c, errs := c.normalize()
		rows = append(rows, c)
		all = append(all, errs...)
	})
	if err != nil {
		return nil, nil, err
	}
	return rows, sortErrors(all), nil
}

// splitList splits a cell of names separated by ";" or ",", cleaned, in
// order, without empty names or repeats.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' }) {
		if p = cleanText(p); p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// ParseFactor reads a conversion factor as a clerk writes it ("1,5", "1.5",
// "2") into hundredths, within MinFactor..MaxFactor. A workbook's binary
// noise on a number cell ("0.30000000000000004" for 0.1 + 0.2) is read as
// the two-decimal number it is within 10⁻⁹ of; "0,125" is refused.
func ParseFactor(s string) (grading.Points, bool) {
	s = strings.ReplaceAll(cleanText(s), ",", ".")
	p, err := grading.ParsePoints(s)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || math.IsNaN(f) || math.Abs(f) > 1e6 {
			return 0, false
		}
		r := math.Round(f * 100)
		if math.Abs(f*100-r) > 1e-7 {
			return 0, false
		}
		p = grading.Points(r)
	}
	if p < MinFactor || p > MaxFactor {
		return 0, false
	}
	return p, true
}

// validItemCode: 1–16 of A-Z, 0-9, '-', '_', '.', as typed in a plan line.
func validItemCode(s string) bool {
	if s == "" || len(s) > 16 {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// normalize cleans the row and checks what the row alone can show; it is
// idempotent, so ImportCatalogue can run it on rows built by hand.
func (c CatalogueRow) normalize() (CatalogueRow, []RowError) {
	var errs []RowError
	bad := func(field, code, value string) {
		errs = append(errs, RowError{File: c.File, Line: c.Line, Field: field, Code: code, Value: value})
	}
	c.Code, c.Name, c.Measure = cleanCode(c.Code), cleanText(c.Name), cleanText(c.Measure)
	switch {
	case c.Code == "":
		bad("code", CodeMissingValue, "")
	case !validItemCode(c.Code):
		bad("code", CodeInvalidItem, c.Code)
	}
	if c.Name == "" {
		bad("name", CodeMissingValue, "")
	}
	if c.Measure == "" {
		bad("measure", CodeMissingValue, "")
	}
	if c.rawFactor != "" || c.Factor == 0 {
		raw := cleanText(c.rawFactor)
		if raw == "" && c.Factor == 0 {
			bad("factor", CodeMissingValue, "")
		} else if f, ok := ParseFactor(raw); ok {
			c.Factor, c.rawFactor = f, ""
		} else {
			bad("factor", CodeInvalidFactor, raw)
		}
	} else if c.Factor < MinFactor || c.Factor > MaxFactor {
		bad("factor", CodeInvalidFactor, c.Factor.String())
	}
	if c.badActive != "" {
		bad("active", CodeInvalidValue, c.badActive)
	}
	var list []string
	for _, a := range c.AppliesTo {
		if a = cleanText(a); a != "" && !slices.Contains(list, a) {
			list = append(list, a)
		}
	}
	c.AppliesTo = list
	return c, named(errs, c.heads)
}

// CatalogueReport — kết quả nhập danh mục: what ImportCatalogue did (or, in a
// dry run, would do) to the agency's items. Items of the agency absent from
// the file are left as they are and counted in Missing (a plan may name
// them); Errors, when not empty, means nothing was written.
type CatalogueReport struct {
	DryRun bool
	Agency string // the agency's unit code
	Counts Counts
	Errors []RowError
}

// ErrCatalogueAgency: the agency could not be settled (no unit with the
// code, or several root units and none named) [unknown_agency].
var ErrCatalogueAgency = &Error{CodeUnknownAgency, "roster: the catalogue's agency is not known"}

// catalogueLock serializes catalogue imports.
const catalogueLock = 0x636174616c6f67 // "catalog"

// ImportCatalogue upserts rows into the catalogue of the agency whose unit
// code is agency ("" means the roster's only root unit), in one
// transaction: an item is matched by code within the agency, so importing
// the same file again changes nothing and a corrected file updates name,
// measure, factor, applies_to and active in place (plans keep the weight
// they were given). Every row is validated first; when any is faulty
// nothing is written and it returns the report with Errors and
// ErrRowsInvalid. It writes one audit_log row for the import and one per
// item inserted or changed (entity 'catalogue_item'). A dry run validates
// and counts, then rolls back.
func ImportCatalogue(ctx context.Context, pool *pgxpool.Pool, agency string, rows []CatalogueRow, opts Options) (CatalogueReport, error) {
	rep := CatalogueReport{DryRun: opts.DryRun}
	err := store.InTx(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(catalogueLock)); err != nil {
			return err
		}
		agencyID, code, err := resolveAgency(ctx, tx, agency)
		if err != nil {
			return err
		}
		rep.Agency = code
		var errs []RowError
		var good []CatalogueRow
		seen := map[string]bool{}
		for _, r := range rows {
			r, e := r.normalize()
			errs = append(errs, e...)
			if r.Code == "" {
				continue
			}
			if seen[r.Code] {
				errs = append(errs, named([]RowError{{File: r.File, Line: r.Line, Field: "code", Code: CodeDuplicateCode, Value: r.Code}}, r.heads)...)
				continue
			}
			seen[r.Code] = true
			if len(e) == 0 {
				good = append(good, r)
			}
		}
		if len(errs) > 0 {
			rep.Errors = sortErrors(errs)
			return ErrRowsInvalid
		}
		if rep.Counts, err = applyCatalogue(ctx, tx, agencyID, good, seen, opts.Actor); err != nil {
			return err
		}
		after, _ := json.Marshal(map[string]any{"agency": code, "items": rep.Counts})
		if _, err := tx.Exec(ctx, `INSERT INTO audit_log (actor_id, entity, entity_id, action, after, reason)
			VALUES ($1, 'import', $2, 'catalogue', $3, 'catalogue import')`, opts.Actor, agencyID, string(after)); err != nil {
			return err
		}
		if opts.DryRun {
			return errDryRun
		}
		return nil
	})
	switch {
	case errors.Is(err, errDryRun):
		return rep, nil
	case errors.Is(err, ErrRowsInvalid):
		return rep, err
	case err != nil:
		return CatalogueReport{DryRun: opts.DryRun, Agency: rep.Agency}, err
	}
	return rep, nil
}

// resolveAgency finds the agency's unit by code, or the only root unit.
func resolveAgency(ctx context.Context, tx pgx.Tx, code string) (int64, string, error) {
	code = cleanCode(code)
	var ids []int64
	var codes []string
	q := `SELECT id, code FROM units WHERE code = $1`
	args := []any{code}
	if code == "" {
		q, args = `SELECT id, code FROM units WHERE parent_id IS NULL AND active ORDER BY id`, nil
	}
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return 0, "", err
	}
	for rows.Next() {
		var id int64
		var c string
		if err := rows.Scan(&id, &c); err != nil {
			rows.Close()
			return 0, "", err
		}
		ids, codes = append(ids, id), append(codes, c)
	}
	if err := rows.Err(); err != nil {
		return 0, "", err
	}
	if len(ids) != 1 {
		return 0, code, ErrCatalogueAgency
	}
	return ids[0], codes[0], nil
}

type catalogueAudit struct {
	Name      string   `json:"name"`
	Measure   string   `json:"measure"`
	Factor    int64    `json:"factor"`
	AppliesTo []string `json:"applies_to"`
	Active    bool     `json:"active"`
}

func (a catalogueAudit) equal(b catalogueAudit) bool {
	return a.Name == b.Name && a.Measure == b.Measure && a.Factor == b.Factor && a.Active == b.Active &&
		slices.Equal(a.AppliesTo, b.AppliesTo)
}

// applyCatalogue inserts new items and updates changed ones.
func applyCatalogue(ctx context.Context, tx pgx.Tx, agencyID int64, rows []CatalogueRow, inFile map[string]bool, actor *int64) (Counts, error) {
	var c Counts
	old := map[string]struct {
		id int64
		a  catalogueAudit
	}{}
	dbRows, err := tx.Query(ctx, `SELECT id, code, name, measure, factor, applies_to, active FROM catalogue_items WHERE agency_id = $1`, agencyID)
	if err != nil {
		return c, err
	}
	for dbRows.Next() {
		var id int64
		var code string
		var a catalogueAudit
		if err := dbRows.Scan(&id, &code, &a.Name, &a.Measure, &a.Factor, &a.AppliesTo, &a.Active); err != nil {
			dbRows.Close()
			return c, err
		}
		if a.AppliesTo == nil {
			a.AppliesTo = []string{}
		}
		old[code] = struct {
			id int64
			a  catalogueAudit
		}{id, a}
	}
	if err := dbRows.Err(); err != nil {
		return c, err
	}
	for code := range old {
		if !inFile[code] {
			c.Missing++
		}
	}
	var audits []auditRow
	var ins []CatalogueRow
	for _, r := range rows {
		applies := r.AppliesTo
		if applies == nil {
			applies = []string{}
		}
		now := catalogueAudit{r.Name, r.Measure, int64(r.Factor), applies, r.Active}
		was, ok := old[r.Code]
		switch {
		case !ok:
			ins = append(ins, r)
		case was.a.equal(now):
			c.Unchanged++
		default:
			if _, err := tx.Exec(ctx, `UPDATE catalogue_items SET name = $2, measure = $3, factor = $4, applies_to = $5,
				active = $6, updated_at = now() WHERE id = $1`, was.id, r.Name, r.Measure, int64(r.Factor), applies, r.Active); err != nil {
				return c, err
			}
			c.Updated++
			audits = append(audits, auditRow{"catalogue_item", was.id, nil, "update", was.a, now})
		}
	}
	if len(ins) > 0 {
		// One statement for the new items (a first import of a large
		// catalogue); applies_to travels as JSON, arrays of arrays being
		// rectangular in PostgreSQL.
		n := len(ins)
		codes, names, measures, applies := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		factors, actives := make([]int64, n), make([]bool, n)
		for i, r := range ins {
			list := r.AppliesTo
			if list == nil {
				list = []string{}
			}
			b, _ := json.Marshal(list)
			codes[i], names[i], measures[i], factors[i], applies[i], actives[i] = r.Code, r.Name, r.Measure, int64(r.Factor), string(b), r.Active
		}
		dbRows, err := tx.Query(ctx, `INSERT INTO catalogue_items (agency_id, code, name, measure, factor, applies_to, active)
			SELECT $1, v.code, v.name, v.measure, v.factor, ARRAY(SELECT jsonb_array_elements_text(v.applies::jsonb)), v.active
			  FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::bool[])
			       WITH ORDINALITY AS v(code, name, measure, factor, applies, active, n)
			 ORDER BY v.n
			RETURNING id, code`, agencyID, codes, names, measures, factors, applies, actives)
		if err != nil {
			return c, err
		}
		ids := map[string]int64{}
		for dbRows.Next() {
			var id int64
			var code string
			if err := dbRows.Scan(&id, &code); err != nil {
				dbRows.Close()
				return c, err
			}
			ids[code] = id
		}
		if err := dbRows.Err(); err != nil {
			return c, err
		}
		for _, r := range ins {
			list := r.AppliesTo
			if list == nil {
				list = []string{}
			}
			c.Inserted++
			audits = append(audits, auditRow{"catalogue_item", ids[r.Code], nil, "insert", nil,
				catalogueAudit{r.Name, r.Measure, int64(r.Factor), list, r.Active}})
		}
	}
	return c, writeAudit(ctx, tx, actor, audits)
}
