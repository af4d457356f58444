package demo

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"evalbot/internal/calendar"
	"evalbot/internal/citizen"
	"evalbot/internal/evaluation"
	"evalbot/internal/locale"
	"evalbot/internal/roster"
	"evalbot/internal/signin"
	"evalbot/internal/store"
	"evalbot/internal/web"
)

// WebAdmin is the demo's organization-department admin on the web: the
// head of the ward's office (Chánh Văn phòng, HB005), over the whole ward.
const (
	WebAdmin     = "HB005"
	webAdminUnit = "PHB"
	// WebHead is the head whose review board the demo prints a link to:
	// the head of the economic office (Trưởng phòng Kinh tế).
	WebHead = "HB010"
	// WebOfficial is the official whose own pages (plan, weekly report,
	// self-assessment, months' results) the demo prints a link to: a
	// specialist of that office (Chuyên viên địa chính).
	WebOfficial = "HB012"
	// WebDesk is the desk whose citizens' page the demo prints.
	WebDesk = "HCC-Q1"
)

// Site is the demo month on the web, for a person to look at: Dashboard is
// the month's overview, SignIn the admin's one-time sign-in link (which
// opens the session and goes to Dashboard), HeadSignIn WebHead's one
// (to the review board), OfficialSignIn WebOfficial's (to their own
// pages), Desk a desk's citizens' page (/r/<code>).
type Site struct {
	Base, Dashboard, SignIn, HeadSignIn, OfficialSignIn, Desk string
}

// WebTime is the moment the web pages show after the demo: the 5th working
// day of December 2026 (publication day) at 10:00, when November is still
// the month under evaluation (calendar.MonthUnderReview). The pages' clock
// stays there, so the printed links do not expire while the demo runs.
func WebTime(cal *calendar.Calendar) time.Time {
	day, _ := cal.NthWorkingDay(calendar.Month{Year: 2026, Month: time.December}, 5)
	return day.Time(10, 0)
}

// ServeWeb serves the web pages of the month RunWith played on pool, at addr
// ("127.0.0.1:0" for a free port), until ctx ends; done gets the server's
// end. It makes WebAdmin an admin over the ward (audited, as `evalbot admin`
// does) and issues them a sign-in link.
func ServeWeb(ctx context.Context, pool *pgxpool.Pool, addr string, log *slog.Logger) (Site, <-chan error, error) {
	cal := calendar.Default()
	now := WebTime(cal)
	cat, err := locale.Load()
	if err != nil {
		return Site{}, nil, err
	}
	var token, headToken, officialToken, code string
	err = store.InTx(ctx, pool, func(tx pgx.Tx) error {
		o, err := roster.OfficialByCode(ctx, tx, WebAdmin)
		if err != nil {
			return err
		}
		u, err := roster.UnitByCode(ctx, tx, webAdminUnit)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO admins (official_id, unit_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, o.ID, u.ID); err != nil {
			return err
		}
		if err := evaluation.Audit(ctx, tx, evaluation.AuditEntry{Subject: o.ID, Entity: "admin", EntityID: u.ID, Action: "grant_admin"}); err != nil {
			return err
		}
		if token, _, err = signin.Issue(ctx, tx, o.ID, signin.DefaultLinkTTL, now); err != nil {
			return err
		}
		head, err := roster.OfficialByCode(ctx, tx, WebHead)
		if err != nil {
			return err
		}
		if headToken, _, err = signin.Issue(ctx, tx, head.ID, signin.DefaultLinkTTL, now); err != nil {
			return err
		}
		official, err := roster.OfficialByCode(ctx, tx, WebOfficial)
		if err != nil {
			return err
		}
		if officialToken, _, err = signin.Issue(ctx, tx, official.ID, signin.DefaultLinkTTL, now); err != nil {
			return err
		}
		desk, err := citizen.DeskByCode(ctx, tx, WebDesk)
		if err != nil {
			return err
		}
		c, err := citizen.ActiveCode(ctx, tx, desk.ID, now)
		code = c.Code
		return err
	})
	if err != nil {
		return Site{}, nil, fmt.Errorf("demo web: %w", err)
	}
	// The address is known once bound; the server's public URL is that
	// address (http: cookies without Secure, as on a developer's machine).
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return Site{}, nil, fmt.Errorf("web listener: %w", err)
	}
	bound := ln.Addr().String()
	ln.Close()
	base := "http://" + reachable(bound)
	s := &web.Server{Pool: pool, Cat: cat, Cal: cal, Now: func() time.Time { return now }, Log: log, PublicURL: base}
	_, done, err := s.Start(ctx, bound)
	if err != nil {
		return Site{}, nil, err
	}
	return Site{Base: base, Dashboard: base + "/", SignIn: signin.LinkURL(base, token),
		HeadSignIn: signin.LinkURL(base, headToken), OfficialSignIn: signin.LinkURL(base, officialToken), Desk: base + "/r/" + code}, done, nil
}

// reachable is a bound address a browser on this machine can open: an
// unspecified host (":8081", "[::]:8081") becomes localhost.
func reachable(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}
