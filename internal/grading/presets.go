package grading

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
)

// The presets of DESIGN.md §3, one TOML file per framework id.
//
//go:embed presets/*.toml
var presetFiles embed.FS

var presetCache sync.Map // id → *Framework, parsed once

// Presets returns the ids of the shipped frameworks, sorted:
// "hanoi-3814-2018" (Decision 3814-QĐ/TU, the default) and "nd-335-2025"
// (Decree 335/2025/NĐ-CP).
func Presets() []string {
	entries, _ := fs.ReadDir(presetFiles, "presets") // embedded: cannot fail
	ids := make([]string, 0, len(entries))
	for _, e := range entries {
		ids = append(ids, strings.TrimSuffix(e.Name(), ".toml"))
	}
	slices.Sort(ids)
	return ids
}

// Preset returns a copy of the shipped framework id; an unknown id is an
// error. Each call returns a fresh copy, so a caller may not spoil another's.
func Preset(id string) (*Framework, error) {
	if f, ok := presetCache.Load(id); ok {
		return f.(*Framework).clone(), nil
	}
	if !slices.Contains(Presets(), id) {
		return nil, fmt.Errorf("grading: unknown framework preset %q (have %s)", id, strings.Join(Presets(), ", "))
	}
	data, err := presetFiles.ReadFile("presets/" + id + ".toml")
	if err != nil {
		return nil, err
	}
	f, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("grading: preset %s: %w", id, err)
	}
	if f.ID != id {
		return nil, fmt.Errorf("grading: preset file %s.toml declares id %q", id, f.ID)
	}
	presetCache.Store(id, f)
	return f.clone(), nil
}
