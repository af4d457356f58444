// Command evalbot runs the evaluation bot and its tools:
//
//	evalbot serve     long polling or --webhook URL; TELEGRAM_BOT_TOKEN, DATABASE_URL, TELEGRAM_API_URL
//	evalbot migrate   apply the migrations (DATABASE_URL)
//	evalbot import    units and officials from CSV or XLSX (--units, --officials, --dry-run)
//	evalbot catalogue import  an agency's catalogue of products and work (--file, --agency, --dry-run)
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
	"slices"
	"strings"
	"syscall"

	"evalbot/internal/locale"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

// run runs the command line args (without the program's name) and returns
// the exit status: 0, 1 for a failure, 2 for a command line it does not take.
// Everything it prints is in --lang or EVALBOT_LANG (Vietnamese by default).
func run(args []string) int {
	// A --lang given before the command («evalbot --lang en help») is the
	// language of whatever command follows.
	for len(args) > 0 {
		if v, ok := strings.CutPrefix(args[0], "--lang="); ok {
			os.Setenv("EVALBOT_LANG", v)
			args = args[1:]
		} else if args[0] == "--lang" && len(args) > 1 {
			os.Setenv("EVALBOT_LANG", args[1])
			args = args[2:]
		} else {
			break
		}
	}
	// EVALBOT_LANG (or a --lang before the command) naming no language of
	// the locales is refused, as --lang is, rather than read as Vietnamese.
	if v := os.Getenv("EVALBOT_LANG"); v != "" && !knownLang(v) {
		fmt.Fprintln(os.Stderr, "evalbot: "+say("vi", "CLIErrBadLangEnv", map[string]any{"Value": v, "Langs": strings.Join(locale.Languages, ", ")}))
		return 2
	}
	lang := "vi"
	if len(args) > 0 {
		lang = argLang(args[1:])
	} else {
		lang = argLang(nil)
	}
	if len(args) < 1 {
		fmt.Fprint(os.Stderr, topHelp(lang))
		return 2
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
	rest := args[1:]
	var err error
	switch args[0] {
	case "serve":
		err = serve(ctx, log, rest)
	case "migrate":
		err = migrateCmd(ctx, rest)
	case "import":
		err = importCmd(ctx, rest)
	case "catalogue":
		err = catalogueCmd(ctx, rest)
	case "invites":
		err = invitesCmd(ctx, rest)
	case "export":
		err = exportCmd(ctx, rest)
	case "weblink":
		err = weblinkCmd(ctx, rest)
	case "outbox":
		err = outboxCmd(ctx, rest)
	case "apikey":
		err = apikeyCmd(ctx, rest)
	case "bench":
		err = benchCmd(ctx, rest)
	case "health":
		err = healthCmd(ctx, rest)
	case "qr":
		err = qrCmd(ctx, rest)
	case "admin":
		err = adminCmd(ctx, rest)
	case "absence":
		err = absenceCmd(ctx, rest)
	case "discipline":
		err = disciplineCmd(ctx, rest)
	case "devdb":
		err = devdbCmd(ctx, rest)
	case "demo":
		err = demoCmd(ctx, rest)
	case "-h", "-help", "--help", "help":
		if len(rest) > 0 && slices.Contains(commands, rest[0]) {
			return run([]string{rest[0], "--help"})
		}
		fmt.Print(topHelp(lang))
		return 0
	default:
		fmt.Fprintf(os.Stderr, "evalbot: %s\n\n%s", say(lang, "CLIErrUnknownCommand", map[string]any{"Command": args[0]}), topHelp(lang))
		return 2
	}
	var ce *cliError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errFaultyRows):
		return 1 // the report said it all, in the clerk's language
	case errors.As(err, &ce) && ce.usage:
		fmt.Fprintln(os.Stderr, "evalbot "+args[0]+": "+ce.msg)
		return 2
	default:
		fmt.Fprintln(os.Stderr, "evalbot "+args[0]+": "+explain(lang, err))
		return 1
	}
}
