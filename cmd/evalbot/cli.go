package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"evalbot/internal/calendar"
	"evalbot/internal/locale"
)

// Every command speaks to its operator through this file: the help, the
// flag errors and the failures, in --lang or EVALBOT_LANG (Vietnamese by
// default), from locales/ (ids CLI*, Cmd_<command>_*, Flag_<command>_<flag>).

// commands lists the subcommands in the order `evalbot help` shows them.
// A name with a space ("bench fanout") is a subcommand of a subcommand; its
// locale ids use "_" ("Cmd_bench_fanout_Purpose").
var commands = []string{"serve", "migrate", "import", "catalogue", "invites", "export", "qr", "admin", "absence", "discipline",
	"weblink", "outbox", "apikey", "bench", "devdb", "health", "demo"}

// benchCommands are bench's own subcommands.
var benchCommands = []string{"bench fanout", "bench updates", "bench idle", "bench web"}

// catalog is the loaded locales; they are embedded, so a failure to load
// them is a broken build.
var catalog = sync.OnceValue(func() *locale.Catalog {
	c, err := locale.Load()
	if err != nil {
		panic(err)
	}
	return c
})

// argLang is the language the operator asked for: --lang (or -lang) among
// args, else EVALBOT_LANG, else Vietnamese.
func argLang(args []string) string {
	for i, a := range args {
		if a == "--" {
			break
		}
		for _, p := range []string{"--lang", "-lang"} {
			if v, ok := strings.CutPrefix(a, p+"="); ok {
				return locale.Lang(v)
			}
			if a == p && i+1 < len(args) {
				return locale.Lang(args[i+1])
			}
		}
	}
	return locale.Lang(env("EVALBOT_LANG", "vi"))
}

// say renders a CLI message in lang.
func say(lang, id string, data map[string]any) string {
	return catalog().Plain(lang, id, 0, data)
}

// has reports whether the locales define id.
func has(lang, id string) bool { return slices.Contains(catalog().IDs(lang), id) }

// cliError is a message already in the operator's language; usage marks a
// command line the command does not take (exit status 2).
type cliError struct {
	msg   string
	usage bool
}

func (e *cliError) Error() string { return e.msg }

// command is one subcommand being run: its flags, described in the
// operator's language, and its help.
type command struct {
	name string // "import", "bench fanout"
	lang string
	fs   *flag.FlagSet
	args []string
	out  io.Writer // where --help goes
	// extra is printed after the flags in the help (import's columns).
	extra func() string
}

// newCommand starts a command's flag set; every command has --lang.
func newCommand(name string, args []string) *command {
	c := &command{name: name, lang: argLang(args), args: args, out: os.Stdout}
	c.fs = flag.NewFlagSet(name, flag.ContinueOnError)
	c.fs.SetOutput(io.Discard)
	c.fs.Usage = func() {}
	c.fs.String("lang", env("EVALBOT_LANG", "vi"), c.flagText("lang"))
	return c
}

// id is the locale id stem of the command: "bench fanout" → "bench_fanout".
func (c *command) id() string { return strings.ReplaceAll(c.name, " ", "_") }

// flagText is the description of one of the command's flags.
func (c *command) flagText(name string) string {
	if name == "lang" {
		return say(c.lang, "CLIFlagLang", nil)
	}
	return say(c.lang, "Flag_"+c.id()+"_"+strings.ReplaceAll(name, "-", "_"), nil)
}

func (c *command) String(name, def string) *string  { return c.fs.String(name, def, c.flagText(name)) }
func (c *command) Bool(name string, def bool) *bool { return c.fs.Bool(name, def, c.flagText(name)) }
func (c *command) Int(name string, def int) *int    { return c.fs.Int(name, def, c.flagText(name)) }

// say renders a message in the command's language.
func (c *command) say(id string, data map[string]any) string { return say(c.lang, id, data) }

// printf prints a line whose printf format is message id (bench's terse
// figures lines: the verbs are the same in every language), its numbers
// and durations written as the language writes them (locale.Sprintf:
// «28,3 tin/giây», «1.234» in Vietnamese).
func (c *command) printf(id string, args ...any) {
	fmt.Println(locale.Sprintf(c.lang, c.say(id, nil), args...))
}

// when writes an instant as lang does, in Asia/Ho_Chi_Minh: «15:04
// 02/01/2026» in Vietnamese, «2026-01-02 15:04» in English.
func when(lang string, t time.Time) string { return locale.When(lang, t.In(calendar.Location)) }

// dayOf writes an instant's day as lang does, in Asia/Ho_Chi_Minh:
// «02/01/2026» in Vietnamese, «2026-01-02» in English.
func dayOf(lang string, t time.Time) string {
	t = t.In(calendar.Location)
	if lang == "en" {
		return t.Format("2006-01-02")
	}
	return t.Format("02/01/2006")
}

// fail is a failure told in the command's language.
func (c *command) fail(id string, data map[string]any) error { return &cliError{msg: c.say(id, data)} }

// usageFault is a command line the command does not take, with the hint
// where its help is.
func (c *command) usageFault(id string, data map[string]any) error {
	return &cliError{msg: c.say(id, data) + "\n" + c.say("CLIHelpHint", map[string]any{"Command": c.name}), usage: true}
}

var (
	reUnknownFlag = regexp.MustCompile(`^flag provided but not defined: -+(.*)$`)
	reNeedsValue  = regexp.MustCompile(`^flag needs an argument: -+(.*)$`)
	reBadValue    = regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for (?:flag )?-+([^:]*): `)
	reBadSyntax   = regexp.MustCompile(`^bad flag syntax: (.*)$`)
)

// parse parses the arguments. -h or --help prints the help to c.out and
// returns flag.ErrHelp (main exits 0); the flag package's errors, and
// arguments the command does not take (positional ones unless
// positional), come back in the operator's language.
func (c *command) parse(positional bool) error {
	err := c.fs.Parse(c.args)
	if c.set("lang") {
		c.lang = locale.Lang(c.fs.Lookup("lang").Value.String())
	}
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(c.out, c.help())
		return flag.ErrHelp
	case err != nil:
		msg := err.Error()
		if m := reUnknownFlag.FindStringSubmatch(msg); m != nil {
			return c.usageFault("CLIErrUnknownFlag", map[string]any{"Flag": "--" + m[1]})
		}
		if m := reNeedsValue.FindStringSubmatch(msg); m != nil {
			return c.usageFault("CLIErrNeedsValue", map[string]any{"Flag": "--" + m[1]})
		}
		if m := reBadValue.FindStringSubmatch(msg); m != nil {
			return c.usageFault("CLIErrBadValue", map[string]any{"Flag": "--" + m[2], "Value": m[1]})
		}
		if m := reBadSyntax.FindStringSubmatch(msg); m != nil {
			return c.usageFault("CLIErrBadSyntax", map[string]any{"Arg": m[1]})
		}
		return c.usageFault("CLIErrBadArgs", map[string]any{"Args": strings.Join(c.args, " ")})
	}
	if !positional && c.fs.NArg() > 0 {
		return c.usageFault("CLIErrExtraArg", map[string]any{"Arg": c.fs.Arg(0)})
	}
	return nil
}

// need refuses a command line without every one of the required flags
// (name → value given), naming those missing in alphabetical order.
func (c *command) need(flags map[string]string) error {
	var missing []string
	c.fs.VisitAll(func(f *flag.Flag) {
		if v, ok := flags["--"+f.Name]; ok && strings.TrimSpace(v) == "" {
			missing = append(missing, "--"+f.Name)
		}
	})
	if len(missing) == 0 {
		return nil
	}
	return c.usageFault("CLIErrMissingFlags", map[string]any{"Flags": strings.Join(missing, ", ")})
}

// set reports whether the flag was given on the command line.
func (c *command) set(name string) bool {
	given := false
	c.fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// help is the command's help: purpose, usage, flags, an example.
func (c *command) help() string {
	var b strings.Builder
	id := c.id()
	fmt.Fprintf(&b, "evalbot %s — %s\n\n", c.name, c.say("Cmd_"+id+"_Purpose", nil))
	usage := "evalbot " + c.name
	if has(c.lang, "Cmd_"+id+"_Usage") {
		usage += " " + c.say("Cmd_"+id+"_Usage", nil)
	}
	fmt.Fprintf(&b, "%s %s\n", c.say("CLIUsage", nil), usage)
	if has(c.lang, "Cmd_"+id+"_About") {
		fmt.Fprintf(&b, "\n%s\n", c.say("Cmd_"+id+"_About", nil))
	}
	fmt.Fprintf(&b, "\n%s\n", c.say("CLIFlags", nil))
	var lines [][2]string
	width := 0
	c.fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		left := "--" + f.Name
		if isBool(f) {
			name = ""
		} else if name == "" || goTypeNames[name] {
			name = c.say("CLIValue", nil)
		}
		if name != "" {
			left += " " + name
		}
		if d := f.DefValue; d != "" && d != "false" && d != "0" && d != "0s" && f.Name != "lang" {
			usage += " " + c.say("CLIDefault", map[string]any{"Value": d})
		}
		lines = append(lines, [2]string{left, usage})
		width = max(width, len([]rune(left)))
	})
	for _, l := range lines {
		fmt.Fprintf(&b, "  %s%s  %s\n", l[0], strings.Repeat(" ", width-len([]rune(l[0]))), l[1])
	}
	if c.extra != nil {
		fmt.Fprintf(&b, "\n%s", c.extra())
	}
	fmt.Fprintf(&b, "\n%s\n  %s\n", c.say("CLIExample", nil), c.say("Cmd_"+id+"_Example", nil))
	return b.String()
}

// goTypeNames are what flag.UnquoteUsage says when a description names no
// value: English words, replaced by the language's own.
var goTypeNames = map[string]bool{"string": true, "int": true, "uint": true, "float": true, "duration": true, "value": true}

func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// topHelp is `evalbot help`: every command with its purpose.
func topHelp(lang string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s evalbot %s\n\n%s\n", say(lang, "CLIUsage", nil), say(lang, "CLITopArgs", nil), say(lang, "CLICommands", nil))
	for _, name := range commands {
		fmt.Fprintf(&b, "  %-11s %s\n", name, say(lang, "Cmd_"+name+"_Purpose", nil))
	}
	fmt.Fprintf(&b, "\n%s\n", say(lang, "CLITopHint", nil))
	return b.String()
}

// errNoDatabaseURL: DATABASE_URL is empty.
var errNoDatabaseURL = errors.New("DATABASE_URL is not set")

// goPrefix matches a Go package's prefix on an error text ("calendar: ",
// "roster: ", "pgx: "), at its start or after another message's colon.
var goPrefix = regexp.MustCompile(`(^|: )[a-z][a-z0-9]*: `)

// stripGoPrefixes takes every package prefix off an error text: never shown
// to an operator.
func stripGoPrefixes(s string) string {
	for {
		t := goPrefix.ReplaceAllString(s, "$1")
		if t == s {
			return s
		}
		s = t
	}
}

// explain turns any error a command returns into one line in lang: the
// command's own messages as they are, known kinds of failure by their
// meaning, anything else with its package prefixes taken off.
func explain(lang string, err error) string {
	var ce *cliError
	var pe *fs.PathError
	var connect *pgconn.ConnectError
	switch {
	case errors.As(err, &ce):
		return ce.msg
	case errors.Is(err, errNoDatabaseURL):
		return say(lang, "CLIErrNoDatabase", nil)
	case errors.Is(err, context.Canceled):
		return say(lang, "CLIErrStopped", nil)
	case errors.As(err, &pe):
		reason := "CLIFileOther"
		// A file written through a temporary one beside it is told by the
		// name asked for.
		path, dir := pe.Path, filepath.Dir(pe.Path)
		if m := tempName.FindStringSubmatch(filepath.Base(path)); m != nil {
			path = filepath.Join(dir, m[1])
		}
		switch {
		case errors.Is(pe.Err, fs.ErrNotExist) && !exists(dir):
			reason = "CLIFileNoDir" // the folder is missing, not the file
		case errors.Is(pe.Err, fs.ErrNotExist):
			reason = "CLIFileNotExist"
		case errors.Is(pe.Err, fs.ErrPermission):
			reason = "CLIFilePermission"
		case errors.Is(pe.Err, syscall.EISDIR):
			reason = "CLIFileIsDir"
		case errors.Is(pe.Err, syscall.ENOSPC):
			reason = "CLIFileNoSpace"
		}
		return say(lang, "CLIErrFile", map[string]any{"Path": path, "Reason": say(lang, reason, map[string]any{"Dir": dir})})
	case errors.As(err, &connect):
		return say(lang, "CLIErrConnect", nil)
	case errors.As(err, new(*pgconn.ParseConfigError)):
		return say(lang, "CLIErrDatabaseURL", nil)
	}
	return say(lang, "CLIErrOther", map[string]any{"Err": stripGoPrefixes(err.Error())})
}

// tempName is the name of a file being written (writeOut): «.x.xlsx.tmp-123».
var tempName = regexp.MustCompile(`^\.(.+)\.tmp-[0-9]+$`)

// exists reports whether path names something on disk.
func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
