package telegram_test

import (
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/sim"
	"evalbot/internal/telegram/citizenchat/citizentest"
)

// The citizens' world (citizentest) under the names this package's tests
// use; the citizens' own tests are internal/telegram/citizenchat's.

type syncBuffer = citizentest.LogBuffer

const (
	lanID  = citizentest.LanID
	minhID = citizentest.MinhID
)

type citWorld struct {
	h    *sim.Harness
	pool *pgxpool.Pool
	ps   map[string]*sim.Person
	logs *syncBuffer
	w    *citizentest.World
}

// newCitWorld is citizentest.New.
func newCitWorld(t *testing.T) *citWorld {
	w := citizentest.New(t)
	return &citWorld{h: w.H, pool: w.Pool, ps: w.Ps, logs: w.Logs, w: w}
}

func (w *citWorld) link(t *testing.T, deskCode string) string { return w.w.Link(t, deskCode) }

func (w *citWorld) person(id int64, name, lang string) *sim.Person { return w.w.Person(id, name, lang) }

func (w *citWorld) scan(t *testing.T, p *sim.Person, link string) { w.w.Scan(t, p, link) }

func lastAnswer(p *sim.Person) string {
	as := p.User.Answers()
	if len(as) == 0 {
		return ""
	}
	return as[len(as)-1].Text
}

func hasButton(m sim.Message, label string) bool {
	for _, r := range m.Keyboard {
		for _, b := range r {
			if b.Text == label {
				return true
			}
		}
	}
	return false
}
