// Package locales embeds the user-facing strings: active.vi.toml (Vietnamese,
// the default) and active.en.toml, in go-i18n's TOML format.
package locales

import "embed"

// FS holds active.<lang>.toml for every shipped language.
//
//go:embed active.*.toml
var FS embed.FS
