package demo

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"evalbot/internal/botapitest"
	"evalbot/internal/calendar"
	"evalbot/internal/collation"
	"evalbot/internal/locale"
)

// line is one event of the month as the story tells it.
type line struct {
	at    time.Time
	who   string
	order []collation.Key // who, in Vietnamese order
	seq   int
	// anchor is the seq of the person's own latest action (a tap, a message)
	// and rank 0 for that action, 1 for the answer to a tap, 2 for what the
	// bot sent: the bot answers a tap and edits cards from different
	// goroutines, so their order in the transcript changes from run to run.
	anchor, rank int
	class        string // bot, edit, press, text, answer: what «… and N similar» counts
	head         string // the first line, after the time and the person
	body         []string
	err          string
	sig          string // lines with the same sig are "the same step again"
	kind         string // the shape of the first line: a message told in full once, then by its last line
}

// storyLines turns the fake Telegram's transcript into the story's lines,
// in a deterministic order: by simulated time, then by person in Vietnamese
// order (the sender's goroutines interleave chats differently on each run),
// then in each person's own order.
func storyLines(cat *locale.Catalog, lang string, events []botapitest.Event, names map[int64]string, masks []string) []line {
	t := func(id string, data map[string]any) string { return cat.T(lang, id, data) }
	lastBot := map[int64]string{} // the sig of the newest bot message in a chat
	acted := map[string]int{}     // who → seq of their latest action
	var out []line
	for _, e := range events {
		who := names[e.ChatID]
		if who == "" {
			who = names[e.UserID]
		}
		l := line{at: e.Time, who: who, seq: e.Seq, err: e.Err}
		text := strings.TrimSpace(e.Text)
		first, rest, _ := strings.Cut(text, "\n")
		body := splitLines(rest)
		switch e.Kind {
		case "send", "photo", "document":
			l.class = "bot"
			if e.Kind != "send" {
				first = t(map[string]string{"photo": "DemoPhoto", "document": "DemoDocument"}[e.Kind], nil) + " " + first
			}
			l.head = "← " + first + buttonCount(cat, lang, e.Buttons)
			l.body = body
			l.kind = shape(first, masks)
			l.sig = "bot|" + l.kind + "|" + lastShape(body, masks)
			lastBot[e.ChatID] = l.kind
		case "edit":
			l.class = "edit"
			l.head = "← " + t("DemoEdited", nil) + " " + first + buttonCount(cat, lang, e.Buttons)
			l.body = body
			l.kind = shape(first, masks)
			l.sig = "edit|" + l.kind + "|" + lastShape(body, masks)
		case "press":
			l.class = "press"
			l.head = "→ " + t("DemoPressed", map[string]any{"Button": e.Text})
			l.sig = "press|" + shape(e.Text, masks) + "|" + lastBot[e.ChatID]
		case "start":
			l.class = "text"
			what := t("DemoInviteStart", nil) // the invite token is a secret
			if strings.HasPrefix(e.Text, "/start d") {
				what = t("DemoScanQR", nil)
			}
			l.head = "→ " + what
			l.sig = "start|" + what
		case "contact":
			l.class = "text"
			l.head = "→ " + t("DemoSharedPhone", nil)
			l.sig = "contact"
		case "text":
			l.class = "text"
			l.head = "→ " + first
			l.body = body
			if strings.HasPrefix(first, "/") {
				cmd, _, _ := strings.Cut(first, " ")
				l.sig = "cmd|" + cmd
			} else {
				l.sig = "text|" + lastBot[e.ChatID]
			}
		case "answer":
			if e.Text == "" && e.Err == "" {
				continue
			}
			l.class = "answer"
			l.head = "← " + t("DemoNotice", nil) + " " + first
			l.sig = "answer|" + shape(first, masks)
		default:
			continue
		}
		switch l.class {
		case "press", "text":
			acted[who] = e.Seq
		case "answer":
			l.rank = 1
		default:
			l.rank = 2
		}
		l.anchor = acted[who]
		out = append(out, l)
	}
	for i := range out {
		out[i].order = collation.NameKeys(out[i].who)
	}
	slices.SortStableFunc(out, func(a, b line) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		if c := collation.Compare(a.order, b.order); c != 0 {
			return c
		}
		if a.anchor != b.anchor {
			return a.anchor - b.anchor
		}
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		return a.seq - b.seq
	})
	return out
}

// printStory writes the story: every line when verbose; otherwise each kind
// of step once, in full, followed by how many times the same step recurs.
func printStory(w io.Writer, cat *locale.Catalog, lang string, month calendar.Month, lines []line, masks []string, verbose bool) {
	t := func(id string, data map[string]any) string { return cat.T(lang, id, data) }
	fmt.Fprintln(w, t("DemoHeader", map[string]any{"Month": fmt.Sprintf("%02d/%d", int(month.Month), month.Year)}))
	if !verbose {
		fmt.Fprintln(w, t("DemoHowToRead", nil))
	}
	count := map[string]int{}
	totals := map[string]int{}
	for _, l := range lines {
		count[l.sig]++
		totals[l.class]++
	}
	shown, full := map[string]bool{}, map[string]bool{}
	told := map[string]bool{} // the shapes of the body lines printed so far
	for _, l := range lines {
		if !verbose && shown[l.sig] && l.err == "" {
			continue
		}
		shown[l.sig] = true
		fmt.Fprintf(w, "[%s] %s %s\n", l.at.In(calendar.Location).Format("02/01 15:04"), l.who, l.head)
		body := l.body
		if !verbose && full[l.kind] && len(body) > 1 {
			// This message was shown in full before: only what tells this
			// step apart, its last line.
			body = []string{"…", body[len(body)-1]}
		}
		full[l.kind] = full[l.kind] || len(l.body) > 0
		if !verbose {
			body = untold(body, told, masks)
		}
		for _, b := range body {
			fmt.Fprintln(w, "      "+b)
		}
		if l.err != "" {
			fmt.Fprintln(w, "      "+t("DemoRefused", map[string]any{"Reason": l.err}))
		}
		if n := count[l.sig] - 1; !verbose && n > 0 {
			fmt.Fprintln(w, "      "+cat.N(lang, "DemoMore_"+l.class, n, nil))
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, t("DemoTotals", map[string]any{"Sent": totals["bot"], "Edits": totals["edit"], "Presses": totals["press"],
		"Texts": totals["text"], "Notices": totals["answer"]}))
}

// untold keeps a message's first body line, so that it reads as the card
// it is, and then the lines whose shape the story has not printed yet, each
// run of lines it has printed becoming one «…»: a card like one shown
// before (the final grade card after the provisional one, the head's review
// card after the self-assessment) tells only what is new in it.
func untold(body []string, told map[string]bool, masks []string) []string {
	var out []string
	for i, b := range body {
		k := shape(b, masks)
		switch {
		case i == 0 || b == "…" || !told[k]:
			told[k] = told[k] || b != "…"
			out = append(out, b)
		case out[len(out)-1] != "…":
			out = append(out, "…")
		}
	}
	return out
}

func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimRight(l, " "); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func buttonCount(cat *locale.Catalog, lang string, rows [][]botapitest.Button) string {
	n := 0
	for _, r := range rows {
		n += len(r)
	}
	if n == 0 {
		return ""
	}
	return "  " + cat.N(lang, "DemoButtons", n, nil)
}

var (
	digits = regexp.MustCompile(`[0-9]+([.,][0-9]+)?`)
	grades = regexp.MustCompile(`\b[A-D]\b`)
	aside  = regexp.MustCompile(`\([^()]*\)`)
	quoted = regexp.MustCompile(`«[^«»]*»`)
)

// shape is a line with what varies from one person or week to the next
// masked: names of people, units and desks, numbers, grades, what is quoted
// («…») and asides in parentheses.
func shape(s string, masks []string) string {
	for _, m := range masks {
		s = strings.ReplaceAll(s, m, "·")
	}
	s = digits.ReplaceAllString(s, "#")
	s = grades.ReplaceAllString(s, "X")
	s = quoted.ReplaceAllString(s, "«…»")
	return aside.ReplaceAllString(s, "(…)")
}

// lastShape is the shape of a message's last line when it is a status (it
// starts with a mark such as ✅, ↩️, ⚠️, 📨): a card's status (sent,
// approved, the quota's question) tells one step from another; a list's
// last item does not.
func lastShape(body []string, masks []string) string {
	if len(body) == 0 {
		return ""
	}
	last := body[len(body)-1]
	if r, _ := utf8.DecodeRuneInString(last); unicode.IsLetter(r) || unicode.IsDigit(r) || r == '•' {
		return ""
	}
	return shape(last, masks)
}
