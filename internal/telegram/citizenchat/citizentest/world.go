// Package citizentest is the citizens' world for end-to-end tests, shared
// by internal/telegram/citizenchat's tests and internal/telegram's (which
// drive the whole App): a ward with its one-stop shop and six desks on the
// simulated Telegram (internal/sim), over a throwaway PostgreSQL
// (internal/pgtest), with every log line captured. Only tests import it.
package citizentest

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/calendar"
	"evalbot/internal/citizen"
	"evalbot/internal/pgtest"
	"evalbot/internal/sim"
	"evalbot/internal/store"
)

// Units is the ward with its public administration service centre (the
// one-stop shop), as a units CSV.
const Units = `code,name,parent_code,exceptional
ROOT,Phường Thử,,
HCC,Trung tâm Phục vụ hành chính công,ROOT,true
`

// Officials: S heads the ward, G the centre; N and B serve at its desks
// (B in English).
const Officials = `employee_code,full_name,unit_code,category,position,is_head,phone,language
S,Nguyễn Văn Sếp,ROOT,Cán bộ,Chủ tịch UBND phường,true,0912000001,vi
G,Kiều Thị Xuân,HCC,Công chức,Giám đốc Trung tâm,true,0912000002,vi
N,Hà Thị Bích Ngọc,HCC,Công chức,Chuyên viên tiếp nhận hồ sơ,,0912000003,vi
B,Tô Quốc Bảo,HCC,Công chức,Chuyên viên tiếp nhận hồ sơ,,0912000004,en
`

// Desks are the centre's six desks, N and B by turns.
const Desks = `desk_code,name,unit_code,employee_code
HCC-Q1,Quầy 1 - Đất đai và xây dựng,HCC,N
HCC-Q2,Quầy 2 - Hộ tịch và chứng thực,HCC,B
HCC-Q3,Quầy 3 - Lao động và chính sách xã hội,HCC,N
HCC-Q4,Quầy 4 - Trả kết quả,HCC,B
HCC-Q5,Quầy 5 - Tư pháp,HCC,N
HCC-Q6,Quầy 6 - Kinh doanh,HCC,B
`

// Citizens' Telegram ids: long, so that finding one in a dump is no accident.
const (
	LanID  = int64(987654321001)
	MinhID = int64(987654321002)
	HoaID  = int64(987654321003)
)

// LogBuffer collects logs from the bot's goroutines.
type LogBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p (io.Writer, for slog handlers).
func (s *LogBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String is everything logged so far.
func (s *LogBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// World is the running bot (H, on the database Pool) with the centre's
// desks; Ps are the officials by employee code (S, G, N, B), onboarded;
// Logs every line logged.
type World struct {
	H    *sim.Harness
	Pool *pgxpool.Pool
	Ps   map[string]*sim.Person
	Logs *LogBuffer
	// Forged: presses come through another person's private chat, which
	// Telegram never delivers; their answers to that chat go through two
	// paces (the outbox's for the presser's replies, the process's for the
	// citizen's), so the limits are not checked.
	Forged bool
}

// New starts the bot on Wednesday 25 November 2026, 09:00, with the
// centre's desks imported, and every log line (debug and up, the bot's
// and slog's default) captured. Telegram's limits are on (sim.New): unless
// Forged is set, the test fails at its end on any 429 or dead letter.
func New(t *testing.T) *World {
	t.Helper()
	pool := pgtest.New(t)
	logs := &LogBuffer{}
	h, err := sim.New(pool, time.Date(2026, 11, 25, 9, 0, 0, 0, calendar.Location), logs)
	must(t, err)
	t.Cleanup(h.Close)
	w := &World{}
	t.Cleanup(func() {
		if !w.Forged {
			checkLimits(t, h)
		}
	})
	h.App.Log = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() { slog.SetDefault(prev) })
	must(t, h.ImportCSV(Units, Officials))
	ps, err := h.Onboard()
	must(t, err)
	rows, errs, err := citizen.ReadDesks(strings.NewReader(Desks), "desks.csv")
	if err != nil || len(errs) > 0 {
		t.Fatal(err, errs)
	}
	ctx := context.Background()
	must(t, store.InTx(ctx, pool, func(tx pgx.Tx) error {
		rep, err := citizen.ImportDesks(ctx, tx, "desks.csv", rows, h.Clock.Now())
		if err == nil && len(rep.Errors) > 0 {
			err = fmt.Errorf("%v", rep.Errors)
		}
		return err
	}))
	*w = World{H: h, Pool: pool, Ps: ps, Logs: logs}
	return w
}

// Link is the deep link a desk's QR code encodes now.
func (w *World) Link(t *testing.T, deskCode string) string {
	t.Helper()
	ctx := context.Background()
	d, err := citizen.DeskByCode(ctx, w.Pool, deskCode)
	must(t, err)
	c, err := citizen.ActiveCode(ctx, w.Pool, d.ID, w.H.Clock.Now())
	must(t, err)
	return citizen.DeepLink(w.H.Srv.BotUsername(), c.Code)
}

// Person makes a citizen: a Telegram user who is on no roster.
func (w *World) Person(id int64, name, lang string) *sim.Person {
	return &sim.Person{Code: name, Name: name, User: w.H.Srv.NewUser(id, name, lang)}
}

// Scan opens a link as a phone's camera does, and waits for the bot.
func (w *World) Scan(t *testing.T, p *sim.Person, link string) {
	t.Helper()
	id, err := p.User.OpenLink(link)
	must(t, err)
	must(t, w.H.Wait(id))
}

// At sets the bot's clock.
func (w *World) At(t *testing.T, tm time.Time) { w.H.Clock.Set(tm) }

// checkLimits: with Telegram's limits on, no 429 and no dead letter.
func checkLimits(t *testing.T, h *sim.Harness) {
	t.Helper()
	must(t, h.Flush())
	n429 := h.Srv.FloodRefusals()
	dead, err := h.DeadLetters()
	must(t, err)
	t.Logf("with Telegram's limits on: %d × 429 (server side), %d dead letters", n429, dead)
	if n429 != 0 {
		t.Errorf("%d × 429 from the fake's flood limits, by chat: %v", n429, h.Srv.FloodRefusalsByChat())
	}
	if dead != 0 {
		t.Errorf("%d dead letters", dead)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
