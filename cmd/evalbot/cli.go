package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"evalbot/internal/calendar"
	"evalbot/internal/locale"
	"evalbot/internal/report"
	"evalbot/internal/signin"
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

// knownLang: v names one of the languages of the locales (vi, en, or a
// regional form such as en-US), which --lang takes; anything else is refused
// rather than silently read as Vietnamese.
func knownLang(v string) bool {
	v = strings.ToLower(strings.TrimSpace(v))
	if i := strings.IndexAny(v, "-_"); i > 0 {
		v = v[:i]
	}
	return slices.Contains(locale.Languages, v)
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
	// bounds are the inclusive ranges of the whole-number flags (Int,
	// IntVar), checked by parse.
	bounds map[string][2]int
}

// newCommand starts a command's flag set; every command has --lang.
func newCommand(name string, args []string) *command {
	c := &command{name: name, lang: argLang(args), args: args, out: os.Stdout}
	c.fs = flag.NewFlagSet(name, flag.ContinueOnError)
	c.fs.SetOutput(io.Discard)
	c.fs.Usage = func() {}
	c.fs.String("lang", env("EVALBOT_LANG", "vi"), c.flagText("lang"))
	c.fs.Bool("verbose", verbose, c.flagText("verbose"))
	return c
}

// id is the locale id stem of the command: "bench fanout" → "bench_fanout".
func (c *command) id() string { return strings.ReplaceAll(c.name, " ", "_") }

// flagText is the description of one of the command's flags.
func (c *command) flagText(name string) string {
	if name == "lang" {
		return say(c.lang, "CLIFlagLang", nil)
	}
	if name == "verbose" && !has(c.lang, "Flag_"+c.id()+"_verbose") {
		return say(c.lang, "CLIFlagVerbose", nil)
	}
	return say(c.lang, "Flag_"+c.id()+"_"+strings.ReplaceAll(name, "-", "_"), nil)
}

func (c *command) String(name, def string) *string  { return c.fs.String(name, def, c.flagText(name)) }
func (c *command) Bool(name string, def bool) *bool { return c.fs.Bool(name, def, c.flagText(name)) }

// Int is a whole-number flag that parse refuses outside min..max
// (inclusive), naming the range: every number an operator types is bounded.
func (c *command) Int(name string, def, min, max int) *int {
	p := new(int)
	c.IntVar(p, name, def, min, max)
	return p
}

// IntVar is Int into p.
func (c *command) IntVar(p *int, name string, def, min, max int) {
	c.fs.IntVar(p, name, def, c.flagText(name))
	if c.bounds == nil {
		c.bounds = map[string][2]int{}
	}
	c.bounds[name] = [2]int{min, max}
}

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

// messenger is an error that names the locale message a person reads for
// it (calendar.FileError, schedule.SettingError), with its data.
type messenger interface {
	Message() (id string, data map[string]any)
}

// sayMessage renders err in lang when it names its message: a calendar.Date
// in the data written as lang writes dates, and a Line above 0 named
// before it («dòng 4: …»). ok is false for any other error.
func sayMessage(lang string, err error) (string, bool) {
	var m messenger
	if !errors.As(err, &m) {
		return "", false
	}
	id, data := m.Message()
	if !has(lang, id) {
		return "", false
	}
	for k, v := range data {
		if d, ok := v.(calendar.Date); ok {
			data[k] = dayOf(lang, time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, calendar.Location))
		}
	}
	s := say(lang, id, data)
	if line, _ := data["Line"].(int); line > 0 {
		s = say(lang, "FaultAtLine", map[string]any{"Line": line, "Cause": s})
	}
	return s, true
}

// errText is err in lang: its own message when it names one (sayMessage),
// else its Go text without package prefixes.
func errText(lang string, err error) string {
	if m, ok := sayMessage(lang, err); ok {
		return m
	}
	return stripGoPrefixes(err.Error())
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

// flagsFirst moves the flags among args before the other arguments, for a
// command without subcommands that takes some: the flag package stops at
// the first argument that is not a flag, so «apikey revoke 2 --lang en» read
// «--lang» as a second key. What follows "--" stays an argument.
func flagsFirst(fs *flag.FlagSet, args []string) []string {
	var flags, rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			rest = append(rest, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		if f := fs.Lookup(name); f != nil && i+1 < len(args) {
			if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
				i++
				flags = append(flags, args[i])
			}
		}
	}
	return append(append(flags, "--"), rest...)
}

// parse parses the arguments. -h or --help prints the help to c.out and
// returns flag.ErrHelp (main exits 0); the flag package's errors, and
// arguments the command does not take (positional ones unless
// positional), come back in the operator's language.
func (c *command) parse(positional bool) error {
	err := c.fs.Parse(c.args)
	if c.set("lang") {
		v := c.fs.Lookup("lang").Value.String()
		if !knownLang(v) {
			return c.usageFault("CLIErrBadLang", map[string]any{"Value": v, "Langs": strings.Join(locale.Languages, ", ")})
		}
		c.lang = locale.Lang(v)
	}
	if c.set("verbose") {
		verbose = c.fs.Lookup("verbose").Value.(flag.Getter).Get().(bool)
	}
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(c.out, c.help())
		return flag.ErrHelp
	case err != nil:
		msg := err.Error()
		if m := reUnknownFlag.FindStringSubmatch(msg); m != nil {
			if sub := c.subcommandWith(m[1]); sub != "" {
				// «catalogue --file x»: the flag is its subcommand's.
				return c.usageFault("CLIErrFlagOfSub", map[string]any{"Flag": "--" + m[1], "Command": "evalbot " + sub})
			}
			return c.usageFault("CLIErrUnknownFlag", map[string]any{"Flag": "--" + m[1]})
		}
		if m := reNeedsValue.FindStringSubmatch(msg); m != nil {
			return c.usageFault("CLIErrNeedsValue", map[string]any{"Flag": "--" + m[1]})
		}
		if m := reBadValue.FindStringSubmatch(msg); m != nil {
			data := map[string]any{"Flag": "--" + m[2], "Value": m[1]}
			if f := c.fs.Lookup(m[2]); f != nil {
				switch f.Value.(flag.Getter).Get().(type) {
				case time.Duration: // «7d»: say the form it takes
					return c.usageFault("CLIErrBadDuration", data)
				case int, float64:
					return c.usageFault("CLIErrBadNumber", data)
				}
			}
			return c.usageFault("CLIErrBadValue", data)
		}
		if m := reBadSyntax.FindStringSubmatch(msg); m != nil {
			return c.usageFault("CLIErrBadSyntax", map[string]any{"Arg": m[1]})
		}
		return c.usageFault("CLIErrBadArgs", map[string]any{"Args": strings.Join(c.args, " ")})
	}
	if !positional && c.fs.NArg() > 0 {
		return c.usageFault("CLIErrExtraArg", map[string]any{"Arg": c.fs.Arg(0)})
	}
	var fault error
	c.fs.Visit(func(f *flag.Flag) {
		b, ok := c.bounds[f.Name]
		if !ok || fault != nil {
			return
		}
		if v := f.Value.(flag.Getter).Get().(int); v < b[0] || v > b[1] {
			fault = c.usageFault("CLIErrOutOfRange", map[string]any{"Flag": "--" + f.Name, "Value": f.Value.String(), "Min": b[0], "Max": b[1]})
		}
	})
	return fault
}

// subcommandWith is the first of the command's subcommands (catalogue
// import, apikey create, bench web…) that has the flag, by its description
// in the locales; "" when none has.
func (c *command) subcommandWith(flagName string) string {
	for _, sub := range slices.Concat(catalogueCommands, apikeyCommands, benchCommands) {
		if strings.HasPrefix(sub, c.name+" ") && has(c.lang, "Flag_"+strings.ReplaceAll(sub, " ", "_")+"_"+strings.ReplaceAll(flagName, "-", "_")) {
			return sub
		}
	}
	return ""
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
		usage = dropRepeatedPlaceholder(f.Usage, name)
		d := f.DefValue
		if dur, ok := f.Value.(flag.Getter).Get().(time.Duration); ok {
			d = c.duration(dur)
		}
		if d != "" && d != "false" && d != "0" && d != "0s" && f.Name != "lang" && f.Name != "verbose" && !(d[0] >= '0' && d[0] <= '9' && hasWord(usage, d)) {
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

// dropRepeatedPlaceholder takes a flag's `PLACEHOLDER` out of its
// description when the words before it already name it («số hàng đợi `SỐ`
// theo…», «tệp cán bộ `TỆP`»): the help shows it beside the flag. One the
// sentence needs («tối đa `SỐ` tin», «the bot's `NAME`») stays, unquoted.
func dropRepeatedPlaceholder(usage, name string) string {
	i := strings.Index(usage, "`"+name+"`")
	if name == "" || i < 0 {
		return strings.ReplaceAll(usage, "`", "")
	}
	before := strings.Fields(strings.ToLower(usage[:i]))
	want := strings.Fields(strings.ToLower(strings.ReplaceAll(name, "-", " ")))
	for j := 0; j+len(want) <= len(before); j++ {
		if slices.Equal(before[j:j+len(want)], want) {
			rest := strings.TrimLeft(usage[i+len(name)+2:], " ")
			if rest != "" && !strings.ContainsAny(rest[:1], ",;:.)") {
				rest = " " + rest
			}
			return strings.ReplaceAll(strings.TrimRight(usage[:i], " ")+rest, "`", "")
		}
	}
	return strings.ReplaceAll(usage, "`", "")
}

// hasWord: s holds w as a whole word («(30; hơn nữa…)» holds «30»), so a
// default the description already gives is not shown twice.
func hasWord(s, w string) bool {
	for i := strings.Index(s, w); i >= 0; {
		end := i + len(w)
		if (i == 0 || !isWordByte(s[i-1])) && (end == len(s) || !isWordByte(s[end])) {
			return true
		}
		j := strings.Index(s[end:], w)
		if j < 0 {
			return false
		}
		i = end + j
	}
	return false
}

func isWordByte(b byte) bool {
	return b == '_' || b == '.' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

// duration writes a flag's duration as people do: 168h rather than Go's
// 168h0m0s, with the days when whole (168h, tức 7 ngày).
func (c *command) duration(d time.Duration) string {
	s := d.String()
	for _, zero := range []string{"0s", "0m"} {
		if strings.HasSuffix(s, "m"+zero) || strings.HasSuffix(s, "h"+zero) {
			s = strings.TrimSuffix(s, zero)
		}
	}
	if d >= 24*time.Hour && d%(24*time.Hour) == 0 {
		s += c.say("CLIDays", map[string]any{"N": int(d / (24 * time.Hour))})
	}
	return s
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
	if m, ok := sayMessage(lang, err); ok {
		return m
	}
	var pu *signin.PublicURLError
	switch {
	case errors.As(err, &ce):
		return ce.msg
	case errors.As(err, &pu):
		return say(lang, "CLIErrBadPublicURL", map[string]any{"Value": pu.Value})
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
		case errors.Is(pe.Err, syscall.ENOTDIR):
			reason = "CLIFileNotDir" // a file where a folder was needed
		case errors.Is(pe.Err, syscall.ENOSPC):
			reason = "CLIFileNoSpace"
		}
		return say(lang, "CLIErrFile", map[string]any{"Path": path, "Reason": say(lang, reason, map[string]any{"Dir": dir})})
	case errors.As(err, &connect):
		// Say why when the server or the network said: a database that
		// does not exist, a wrong password, a refused connection.
		var pg *pgconn.PgError
		if errors.As(err, &pg) {
			return say(lang, "CLIErrConnectWhy", map[string]any{"Reason": say(lang, pgReason(pg.Code), nil)}) + verboseDetail(lang, err)
		}
		if r, ok := netReason(lang, err); ok {
			return say(lang, "CLIErrConnectWhy", map[string]any{"Reason": r}) + verboseDetail(lang, err)
		}
		return say(lang, "CLIErrConnect", nil) + verboseDetail(lang, err)
	case errors.As(err, new(*pgconn.ParseConfigError)):
		return say(lang, "CLIErrDatabaseURL", nil)
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return say(lang, "CLIErrDatabase", map[string]any{"Reason": say(lang, pgReason(pg.Code), nil), "Code": pg.Code}) + verboseDetail(lang, err)
	}
	if r, ok := netReason(lang, err); ok {
		return say(lang, "CLIErrNetwork", map[string]any{"Reason": r}) + verboseDetail(lang, err)
	}
	if verbose {
		return say(lang, "CLIErrOther", map[string]any{"Err": stripGoPrefixes(err.Error())})
	}
	return say(lang, "CLIErrUnexpected", nil)
}

// verbose is --verbose (or EVALBOT_VERBOSE=1): explain then adds the Go
// text of an error, for a developer; an operator never needs it.
var verbose = os.Getenv("EVALBOT_VERBOSE") == "1"

// verboseDetail is the Go text of err after a line break under --verbose.
func verboseDetail(lang string, err error) string {
	if !verbose {
		return ""
	}
	return "\n" + say(lang, "CLIErrDetail", map[string]any{"Err": err.Error()})
}

// pgReason is the message id of a PostgreSQL error by its SQLSTATE class
// (the first two characters; PostgreSQL manual, appendix A).
func pgReason(code string) string {
	switch {
	case strings.HasPrefix(code, "22"):
		return "CLIPgData" // a value out of range, a bad number or date
	case strings.HasPrefix(code, "23"):
		return "CLIPgConstraint" // a row that contradicts another
	case strings.HasPrefix(code, "40"):
		return "CLIPgConflict" // serialization failure, deadlock: try again
	case strings.HasPrefix(code, "53"), strings.HasPrefix(code, "57"), strings.HasPrefix(code, "08"):
		return "CLIPgUnavailable" // out of resources, shutting down, connection lost
	case strings.HasPrefix(code, "28"):
		return "CLIPgAuth"
	case code == "3D000":
		return "CLIPgNoDatabase" // the database named in DATABASE_URL
	case strings.HasPrefix(code, "42"):
		return "CLIPgSchema" // a table or column missing: the migrations
	}
	return "CLIPgOther"
}

// netReason says in lang why a network request failed (connection refused,
// timeout, unknown host, network unreachable), and whether err is one.
func netReason(lang string, err error) (string, bool) {
	var dns *net.DNSError
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return say(lang, "CLINetRefused", nil), true
	case errors.As(err, &dns):
		return say(lang, "CLINetNoHost", map[string]any{"Host": dns.Name}), true
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return say(lang, "CLINetTimeout", nil), true
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		return say(lang, "CLINetUnreachable", nil), true
	case errors.Is(err, syscall.ECONNRESET):
		return say(lang, "CLINetReset", nil), true
	case errors.As(err, new(*net.OpError)):
		return say(lang, "CLINetOther", nil), true
	}
	return "", false
}

// tempName is the name of a file being written (writeOut): «.x.xlsx.tmp-123».
var tempName = regexp.MustCompile(`^\.(.+)\.tmp-[0-9]+$`)

// exists reports whether path names something on disk.
func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// FirstYear is the first year a period flag takes: the year of Decision
// 3814-QĐ/TU, the framework evalbot follows. The last is next year.
const FirstYear = 2018

// yearBounds are the years a period flag takes at now: FirstYear to next year.
func yearBounds(now time.Time) (int, int) { return FirstYear, now.In(calendar.Location).Year() + 1 }

// periodYear checks that year (of the flag's value) lies in yearBounds.
func (c *command) periodYear(flagName, value string, year int) error {
	lo, hi := yearBounds(time.Now())
	if year < lo || year > hi {
		return c.usageFault("CLIErrYearOutOfRange", map[string]any{"Flag": flagName, "Value": value, "Min": lo, "Max": hi})
	}
	return nil
}

// yearFlag reads a --year value: four digits, FirstYear to next year.
func (c *command) yearFlag(flagName, value string) (int, error) {
	v := strings.TrimSpace(value)
	y, err := strconv.Atoi(v)
	if err != nil || len(v) != 4 {
		return 0, c.usageFault("CLIErrBadYear", map[string]any{"Flag": flagName, "Value": value})
	}
	return y, c.periodYear(flagName, value, y)
}

// monthFlag reads a --month value (2026-11), of a year in yearBounds.
func (c *command) monthFlag(flagName, value string) (calendar.Month, error) {
	m, err := calendar.ParseMonth(value)
	if err != nil {
		return m, c.usageFault("CLIErrBadMonth", map[string]any{"Flag": flagName, "Value": value})
	}
	return m, c.periodYear(flagName, value, m.Year)
}

// quarterFlag reads a --quarter value (2026-Q4), of a year in yearBounds.
func (c *command) quarterFlag(flagName, value string) (year, quarter int, err error) {
	if year, quarter, err = report.ParseQuarter(value); err != nil {
		return 0, 0, c.usageFault("ExportBadQuarter", map[string]any{"Value": value})
	}
	return year, quarter, c.periodYear(flagName, value, year)
}

// dateFlag reads a day (2026-11-02), of a year in yearBounds.
func (c *command) dateFlag(flagName, value string) (calendar.Date, error) {
	d, err := calendar.ParseDate(value)
	if err != nil {
		return d, c.usageFault("CLIErrBadDate", map[string]any{"Flag": flagName, "Value": value})
	}
	return d, c.periodYear(flagName, value, d.Year)
}
