package roster

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/store"
)

// Options — tùy chọn nhập: DryRun validates and counts, then rolls everything
// back; Actor is the official who runs the import (audit_log.actor_id), nil
// for the system or the CLI.
//
// DeactivateMissing — cho nghỉ người không có trong tệp: active officials not
// in the file become inactive. Without it they are left as they are and
// counted in Counts.Missing, so a partial file (one unit, one new person)
// only adds and updates. ManyLeaving allows more than MaxLeavingShare of the
// active officials to be deactivated by one import; without it such an
// import returns ErrManyLeaving and writes nothing.
type Options struct {
	DryRun            bool
	Actor             *int64
	DeactivateMissing bool
	ManyLeaving       bool
}

// MaxLeavingShare is the share of the active officials (10 %, as a percentage)
// that one import may deactivate without Options.ManyLeaving.
const MaxLeavingShare = 10

// Counts — số lượng: what an import did (or, in a dry run, would do) to units
// or officials. Reactivated counts people (or units) who were inactive and are
// in the file again; Deactivated counts active officials in the database but
// not in the file when Options.DeactivateMissing is set, Missing the same
// people left untouched when it is not (both always 0 for units, which are
// never removed, and for an import without officials); Unchanged counts rows
// in the file that match the database.
type Counts struct {
	Inserted    int `json:"inserted"`
	Updated     int `json:"updated"`
	Reactivated int `json:"reactivated"`
	Deactivated int `json:"deactivated"`
	Missing     int `json:"missing"`
	Unchanged   int `json:"unchanged"`
}

// Report — kết quả nhập: the counts of an import, or its faulty rows. When
// Errors is not empty nothing was written and the counts are zero.
type Report struct {
	DryRun    bool
	Units     Counts
	Officials Counts
	Active    int        // active officials before the import
	Errors    []RowError // every faulty row, ordered by file and line
}

// TooManyLeaving reports whether the import deactivates more than
// MaxLeavingShare percent of the active officials.
func (r Report) TooManyLeaving() bool {
	return r.Officials.Deactivated*100 > r.Active*MaxLeavingShare
}

// importLock is the advisory lock key that serializes imports.
const importLock = 0x726f73746572 // "roster"

// errDryRun rolls a dry run back.
var errDryRun = errors.New("dry run")

// Import applies units and officials to the database in one transaction:
// units are upserted by code (parent resolved by code, units not given are
// left alone), officials by employee code; officials in the database but not
// in the list become inactive (their history stays) only with
// Options.DeactivateMissing, and a returning person is reactivated. An import
// with no officials deactivates nobody. When it would deactivate more than
// MaxLeavingShare percent of the active officials without
// Options.ManyLeaving, nothing is written and Import returns the report of
// what it would have done with ErrManyLeaving (a dry run too). A language
// the person chose in the bot (language_chosen) is kept. It writes one
// audit_log row for the import (entity 'import', the counts in after), one
// per official inserted or changed in unit, head status or activity (entity
// 'official', actions insert/update/deactivate/reactivate, before and after
// holding unit code, is_head and active — no names or phones), and one per
// unit inserted or changed (entity 'unit').
//
// Every row is validated first, together with the database (see the Code*
// constants); rows may come from ReadUnits/ReadOfficials or be built by hand
// with raw values ("Công chức", "0912 000 101"). When any row is faulty,
// nothing is written and Import returns the report with Errors and
// ErrRowsInvalid. Other errors are database failures.
func Import(ctx context.Context, pool *pgxpool.Pool, units []UnitRow, officials []OfficialRow, opts Options) (Report, error) {
	var rep Report
	err := store.InTx(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(importLock)); err != nil {
			return err
		}
		st, err := loadState(ctx, tx)
		if err != nil {
			return err
		}
		us, ofs, errs := validate(units, officials, st)
		if len(errs) > 0 {
			rep = Report{DryRun: opts.DryRun, Errors: errs}
			return ErrRowsInvalid
		}
		rep = Report{DryRun: opts.DryRun}
		for _, d := range st.order {
			if d.active {
				rep.Active++
			}
		}
		if rep.Units, err = applyUnits(ctx, tx, st, us, opts.Actor); err != nil {
			return err
		}
		if rep.Officials, err = applyOfficials(ctx, tx, st, ofs, opts); err != nil {
			return err
		}
		if rep.TooManyLeaving() && !opts.ManyLeaving {
			return ErrManyLeaving
		}
		after, _ := json.Marshal(map[string]any{"units": rep.Units, "officials": rep.Officials})
		if _, err := tx.Exec(ctx, `INSERT INTO audit_log (actor_id, entity, action, after, reason)
			VALUES ($1, 'import', 'import', $2, 'roster import')`, opts.Actor, string(after)); err != nil {
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
	case errors.Is(err, ErrRowsInvalid), errors.Is(err, ErrManyLeaving):
		return rep, err
	case err != nil:
		return Report{DryRun: opts.DryRun}, err
	}
	return rep, nil
}

// dbUnit and dbOfficial are the database's current rows.
type dbUnit struct {
	id          int64
	code, name  string
	parentID    *int64
	exceptional bool
	active      bool
}

type dbOfficial struct {
	id                                  int64
	code, name                          string
	unitID                              int64
	category, position, phone, language string
	taskGroup                           string
	isHead, languageChosen, active      bool
}

type state struct {
	units     map[string]*dbUnit // by code
	unitCode  map[int64]string   // id → code
	officials map[string]*dbOfficial
	order     []*dbOfficial // by id, for a stable write order
}

func loadState(ctx context.Context, tx pgx.Tx) (*state, error) {
	st := &state{units: map[string]*dbUnit{}, unitCode: map[int64]string{}, officials: map[string]*dbOfficial{}}
	rows, err := tx.Query(ctx, `SELECT id, code, name, parent_id, exceptional, active FROM units ORDER BY id`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		u := &dbUnit{}
		if err := rows.Scan(&u.id, &u.code, &u.name, &u.parentID, &u.exceptional, &u.active); err != nil {
			rows.Close()
			return nil, err
		}
		st.units[u.code] = u
		st.unitCode[u.id] = u.code
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.Query(ctx, `SELECT id, employee_code, full_name, unit_id, category, position, coalesce(phone, ''),
		language, task_group, is_head, language_chosen, active FROM officials ORDER BY id`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		o := &dbOfficial{}
		if err := rows.Scan(&o.id, &o.code, &o.name, &o.unitID, &o.category, &o.position, &o.phone,
			&o.language, &o.taskGroup, &o.isHead, &o.languageChosen, &o.active); err != nil {
			rows.Close()
			return nil, err
		}
		st.officials[o.code] = o
		st.order = append(st.order, o)
	}
	return st, rows.Err()
}

// validate normalizes the rows and checks them against each other and the
// database. It returns the rows to apply (first occurrences only) and every
// fault.
func validate(units []UnitRow, officials []OfficialRow, st *state) ([]UnitRow, []OfficialRow, []RowError) {
	var errs []RowError

	// Units: codes, parents, cycles.
	var us []UnitRow
	fileUnit := map[string]bool{}
	for _, u := range units {
		u, e := u.normalize()
		errs = append(errs, e...)
		if u.Code == "" {
			continue
		}
		if fileUnit[u.Code] {
			errs = append(errs, RowError{File: u.File, Line: u.Line, Field: "code", Code: CodeDuplicateCode, Value: u.Code})
			continue
		}
		fileUnit[u.Code] = true
		us = append(us, u)
	}
	parent := map[string]string{} // code → parent code, the tree after the import
	for code, u := range st.units {
		if u.parentID != nil {
			parent[code] = st.unitCode[*u.parentID]
		}
	}
	for _, u := range us {
		parent[u.Code] = u.ParentCode
		if u.ParentCode == "" {
			delete(parent, u.Code)
		}
	}
	for _, u := range us {
		if u.ParentCode == "" {
			continue
		}
		if !fileUnit[u.ParentCode] && st.units[u.ParentCode] == nil {
			errs = append(errs, RowError{File: u.File, Line: u.Line, Field: "parent_code", Code: CodeUnknownParent, Value: u.ParentCode})
			continue
		}
		seen := map[string]bool{}
		for c := u.ParentCode; c != "" && !seen[c]; c = parent[c] {
			if c == u.Code {
				errs = append(errs, RowError{File: u.File, Line: u.Line, Field: "parent_code", Code: CodeUnitCycle, Value: u.ParentCode})
				break
			}
			seen[c] = true
		}
	}

	// Officials: codes, units, phones, heads.
	var ofs []OfficialRow
	inFile := map[string]bool{}
	phoneAt := map[string]bool{}
	headOf := map[string]bool{} // unit code → a head row was accepted
	var heads []OfficialRow
	for _, o := range officials {
		o, e := o.normalize()
		errs = append(errs, e...)
		if o.EmployeeCode != "" {
			if inFile[o.EmployeeCode] {
				errs = append(errs, RowError{File: o.File, Line: o.Line, Field: "employee_code", Code: CodeDuplicateCode, Value: o.EmployeeCode})
				continue
			}
			inFile[o.EmployeeCode] = true
		}
		ofs = append(ofs, o)
		if o.UnitCode != "" && !fileUnit[o.UnitCode] && st.units[o.UnitCode] == nil {
			errs = append(errs, RowError{File: o.File, Line: o.Line, Field: "unit_code", Code: CodeUnknownUnit, Value: o.UnitCode})
		}
		if o.Phone != "" && !hasField(e, "phone") {
			if phoneAt[o.Phone] {
				errs = append(errs, RowError{File: o.File, Line: o.Line, Field: "phone", Code: CodeDuplicatePhone, Value: o.Phone})
			}
			phoneAt[o.Phone] = true
		}
		if o.IsHead && o.UnitCode != "" {
			if headOf[o.UnitCode] {
				errs = append(errs, RowError{File: o.File, Line: o.Line, Field: "is_head", Code: CodeSecondHead, Value: o.UnitCode})
			} else {
				headOf[o.UnitCode] = true
				heads = append(heads, o)
			}
		}
	}
	// An active head in the database who is not in the file keeps the unit's
	// head seat as far as this file is concerned.
	dbHead := map[string]bool{}
	for _, d := range st.order {
		if d.active && d.isHead && !inFile[d.code] {
			dbHead[st.unitCode[d.unitID]] = true
		}
	}
	for _, o := range heads {
		if dbHead[o.UnitCode] {
			errs = append(errs, RowError{File: o.File, Line: o.Line, Field: "is_head", Code: CodeSecondHead, Value: o.UnitCode})
		}
	}
	fileHeads := map[string]*headers{}
	for _, u := range units {
		fileHeads[u.File] = u.heads
	}
	for _, o := range officials {
		fileHeads[o.File] = o.heads
	}
	for i := range errs {
		errs[i] = named(errs[i:i+1], fileHeads[errs[i].File])[0]
	}
	return us, ofs, sortErrors(errs)
}

func hasField(errs []RowError, field string) bool {
	for _, e := range errs {
		if e.Field == field {
			return true
		}
	}
	return false
}

// auditRow is one audit_log row to write.
type auditRow struct {
	entity        string
	entityID      int64
	subject       *int64
	action        string
	before, after any
}

func writeAudit(ctx context.Context, tx pgx.Tx, actor *int64, rows []auditRow) error {
	if len(rows) == 0 {
		return nil
	}
	n := len(rows)
	entity, action, before, after := make([]string, n), make([]string, n), make([]*string, n), make([]*string, n)
	ids, subjects := make([]int64, n), make([]*int64, n)
	for i, r := range rows {
		entity[i], ids[i], subjects[i], action[i] = r.entity, r.entityID, r.subject, r.action
		before[i], after[i] = jsonOrNil(r.before), jsonOrNil(r.after)
	}
	_, err := tx.Exec(ctx, `INSERT INTO audit_log (actor_id, subject_id, entity, entity_id, action, before, after, reason)
		SELECT $1, v.subject, v.entity, v.id, v.action, v.before::jsonb, v.after::jsonb, 'roster import'
		  FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[])
		       AS v(entity, id, subject, action, before, after)`,
		actor, entity, ids, subjects, action, before, after)
	return err
}

func jsonOrNil(v any) *string {
	if v == nil {
		return nil
	}
	b, _ := json.Marshal(v)
	s := string(b)
	return &s
}

type unitAudit struct {
	Name        string `json:"name"`
	Parent      string `json:"parent,omitempty"`
	Exceptional bool   `json:"exceptional"`
	Active      bool   `json:"active"`
}

// applyUnits inserts new units, then sets every given unit's name, parent and
// flags (parents last, so that a unit may name a parent further down the file).
func applyUnits(ctx context.Context, tx pgx.Tx, st *state, us []UnitRow, actor *int64) (Counts, error) {
	var c Counts
	ids := map[string]int64{}
	for code, u := range st.units {
		ids[code] = u.id
	}
	inserted := map[string]bool{}
	var audits []auditRow
	for _, u := range us {
		if st.units[u.Code] != nil {
			continue
		}
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO units (code, name, exceptional) VALUES ($1, $2, $3) RETURNING id`,
			u.Code, u.Name, u.Exceptional).Scan(&id); err != nil {
			return c, err
		}
		ids[u.Code], inserted[u.Code] = id, true
	}
	for _, u := range us {
		var parentID *int64
		if u.ParentCode != "" {
			p := ids[u.ParentCode]
			parentID = &p
		}
		now := unitAudit{Name: u.Name, Parent: u.ParentCode, Exceptional: u.Exceptional, Active: true}
		old := st.units[u.Code]
		if old == nil {
			if parentID != nil {
				if _, err := tx.Exec(ctx, `UPDATE units SET parent_id = $2 WHERE id = $1`, ids[u.Code], parentID); err != nil {
					return c, err
				}
			}
			c.Inserted++
			audits = append(audits, auditRow{"unit", ids[u.Code], nil, "insert", nil, now})
			continue
		}
		oldParent := ""
		if old.parentID != nil {
			oldParent = st.unitCode[*old.parentID]
		}
		was := unitAudit{Name: old.name, Parent: oldParent, Exceptional: old.exceptional, Active: old.active}
		if was == now {
			c.Unchanged++
			continue
		}
		if _, err := tx.Exec(ctx, `UPDATE units SET name = $2, parent_id = $3, exceptional = $4, active = true,
			updated_at = now() WHERE id = $1`, old.id, u.Name, parentID, u.Exceptional); err != nil {
			return c, err
		}
		action := "update"
		if !old.active {
			action = "reactivate"
			c.Reactivated++
		} else {
			c.Updated++
		}
		audits = append(audits, auditRow{"unit", old.id, nil, action, was, now})
	}
	// New units get their ids for the officials' pass.
	for code, id := range ids {
		if st.units[code] == nil {
			st.units[code] = &dbUnit{id: id, code: code, active: true}
			st.unitCode[id] = code
		}
	}
	return c, writeAudit(ctx, tx, actor, audits)
}

type officialAudit struct {
	Unit      string `json:"unit"`
	IsHead    bool   `json:"is_head"`
	Active    bool   `json:"active"`
	TaskGroup string `json:"task_group,omitempty"` // the quota group (Decree 335)
}

// officialUpdate is the new state of one existing official.
type officialUpdate struct {
	id                                        int64
	name, category, position, phone, language string
	taskGroup                                 string
	unitID                                    int64
	isHead                                    bool
}

// applyOfficials deactivates the people who left (with
// opts.DeactivateMissing; else counts them as Missing), clears the head flag of
// heads who stop being head where they are, then updates and inserts — in
// that order, so that the one-head-per-unit index holds after every
// statement.
func applyOfficials(ctx context.Context, tx pgx.Tx, st *state, ofs []OfficialRow, opts Options) (Counts, error) {
	actor := opts.Actor
	var c Counts
	var audits []auditRow
	inFile := map[string]bool{}
	for _, o := range ofs {
		inFile[o.EmployeeCode] = true
	}
	if len(ofs) > 0 {
		var gone []int64
		for _, d := range st.order {
			if d.active && !inFile[d.code] && !opts.DeactivateMissing {
				c.Missing++
				continue
			}
			if d.active && !inFile[d.code] {
				gone = append(gone, d.id)
				c.Deactivated++
				id := d.id
				audits = append(audits, auditRow{"official", id, &id, "deactivate",
					officialAudit{st.unitCode[d.unitID], d.isHead, true, d.taskGroup},
					officialAudit{st.unitCode[d.unitID], d.isHead, false, d.taskGroup}})
			}
		}
		if len(gone) > 0 {
			if _, err := tx.Exec(ctx, `UPDATE officials SET active = false, updated_at = now() WHERE id = ANY($1)`, gone); err != nil {
				return c, err
			}
		}
	}

	var unhead []int64
	var upd []officialUpdate
	type newRow struct {
		o      OfficialRow
		unitID int64
	}
	var ins []newRow
	for _, o := range ofs {
		unitID := st.units[o.UnitCode].id
		d := st.officials[o.EmployeeCode]
		if d == nil {
			ins = append(ins, newRow{o, unitID})
			continue
		}
		lang := o.Language
		if d.languageChosen || o.absent&absentLanguage != 0 {
			lang = d.language
		}
		if o.absent&absentPosition != 0 {
			o.Position = d.position
		}
		if o.absent&absentPhone != 0 {
			o.Phone = d.phone
		}
		if o.absent&absentIsHead != 0 {
			o.IsHead = d.isHead
		}
		if !o.groupGiven && o.TaskGroup == "" {
			o.TaskGroup = d.taskGroup
		}
		u := officialUpdate{d.id, o.FullName, o.Category, o.Position, o.Phone, lang, o.TaskGroup, unitID, o.IsHead}
		was := officialAudit{st.unitCode[d.unitID], d.isHead, d.active, d.taskGroup}
		now := officialAudit{o.UnitCode, o.IsHead, true, o.TaskGroup}
		same := d.active && d.name == u.name && d.category == u.category && d.position == u.position &&
			d.phone == u.phone && d.language == u.language && d.unitID == u.unitID && d.isHead == u.isHead &&
			d.taskGroup == u.taskGroup
		if same {
			c.Unchanged++
			continue
		}
		if d.active && d.isHead && (!o.IsHead || d.unitID != unitID) {
			unhead = append(unhead, d.id)
		}
		upd = append(upd, u)
		action := "update"
		switch {
		case !d.active:
			action = "reactivate"
			c.Reactivated++
		default:
			c.Updated++
		}
		if was != now {
			id := d.id
			audits = append(audits, auditRow{"official", id, &id, action, was, now})
		}
	}
	if len(unhead) > 0 {
		if _, err := tx.Exec(ctx, `UPDATE officials SET is_head = false WHERE id = ANY($1)`, unhead); err != nil {
			return c, err
		}
	}
	if len(upd) > 0 {
		n := len(upd)
		ids, unitIDs := make([]int64, n), make([]int64, n)
		names, cats, poss, phones, langs := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		heads, groups := make([]bool, n), make([]string, n)
		for i, u := range upd {
			ids[i], unitIDs[i], names[i], cats[i], poss[i], phones[i], langs[i], heads[i], groups[i] =
				u.id, u.unitID, u.name, u.category, u.position, u.phone, u.language, u.isHead, u.taskGroup
		}
		if _, err := tx.Exec(ctx, `UPDATE officials o SET full_name = v.name, unit_id = v.unit_id,
				category = v.category, position = v.position, phone = nullif(v.phone, ''),
				language = CASE WHEN o.language_chosen THEN o.language ELSE v.language END,
				is_head = v.is_head, task_group = v.task_group, active = true, updated_at = now()
			  FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bool[], $9::text[])
			       AS v(id, name, unit_id, category, position, phone, language, is_head, task_group)
			 WHERE o.id = v.id`, ids, names, unitIDs, cats, poss, phones, langs, heads, groups); err != nil {
			return c, err
		}
	}
	if len(ins) > 0 {
		n := len(ins)
		codes, names, cats, poss, phones, langs := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		unitIDs, heads, groups := make([]int64, n), make([]bool, n), make([]string, n)
		for i, r := range ins {
			o := r.o
			codes[i], names[i], cats[i], poss[i], phones[i], langs[i], unitIDs[i], heads[i], groups[i] =
				o.EmployeeCode, o.FullName, o.Category, o.Position, o.Phone, o.Language, r.unitID, o.IsHead, o.TaskGroup
		}
		rows, err := tx.Query(ctx, `INSERT INTO officials (employee_code, full_name, unit_id, category, position,
				is_head, phone, language, task_group)
			SELECT v.code, v.name, v.unit_id, v.category, v.position, v.is_head, nullif(v.phone, ''), v.language, v.task_group
			  FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::bool[], $7::text[], $8::text[], $9::text[])
			       WITH ORDINALITY AS v(code, name, unit_id, category, position, is_head, phone, language, task_group, n)
			 ORDER BY v.n
			RETURNING id, employee_code`, codes, names, unitIDs, cats, poss, heads, phones, langs, groups)
		if err != nil {
			return c, err
		}
		byCode := map[string]int64{}
		for rows.Next() {
			var id int64
			var code string
			if err := rows.Scan(&id, &code); err != nil {
				rows.Close()
				return c, err
			}
			byCode[code] = id
		}
		if err := rows.Err(); err != nil {
			return c, err
		}
		for _, r := range ins {
			id := byCode[r.o.EmployeeCode]
			c.Inserted++
			audits = append(audits, auditRow{"official", id, &id, "insert", nil,
				officialAudit{r.o.UnitCode, r.o.IsHead, true, r.o.TaskGroup}})
		}
	}
	return c, writeAudit(ctx, tx, actor, audits)
}
