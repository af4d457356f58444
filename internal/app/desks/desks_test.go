package desks_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"testing"
	"time"

	"evalbot/internal/app/access"
	"evalbot/internal/app/desks"
	"evalbot/internal/citizen"
	"evalbot/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// The head of the desk's unit or of a unit above manages it; its staff
// and other units' heads do not. The people who may serve at it come in
// Vietnamese alphabetical order of their given names.
func TestManagedDesksAndMembers(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	for _, q := range []string{
		`INSERT INTO units (code, name) VALUES ('W', 'Phường')`,
		`INSERT INTO units (code, name, parent_id) SELECT 'O', 'Bộ phận một cửa', id FROM units WHERE code = 'W'`,
		`INSERT INTO units (code, name, parent_id) SELECT 'P', 'Phòng khác', id FROM units WHERE code = 'W'`,
		`INSERT INTO officials (employee_code, full_name, unit_id, category, is_head, active) VALUES
			('H', 'Nguyễn Văn Hùng', (SELECT id FROM units WHERE code = 'W'), 'can_bo', true, true),
			('K', 'Phạm Thị Khánh', (SELECT id FROM units WHERE code = 'O'), 'cong_chuc', true, true),
			('C', 'Đỗ Văn Cường', (SELECT id FROM units WHERE code = 'O'), 'cong_chuc', false, true),
			('D', 'Trần Thị Ánh', (SELECT id FROM units WHERE code = 'O'), 'cong_chuc', false, true),
			('X', 'Lê Văn An', (SELECT id FROM units WHERE code = 'O'), 'cong_chuc', false, false),
			('P', 'Vũ Văn Phúc', (SELECT id FROM units WHERE code = 'P'), 'cong_chuc', true, true)`,
	} {
		if _, err := pool.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	id := func(code string) int64 {
		var v int64
		if err := pool.QueryRow(ctx, `SELECT id FROM officials WHERE employee_code = $1`, code).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	var office int64
	if err := pool.QueryRow(ctx, `SELECT id FROM units WHERE code = 'O'`).Scan(&office); err != nil {
		t.Fatal(err)
	}
	d, err := citizen.CreateDesk(ctx, pool, citizen.DeskInput{Code: "HCC-Q1", Name: "Quầy 1", UnitID: office}, nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for who, want := range map[string]error{"K": nil, "H": nil, "C": access.ErrForbidden, "P": access.ErrForbidden} {
		if _, err := desks.Managed(ctx, pool, id(who), d.ID); !errors.Is(err, want) {
			t.Errorf("%s managing the desk: %v; want %v", who, err, want)
		}
	}
	if _, err := desks.Managed(ctx, pool, id("K"), d.ID+1000); !errors.Is(err, citizen.ErrNotFound) {
		t.Errorf("a desk that does not exist: %v; want citizen.ErrNotFound", err)
	}
	ms, err := desks.Members(ctx, pool, office)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range ms {
		names = append(names, m.Name)
	}
	if want := []string{"Trần Thị Ánh", "Đỗ Văn Cường", "Phạm Thị Khánh"}; !slices.Equal(names, want) {
		t.Errorf("members %v; want %v (active only, by given name: Ánh, Cường, Khánh)", names, want)
	}
}
