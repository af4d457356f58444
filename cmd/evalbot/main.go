// Command evalbot runs the evaluation bot and its tools:
//
//	evalbot serve     long polling or --webhook URL; TELEGRAM_BOT_TOKEN, DATABASE_URL, TELEGRAM_API_URL
//	evalbot migrate   apply the migrations (DATABASE_URL)
//	evalbot import    units and officials from CSV or XLSX (--units, --officials, --dry-run)
//	evalbot invites   one-time deep links for people not yet on Telegram (--bot, --ttl)
//	evalbot export    results as XLSX/CSV (--month, --quarter, --year, --unit, --out, --csv)
//	evalbot demo      one whole month for the sample ward on a fake Telegram
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

const usage = `usage: evalbot <command> [flags]

commands:
  serve     run the bot (long polling, or --webhook URL)
  migrate   apply database migrations
  import    import units and officials from CSV/XLSX
  invites   print one-time invite links
  export    results of a month, quarter or year as XLSX/CSV
  health    exit 0 when a running serve is ready (the container HEALTHCHECK)
  qr        print a QR sign (PNG) per one-stop-shop desk
  admin     grant or revoke an organization-department admin over a unit subtree
  absence   record leave, sickness or maternity (no prompts, no grade if mostly away)
  discipline
            record a disciplinary measure of a month (grade D)
  weblink   print a one-time sign-in link to the web face (--code, --ttl)
  outbox    list undelivered messages (dead, unconfirmed) and queue them again
  bench     delivery benchmarks (fanout, updates, idle)
  devdb     start a throwaway PostgreSQL and print its DATABASE_URL (until Ctrl-C)
  demo      run one whole month on a fake Telegram and print it
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// A closed pipe (demo | head) turns writes into errors instead of killing
	// the process, so the demo still stops its throwaway cluster.
	signal.Ignore(syscall.SIGPIPE)
	// Structured logs carry ids, never names, texts or tokens; JSON unless
	// EVALBOT_LOG_FORMAT=text (for a terminal).
	var handler slog.Handler = slog.NewJSONHandler(os.Stderr, nil)
	if os.Getenv("EVALBOT_LOG_FORMAT") == "text" {
		handler = slog.NewTextHandler(os.Stderr, nil)
	}
	log := slog.New(handler)
	slog.SetDefault(log)
	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(ctx, log, os.Args[2:])
	case "migrate":
		if err = noFlags("migrate", os.Args[2:]); err == nil {
			err = migrateCmd(ctx)
		}
	case "import":
		err = importCmd(ctx, os.Args[2:])
	case "invites":
		err = invitesCmd(ctx, os.Args[2:])
	case "export":
		err = exportCmd(ctx, os.Args[2:])
	case "weblink":
		err = weblinkCmd(ctx, os.Args[2:])
	case "outbox":
		err = outboxCmd(ctx, os.Args[2:])
	case "bench":
		err = benchCmd(ctx, os.Args[2:])
	case "health":
		if err = noFlags("health", os.Args[2:]); err == nil {
			err = healthCmd(ctx)
		}
	case "qr":
		err = qrCmd(ctx, os.Args[2:])
	case "admin":
		err = adminCmd(ctx, os.Args[2:])
	case "absence":
		err = absenceCmd(ctx, os.Args[2:])
	case "discipline":
		err = disciplineCmd(ctx, os.Args[2:])
	case "devdb":
		if err = noFlags("devdb", os.Args[2:]); err == nil {
			err = devdbCmd(ctx)
		}
	case "demo":
		if err = noFlags("demo", os.Args[2:]); err == nil {
			err = demoCmd(ctx)
		}
	case "-h", "--help", "help":
		fmt.Print(usage)
		return
	default:
		fmt.Fprintf(os.Stderr, "evalbot: unknown command %q\n\n%s", os.Args[1], usage)
		os.Exit(2)
	}
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.As(err, new(usageError)):
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	case errors.Is(err, errFaultyRows):
		os.Exit(1) // the report said it all, in the clerk's language
	default:
		fmt.Fprintln(os.Stderr, "evalbot:", err)
		os.Exit(1)
	}
}

// usageError is a command line the command does not take.
type usageError string

func (e usageError) Error() string { return string(e) }

// noFlags checks the arguments of a command that takes none: -h or --help
// prints what it does (flag.ErrHelp), anything else is a usage error, so
// that "devdb --help" does not start a cluster.
func noFlags(name string, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		for _, line := range strings.Split(usage, "\n") {
			if strings.HasPrefix(line, "  "+name+" ") {
				fmt.Printf("usage: evalbot %s\n\n%s\n", name, strings.TrimSpace(strings.TrimPrefix(line, "  "+name)))
			}
		}
		return flag.ErrHelp
	}
	return usageError(fmt.Sprintf("evalbot %s takes no arguments (got %q); evalbot %s --help says what it does", name, strings.Join(args, " "), name))
}
