// Package migrations embeds the numbered SQL migrations (001_…sql onward) that
// jackc/tern applies in order; see internal/store.Migrate.
package migrations

import "embed"

// FS holds every migration file. Files are numbered from 001 with no gaps, as
// tern requires; SQL passes through text/template, so a literal "{{" must be escaped.
//
//go:embed *.sql
var FS embed.FS
