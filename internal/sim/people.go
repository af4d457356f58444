package sim

import (
	"context"
	"fmt"
	"strings"
	"time"

	"evalbot/internal/botapitest"
	"evalbot/internal/roster"
)

// Person is a roster official acting through a fake Telegram user.
type Person struct {
	Code string
	Name string
	ID   int64 // officials.id
	User *botapitest.User
}

// ImportCSV loads a roster from CSV text (the shape of shared/data/roster).
func (h *Harness) ImportCSV(units, officials string) error {
	us, errs, err := roster.ReadUnits(strings.NewReader(units), "units.csv")
	if err != nil || len(errs) > 0 {
		return fmt.Errorf("units: %v %v", err, errs)
	}
	os, errs, err := roster.ReadOfficials(strings.NewReader(officials), "officials.csv")
	if err != nil || len(errs) > 0 {
		return fmt.Errorf("officials: %v %v", err, errs)
	}
	rep, err := roster.Import(context.Background(), h.Pool, us, os, roster.Options{})
	if err != nil {
		return err
	}
	if len(rep.Errors) > 0 {
		return fmt.Errorf("import: %v", rep.Errors)
	}
	return nil
}

// Onboard gives every active official an invite and has them press Start
// with it, as after `evalbot invites`. Keys are employee codes.
func (h *Harness) Onboard() (map[string]*Person, error) {
	ctx := context.Background()
	invs, err := roster.CreateInvites(ctx, h.Pool, nil, 72*time.Hour, h.Clock.Now())
	if err != nil {
		return nil, err
	}
	out := map[string]*Person{}
	for _, inv := range invs {
		o, err := roster.OfficialByID(ctx, h.Pool, inv.OfficialID)
		if err != nil {
			return nil, err
		}
		u := h.Srv.NewUser(100000+inv.OfficialID, strings.Fields(inv.FullName)[len(strings.Fields(inv.FullName))-1], o.Language)
		if err := h.Wait(u.Start(inv.Token)); err != nil {
			return nil, err
		}
		out[inv.EmployeeCode] = &Person{Code: inv.EmployeeCode, Name: inv.FullName, ID: inv.OfficialID, User: u}
	}
	return out, nil
}

// Say sends text as p and waits for the bot.
func (h *Harness) Say(p *Person, text string) error { return h.Wait(p.User.SendText(text)) }

// Command sends a command as p and waits.
func (h *Harness) Command(p *Person, cmd string) error { return h.Wait(p.User.Command(cmd)) }

// Tap presses the button labelled label on p's newest message that has it.
func (h *Harness) Tap(p *Person, label string) error {
	m, ok := FindButton(p.User.Messages(), label)
	if !ok {
		return fmt.Errorf("%s: no message with a button %q; last message: %q", p.Code, label, p.User.Last().Text)
	}
	id, err := p.User.Press(m, label)
	if err != nil {
		return err
	}
	return h.Wait(id)
}

// TapOn presses label on a given message (which may be in another chat).
func (h *Harness) TapOn(p *Person, m botapitest.Message, label string) error {
	id, err := p.User.Press(m, label)
	if err != nil {
		return err
	}
	return h.Wait(id)
}

// FindButton returns the newest message with a button whose text is label
// (or starts with it, for labels that carry a count).
func FindButton(ms []botapitest.Message, label string) (botapitest.Message, bool) {
	for i := len(ms) - 1; i >= 0; i-- {
		for _, row := range ms[i].Keyboard {
			for _, b := range row {
				if b.Text == label {
					return ms[i], true
				}
			}
		}
	}
	return botapitest.Message{}, false
}

// ButtonStartingWith finds the newest button whose text starts with prefix.
func ButtonStartingWith(ms []botapitest.Message, prefix string) (botapitest.Message, string, bool) {
	for i := len(ms) - 1; i >= 0; i-- {
		for _, row := range ms[i].Keyboard {
			for _, b := range row {
				if strings.HasPrefix(b.Text, prefix) {
					return ms[i], b.Text, true
				}
			}
		}
	}
	return botapitest.Message{}, "", false
}

// Message is a message as the fake Telegram shows it.
type Message = botapitest.Message

// SendPhoto sends a photo (PNG, JPEG or GIF bytes) as p, with caption
// ("" for none), and waits for the bot.
func (h *Harness) SendPhoto(p *Person, data []byte, caption string) error {
	return h.Wait(p.User.SendPhoto(data, caption))
}

// SendDocument sends a file as p, with caption ("" for none), and waits.
func (h *Harness) SendDocument(p *Person, f botapitest.File, caption string) error {
	return h.Wait(p.User.SendDocument(f, caption))
}
