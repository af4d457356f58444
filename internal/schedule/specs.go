package schedule

import (
	"fmt"
	"strings"

	"github.com/robfig/cron/v3"
)

// ParseSpecs reads a comma- or semicolon-separated list of five-field cron
// specs (EVALBOT_CRON), checking each; "" gives DefaultSpecs. A bad spec is an
// error that names it, so the program stops at start-up with a clear message.
func ParseSpecs(s string) ([]string, error) {
	if strings.TrimSpace(s) == "" {
		return DefaultSpecs, nil
	}
	var out []string
	for _, spec := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
		spec = strings.TrimSpace(spec)
		if _, err := cron.ParseStandard(spec); err != nil {
			return nil, fmt.Errorf("cron spec %q: %w", spec, err)
		}
		out = append(out, spec)
	}
	return out, nil
}
