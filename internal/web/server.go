// Package web is the web face of evalbot: server-rendered HTML pages
// (html/template, embedded with the one CSS file; no JavaScript, no CDN)
// for staff who sign in by a one-time link (internal/signin), and the
// organization department's dashboard (internal/dashboard). It only parses
// requests and renders: the SQL and the authorization live in the use-case
// packages it calls.
//
// Every request goes through, outermost first: security headers (a CSP
// without inline script, no framing, no referrer to another site, HSTS on
// https), rate limits (per person signed in, else per IP, under a flood
// guard per IP: a ward office is one address), and
// http.CrossOriginProtection, which refuses a cross-origin POST (a form on
// another site posting to /signout or a sign-in link).
// The task systems' API (internal/api, under /api/v1/) is served beside the
// pages, bearer-only, with its own limits.
// Vietnamese by default; ?lang=en (remembered in a cookie) for English.
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/klauspost/compress/gzhttp"

	"evalbot/internal/api"

	"evalbot/internal/app/grades"
	"evalbot/internal/calendar"
	"evalbot/internal/dashboard"
	"evalbot/internal/locale"
	"evalbot/internal/signin"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Timeouts of the web listener: a slow client cannot hold a connection.
const (
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 10 * time.Second
	WriteTimeout      = 30 * time.Second
	IdleTimeout       = 2 * time.Minute
)

// DefaultAddr is where the web face listens when EVALBOT_WEB_ADDR is unset.
const DefaultAddr = ":8081"

// Server serves the web face. Pool, Cat and Cal are required; Now defaults
// to time.Now, Log to slog.Default().
type Server struct {
	Pool *pgxpool.Pool
	Cat  *locale.Catalog
	Cal  *calendar.Calendar
	Now  func() time.Time
	Log  *slog.Logger
	// PublicURL is the site's public base URL (EVALBOT_PUBLIC_URL); when it
	// is https, cookies are Secure (the session cookie takes the __Host-
	// prefix) and HSTS is sent.
	PublicURL string
	// TrustProxy takes the client's IP from the last X-Forwarded-For entry
	// (set it only behind a reverse proxy that writes that header), for the
	// rate limits.
	TrustProxy bool

	// BotToken is the bot's token (TELEGRAM_BOT_TOKEN): the Mini App's
	// initData is signed with a key derived from it (internal/signin/initdata).
	// Empty: no Mini App sign-in (POST /tg refuses).
	BotToken string
	// MiniAppMaxAge is the oldest initData's auth_date accepted
	// (EVALBOT_MINIAPP_MAX_AGE); 0 is initdata.DefaultMaxAge (24 h).
	MiniAppMaxAge time.Duration
	// WebAppJS is the URL of telegram-web-app.js on Mini App pages
	// (TelegramWebAppJS when empty; the tests' harness serves its own).
	WebAppJS string
	// Frameworks resolves a framework id (grading.Preset when nil).
	Frameworks grades.Frameworks
	// Chat is the bot's side of a review decided on the board (telegram.App):
	// nil without a bot (nothing is told in chat).
	Chat ChatCards

	pages map[string]*template.Template
	all   *limiter // every request, per person (session cookie), else per client IP
	addrs *limiter // every request, per client IP: a flood guard above all
	links *limiter // sign-in links' failures, per client IP: guessing is slow
	rates *limiter // citizens' desk pages and ratings, per client IP
}

// secure reports whether the site is served over https.
func (s *Server) secure() bool { return strings.HasPrefix(strings.ToLower(s.PublicURL), "https://") }

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Server) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// Handler builds the routes. It fails when a template does not parse.
func (s *Server) Handler() (http.Handler, error) {
	if err := s.parse(); err != nil {
		return nil, err
	}
	// A ward office is one public address at month end: the pages' limit
	// is per person signed in (their session cookie), per address for the
	// rest; the address as a whole gets ten times that, so that made-up
	// cookies buy no more than a flood guard's worth.
	s.all = newLimiter(10, 40, 10000)
	s.addrs = newLimiter(100, 400, 10000)
	s.links = newLimiter(0.2, 10, 10000) // one failed link every 5 s after a burst of 10
	// A one-stop shop's wifi is shared: 30 pages at once, then one a second.
	s.rates = newLimiter(1, 30, 10000)
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	files := http.FileServerFS(static)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.dashboard)
	mux.HandleFunc("GET /units/{code}", s.unit)
	mux.HandleFunc("GET /export.xlsx", s.export)
	mux.HandleFunc("GET /export-period.xlsx", s.exportPeriod)
	mux.HandleFunc("GET /trend", s.trend)
	mux.HandleFunc("POST /units/{code}/remind", s.remind)
	mux.Handle("GET /signin/{token}", s.links.wrapFailures(s, http.HandlerFunc(s.signInPage)))
	mux.Handle("POST /signin/{token}", s.links.wrapFailures(s, http.HandlerFunc(s.signIn)))
	mux.HandleFunc("POST /signout", s.signOut)
	mux.Handle("GET /r/{code}", s.rates.wrap(s, http.HandlerFunc(s.deskPage)))
	mux.Handle("POST /r/{code}", s.rates.wrap(s, s.rate(false)))
	mux.Handle("GET /v/{code}", s.rates.wrap(s, http.HandlerFunc(s.visitPage)))
	mux.Handle("POST /v/{code}", s.rates.wrap(s, s.rate(true)))
	mux.Handle("GET /rating/{id}", s.rates.wrap(s, http.HandlerFunc(s.ratingPage)))
	mux.Handle("POST /rating/{id}", s.rates.wrap(s, http.HandlerFunc(s.comment)))
	mux.HandleFunc("GET /visit", s.visitCodes)
	mux.HandleFunc("POST /visit", s.visitCodes)
	mux.HandleFunc("GET /signed-out", s.signedOut)
	mux.HandleFunc("GET /tg", s.miniApp)
	// Not under the links' limit: an initData cannot be guessed (an HMAC
	// under the bot's token, checked before any query), and a ward office
	// opens the Mini App from one address on a Monday morning.
	mux.HandleFunc("POST /tg", s.miniAppSignIn)
	mux.HandleFunc("GET /board", s.board)
	mux.HandleFunc("POST /board/confirm", s.boardConfirm)
	mux.HandleFunc("POST /board/approve", s.boardApprove)
	mux.HandleFunc("GET /board/{id}", s.boardPerson)
	mux.HandleFunc("POST /board/{id}/approve", s.boardApproveOne)
	mux.HandleFunc("POST /board/{id}/return", s.boardReturn)
	mux.HandleFunc("POST /board/{id}/adjust", s.boardAdjust)
	mux.HandleFunc("POST /board/{id}/status", s.boardTaskStatus)
	mux.HandleFunc("POST /board/{id}/quality", s.boardQuality)
	mux.HandleFunc("POST /board/{id}/unmark", s.boardUnmark)
	mux.HandleFunc("POST /board/plans/confirm", s.boardPlansConfirm)
	mux.HandleFunc("POST /board/plans/approve", s.boardPlansApprove)
	mux.HandleFunc("GET /board/plans/{id}", s.boardPlan)
	mux.HandleFunc("POST /board/plans/{id}/approve", s.boardPlanApprove)
	mux.HandleFunc("POST /board/plans/{id}/return", s.boardPlanReturn)
	mux.HandleFunc("POST /board/plans/{id}/weigh", s.boardPlanWeigh)
	mux.HandleFunc("GET /me/assess", s.selfPage)
	mux.HandleFunc("POST /me/assess", s.selfSave)
	mux.HandleFunc("GET /me/plan", s.mePlan)
	mux.HandleFunc("POST /me/plan", s.mePlanPost)
	mux.HandleFunc("POST /me/assignments/{id}", s.meAssignment)
	mux.HandleFunc("GET /me/report", s.meReport)
	mux.HandleFunc("POST /me/report", s.meReportPost)
	mux.HandleFunc("GET /me/history", s.meHistory)
	mux.HandleFunc("POST /me/assess/preview", s.selfPreview)
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheFor(time.Hour, files)))
	mux.HandleFunc("/", s.notFound)
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(s.crossOrigin))
	if u, err := url.Parse(s.PublicURL); err == nil && u.Scheme != "" && u.Host != "" {
		// The public origin is ours even when a reverse proxy hands the
		// request on with another Host.
		if err := cop.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
			return nil, fmt.Errorf("web: public URL %q: %w", s.PublicURL, err)
		}
	}
	// The task systems' API (internal/api) is bearer-only: it reads no
	// cookie, so neither the pages' per-IP limit nor the cross-origin check
	// (made for cookies) stands in front of it; it limits per key.
	root := http.NewServeMux()
	apiHandler := &api.Handler{Pool: s.Pool, Cat: s.Cat, Now: s.now, Log: s.log(), ClientIP: s.clientIP}
	if c, ok := s.Chat.(api.Chat); ok { // the bot tells the person, and its cards follow
		apiHandler.Chat = c
	}
	root.Handle(api.Prefix, apiHandler)
	root.Handle("/", s.addrs.wrap(s, s.all.wrapBy(s, s.who, cop.Handler(s.bounded(mux)))))
	gz, err := compressed()
	if err != nil {
		return nil, err
	}
	return s.headers(gz(root)), nil
}

// Start listens on addr and serves until ctx ends, then shuts down within 5
// seconds. It returns the address bound (for ":0") and a channel that gets
// the server's end (nil after a clean shutdown).
func (s *Server) Start(ctx context.Context, addr string) (net.Addr, <-chan error, error) {
	h, err := s.Handler()
	if err != nil {
		return nil, nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("web listener: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: ReadHeaderTimeout, ReadTimeout: ReadTimeout,
		WriteTimeout: WriteTimeout, IdleTimeout: IdleTimeout, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(s.log().Handler(), slog.LevelWarn)}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	go s.prune(ctx)
	s.log().Info("web face listening", "addr", ln.Addr().String(), "public_url", s.PublicURL)
	out := make(chan error, 1)
	go func() {
		select {
		case err := <-served:
			out <- err
			return
		case <-ctx.Done():
		}
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err := srv.Shutdown(shutdown)
		if serr := <-served; !errors.Is(serr, http.ErrServerClosed) && err == nil {
			err = serr
		}
		out <- err
	}()
	return ln.Addr(), out, nil
}

// prune deletes old sign-in links and sessions every hour until ctx ends.
func (s *Server) prune(ctx context.Context) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		if n, err := signin.Prune(ctx, s.Pool, s.now()); err != nil && ctx.Err() == nil {
			s.log().Warn("web: pruning sessions", "err", err)
		} else if n > 0 {
			s.log().Info("web: pruned old sign-in links and sessions", "rows", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// parse loads each page template with the layout.
func (s *Server) parse() error {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return err
	}
	s.pages = map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" || base == "partials" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", n)
		if err != nil {
			return fmt.Errorf("web: template %s: %w", n, err)
		}
		s.pages[base] = t
	}
	return nil
}

// headers sets the security headers of every response.
func (s *Server) headers(next http.Handler) http.Handler {
	hsts := s.secure()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		// same-origin, not no-referrer: under no-referrer a browser sends
		// "Origin: null" with a form posted to its own site, and one
		// without Fetch Metadata (Safari before 16.4: Telegram's webview
		// on iOS 15) then fails the cross-origin check on every post.
		// Another site still gets no referrer (docs/decisions/0025).
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if hsts {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// compressed gzips what a request of the site itself asks (github.com/
// klauspost/compress/gzhttp: text and JSON over 1 KB, Vary: Accept-Encoding):
// the board of 60 is 36 KB of HTML and under 4 KB gzipped, on a phone at the
// edge of 3G. Against BREACH (a page's secrets guessed from its compressed
// size while another site makes the browser ask with chosen words, the
// board's ?q=): a request another site made (Sec-Fetch-Site cross-site or
// same-site) is answered uncompressed, and the rest with gzhttp's random
// padding.
func compressed() (func(http.Handler) http.Handler, error) {
	gz, err := gzhttp.NewWrapper(gzhttp.MinSize(1024), gzhttp.RandomJitter(32, 0, false))
	if err != nil {
		return nil, err
	}
	return func(next http.Handler) http.Handler {
		zipped := gz(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.Header.Get("Sec-Fetch-Site") {
			case "cross-site", "same-site":
				next.ServeHTTP(w, r)
			default:
				zipped.ServeHTTP(w, r)
			}
		})
	}, nil
}

// shownToPerson reports whether the answer to r is a page put before the person
// (Fetch Metadata, sent by every current browser): one of our own pages'
// requests, an address typed or opened from Telegram, or a link followed
// from elsewhere to a page. Not another site's image, script, fetch or
// frame, which a SameSite=None cookie (the Mini App's, miniapp.go) lets
// through: a GET's "I have seen this" (the board's changed marks) is
// recorded only when shown. A browser sending no Fetch Metadata counts as
// shown.
func shownToPerson(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
		return true
	}
	return r.Header.Get("Sec-Fetch-Mode") == "navigate" && r.Header.Get("Sec-Fetch-Dest") == "document"
}

// MaxBody bounds a page's request body (bytes): many times the longest
// real form (a plan of evaluation.MaxTasks tasks of 200 characters is about
// 40 KB encoded; 500 picks of the board about 10 KB), far below net/http's
// 10 MB for a form, which a handler reading it whole would hold per request.
const MaxBody = 1 << 20

// bounded refuses a body over MaxBody before any handler reads it: 413
// with a page in the person's language. A form within it is parsed here,
// so a chunked body that runs over is refused the same way.
func (s *Server) bounded(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		if r.ContentLength > MaxBody {
			s.tooLarge(w, r)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
		var mbe *http.MaxBytesError
		if err := r.ParseForm(); errors.As(err, &mbe) {
			s.tooLarge(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// tooLarge answers 413 in the language of the signed-in person, if any.
func (s *Server) tooLarge(w http.ResponseWriter, r *http.Request) {
	var me *dashboard.Actor
	if c, err := r.Cookie(s.sessionCookie()); err == nil {
		if id, err := signin.Touch(r.Context(), s.Pool, c.Value, s.now()); err == nil {
			if who, err := dashboard.WhoIs(r.Context(), s.Pool, id); err == nil {
				me = &who
			}
		}
	}
	// The rest of the body is not read: the connection closes after the answer.
	w.Header().Set("Connection", "close")
	s.messageAs(w, r, me, http.StatusRequestEntityTooLarge, "WebTooLargeTitle", "WebTooLarge")
}

func cacheFor(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(d.Seconds())))
		next.ServeHTTP(w, r)
	})
}

// who is whom the per-person limit counts a request for: the session
// cookie's value when it has the shape of one (a made-up one is still under
// the address's limit), else the client's address.
func (s *Server) who(r *http.Request) string {
	if c, err := r.Cookie(s.sessionCookie()); err == nil && signin.WellFormedToken(c.Value) {
		return "s:" + c.Value
	}
	return s.clientNet(r)
}

// clientIP is the request's client address: behind the proxy
// (TrustProxy), the last entry of all the X-Forwarded-For lines together —
// the one the proxy added, whether it appended to the client's line or
// added a line of its own (Header.Get read only the first line, the
// client's: any made-up address); else the connection's.
func (s *Server) clientIP(r *http.Request) string {
	if s.TrustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			parts := strings.Split(strings.Join(xff, ","), ",")
			if last := strings.TrimSpace(parts[len(parts)-1]); last != "" {
				return last
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// clientNet is the key of the request's client for the per-address rate
// limits: its IPv4 address, or the /64 of its IPv6 one (a phone or an
// office is given a whole /64: one bucket per address let one device guess
// sign-in links from 2^64 buckets).
func (s *Server) clientNet(r *http.Request) string {
	ip := s.clientIP(r)
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap().WithZone("")
	if a.Is4() {
		return a.String()
	}
	p, err := a.Prefix(64)
	if err != nil {
		return ip
	}
	return p.String()
}
