package evaluation

import (
	"context"
	"errors"
	"slices"
	"strings"

	"evalbot/internal/grading"
	"evalbot/internal/store"
	"evalbot/internal/textnorm"
)

// ErrUnresolvedItem: SaveDraft was given a catalogue line that
// ResolveCatalogue has not resolved.
var ErrUnresolvedItem = errors.New("evaluation: catalogue item not resolved")

// CatalogueItem — một mục của danh mục sản phẩm, công việc (Decree
// 335/2025/NĐ-CP): Factor is standard units per item in hundredths (150 = 1.5);
// AppliesTo lists the positions or task groups it is for (empty: everyone).
type CatalogueItem struct {
	ID        int64
	Code      string
	Name      string
	Measure   string // đơn vị tính
	Factor    grading.Points
	AppliesTo []string
	Active    bool
}

// For reports whether the item applies to an official with this position
// (chức vụ) and task group (nhóm nhiệm vụ), compared without regard to case
// or diacritics.
func (c CatalogueItem) For(position, taskGroup string) bool {
	if len(c.AppliesTo) == 0 {
		return true
	}
	p, g := textnorm.Fold(position), textnorm.Fold(taskGroup)
	for _, a := range c.AppliesTo {
		if f := textnorm.Fold(a); f != "" && (f == p || f == g) {
			return true
		}
	}
	return false
}

// catalogueSQL is the catalogue an official plans from: the items of the
// nearest unit up their unit tree (their own unit, its parent, …) that has
// the code, so an agency's catalogue serves every unit below it and a unit
// may refine it.
const catalogueSQL = `WITH RECURSIVE up AS (
		SELECT u.id, u.parent_id, 0 AS depth FROM units u JOIN officials o ON o.unit_id = u.id WHERE o.id = $1
		UNION ALL
		SELECT u.id, u.parent_id, up.depth + 1 FROM units u JOIN up ON u.id = up.parent_id WHERE up.depth < 64
	)
	SELECT DISTINCT ON (c.code) c.id, c.code, c.name, c.measure, c.factor, c.applies_to, c.active
	  FROM catalogue_items c JOIN up ON up.id = c.agency_id`

// OfficialCatalogue lists the catalogue items an official may plan from
// (see catalogueSQL), active or not, by code; where is "" or an extra
// condition on c with $2 as its parameter.
func officialCatalogue(ctx context.Context, db store.DB, officialID int64, where string, arg any) ([]CatalogueItem, error) {
	q := catalogueSQL
	args := []any{officialID}
	if where != "" {
		q += " WHERE " + where
		args = append(args, arg)
	}
	rows, err := db.Query(ctx, q+` ORDER BY c.code, up.depth`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CatalogueItem
	for rows.Next() {
		var c CatalogueItem
		var f int64
		if err := rows.Scan(&c.ID, &c.Code, &c.Name, &c.Measure, &f, &c.AppliesTo, &c.Active); err != nil {
			return nil, err
		}
		c.Factor = grading.Points(f)
		out = append(out, c)
	}
	return out, rows.Err()
}

// ResolveCatalogue completes the catalogue lines of a parsed plan for the
// official who typed it: each «#CODE» must name an active item of their
// catalogue that applies to their position or task group; its title becomes
// the item's name (with the typed note after a colon), its weight the
// quantity × the item's factor, exact in hundredths. Lines it cannot resolve
// come back as LineErrors ("unknown_item", "item_withdrawn",
// "item_not_for_you" with the code as Value; "title_too_long" when name and
// note are too long together) and then no task is returned. Free-text lines
// pass unchanged.
func ResolveCatalogue(ctx context.Context, db store.DB, officialID int64, drafts []TaskDraft) ([]TaskDraft, []LineError, error) {
	var codes []string
	for _, d := range drafts {
		if d.ItemCode != "" && !slices.Contains(codes, d.ItemCode) {
			codes = append(codes, d.ItemCode)
		}
	}
	if len(codes) == 0 {
		return drafts, nil, nil
	}
	items, err := officialCatalogue(ctx, db, officialID, `c.code = ANY($2)`, codes)
	if err != nil {
		return nil, nil, err
	}
	var position, group string
	if err := db.QueryRow(ctx, `SELECT position, task_group FROM officials WHERE id = $1`, officialID).Scan(&position, &group); err != nil {
		return nil, nil, err
	}
	byCode := map[string]CatalogueItem{}
	for _, c := range items {
		byCode[c.Code] = c
	}
	out := slices.Clone(drafts)
	var errs []LineError
	for i, d := range out {
		if d.ItemCode == "" {
			continue
		}
		c, ok := byCode[d.ItemCode]
		switch {
		case !ok:
			errs = append(errs, LineError{Line: d.Line, Code: "unknown_item", Value: d.ItemCode})
			continue
		case !c.Active:
			errs = append(errs, LineError{Line: d.Line, Code: "item_withdrawn", Value: d.ItemCode})
			continue
		case !c.For(position, group):
			errs = append(errs, LineError{Line: d.Line, Code: "item_not_for_you", Value: d.ItemCode})
			continue
		}
		title := c.Name
		if d.Title != "" {
			title += ": " + d.Title
		}
		if len([]rune(title)) > MaxTitleRunes {
			errs = append(errs, LineError{Line: d.Line, Code: "title_too_long"})
			continue
		}
		out[i].Title, out[i].ItemID = title, c.ID
		out[i].Weight = grading.Points(d.Quantity) * c.Factor
	}
	if len(errs) > 0 {
		return nil, errs, nil
	}
	return out, nil, nil
}

// ParsePlan is ParseTasks then ResolveCatalogue: the one way a typed plan
// becomes tasks.
func ParsePlan(ctx context.Context, db store.DB, officialID int64, text string, period Period) ([]TaskDraft, []LineError, error) {
	drafts, errs := ParseTasks(text, period)
	if len(errs) > 0 {
		return nil, errs, nil
	}
	return ResolveCatalogue(ctx, db, officialID, drafts)
}

// MaxSearchResults bounds a catalogue search's list (one phone screen).
const MaxSearchResults = 10

// SearchCatalogue finds the active items of the official's catalogue whose
// code or name has, for every word of query, a word starting with it, compared without regard to
// case or diacritics («tham dinh xay dung» finds «Thẩm định hồ sơ cấp phép
// xây dựng»). Items that apply to the official come first, then by code; at
// most limit are returned, with the number that matched.
func SearchCatalogue(ctx context.Context, db store.DB, officialID int64, query string, limit int) ([]CatalogueItem, int, error) {
	words := strings.Fields(textnorm.Fold(query))
	if len(words) == 0 {
		return nil, 0, nil
	}
	items, err := officialCatalogue(ctx, db, officialID, "", nil)
	if err != nil {
		return nil, 0, err
	}
	var position, group string
	if err := db.QueryRow(ctx, `SELECT position, task_group FROM officials WHERE id = $1`, officialID).Scan(&position, &group); err != nil {
		return nil, 0, err
	}
	var mine, others []CatalogueItem
	for _, c := range items {
		if !c.Active {
			continue
		}
		hay := " " + textnorm.Fold(c.Code+" "+c.Name) + " "
		match := true
		for _, w := range words {
			if !strings.Contains(hay, " "+w) { // a word that starts so: «ho» is not in «thong»
				match = false
				break
			}
		}
		if !match {
			continue
		}
		if c.For(position, group) {
			mine = append(mine, c)
		} else {
			others = append(others, c)
		}
	}
	all := append(mine, others...)
	return all[:min(len(all), limit)], len(all), nil
}
