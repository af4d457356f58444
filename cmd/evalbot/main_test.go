package main

import (
	"errors"
	"flag"
	"testing"
)

// Regression: "devdb --help" started a cluster and "demo --help" connected to
// the database; commands without flags now answer --help and refuse the rest.
func TestNoFlags(t *testing.T) {
	for _, c := range []struct {
		args  []string
		help  bool
		usage bool
	}{
		{nil, false, false},
		{[]string{"--help"}, true, false},
		{[]string{"-h"}, true, false},
		{[]string{"-x"}, false, true},
		{[]string{"--n", "5"}, false, true},
	} {
		err := noFlags("devdb", c.args)
		if errors.Is(err, flag.ErrHelp) != c.help || errors.As(err, new(usageError)) != c.usage || (err == nil) != (!c.help && !c.usage) {
			t.Errorf("noFlags(devdb, %q) = %v", c.args, err)
		}
	}
}
