package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"evalbot/internal/signin"
	"evalbot/internal/signin/initdata"
)

// The Mini App's way in (docs/decisions/0020-mini-app-init-data.md). Telegram
// opens EVALBOT_PUBLIC_URL/tg with the signed initData (in the URL's
// fragment, read by telegram-web-app.js); /static/miniapp.js posts it to
// POST /tg, which opens the sign-in link's session and goes to the board.
// A browser that has come in this way carries miniAppCookie, and its pages
// load telegram-web-app.js (theme, back button) under a CSP that allows it
// and lets Telegram Web frame them; every other page keeps the CSP without
// script. The pages work the same without it.

// TelegramWebAppJS is the script Telegram documents for Mini Apps.
const TelegramWebAppJS = "https://telegram.org/js/telegram-web-app.js"

// miniAppCookie marks a browser that came in through /tg (Telegram's webview).
const miniAppCookie = "evalbot_tg"

// script is the URL of telegram-web-app.js (Server.WebAppJS, for the tests'
// harness, or the official one).
func (s *Server) script() string {
	if s.WebAppJS != "" {
		return s.WebAppJS
	}
	return TelegramWebAppJS
}

// inMiniApp reports whether r comes from Telegram's webview.
func (s *Server) inMiniApp(r *http.Request) bool {
	c, err := r.Cookie(miniAppCookie)
	return err == nil && c.Value == "1"
}

// miniAppCSP is the policy of a Mini App page: our script and Telegram's,
// framed by Telegram Web only.
func (s *Server) miniAppCSP(w http.ResponseWriter) {
	src := "https://telegram.org"
	if u, err := url.Parse(s.script()); err == nil && u.Scheme != "" && u.Host != "" {
		src = u.Scheme + "://" + u.Host
	}
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self' "+src+"; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors https://web.telegram.org")
	h.Del("X-Frame-Options")
}

// miniApp: GET /tg, the page Telegram opens; its script posts the initData.
func (s *Server) miniApp(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(w, r, nil)
	p.MiniApp, p.Script, p.Board = true, s.script(), true
	p.Title = p.L.T("MiniAppOpeningTitle")
	p.Body = miniAppAction(r.URL.Query())
	s.render(w, http.StatusOK, "miniapp", p)
}

// miniAppAgain answers a page of the Mini App whose session ended (idle
// for signin.IdleTimeout: a head's month-end review paused for a call): the
// launch's initData is still in the webview (telegram-web-app.js keeps it
// for the launch), so the page posts it to /tg again by itself (miniapp.js)
// and comes back to r's page, instead of a dead end asking for a sign-in
// link. An initData signed before a sign-out, expired, or of an account no
// longer bound is refused there as at launch. No loop where the webview
// keeps no cookie: miniAppCookie comes with the session cookie, so without
// one there is no other and this page is not shown.
func (s *Server) miniAppAgain(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(w, r, nil)
	p.MiniApp, p.Script, p.Board = true, s.script(), true
	p.Title = p.L.T("WebSignInNeededTitle")
	p.Body = "/tg?" + url.Values{"back": {r.URL.RequestURI()}}.Encode()
	s.render(w, http.StatusUnauthorized, "miniapp", p)
}

// localPage is back when it is a page of this site to come back to (a
// path, with its query, not /tg itself); "" otherwise, so that /tg never
// redirects elsewhere ("//evil.example", "https://…", "/\\evil").
func localPage(back string) string {
	if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") || strings.ContainsAny(back, "\\\r\n") {
		return ""
	}
	u, err := url.Parse(back)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Path == "/tg" {
		return ""
	}
	return u.RequestURI()
}

// miniAppSignIn: POST /tg exchanges the initData for a session.
func (s *Server) miniAppSignIn(w http.ResponseWriter, r *http.Request) {
	raw := r.PostFormValue("init_data")
	if s.BotToken == "" || raw == "" || len(raw) > 8192 {
		s.message(w, r, http.StatusUnauthorized, "MiniAppRefusedTitle", "MiniAppRefused")
		return
	}
	sess, d, err := signin.SignInMiniApp(r.Context(), s.Pool, raw, s.BotToken, s.MiniAppMaxAge, s.now())
	if d.User.LanguageCode != "" {
		r = withPersonLang(r, d.User.LanguageCode)
	}
	switch {
	case errors.Is(err, signin.ErrStranger):
		s.message(w, r, http.StatusForbidden, "MiniAppStrangerTitle", "StrangerRefused")
		return
	case errors.Is(err, initdata.ErrExpired), errors.Is(err, signin.ErrSignedOut):
		s.message(w, r, http.StatusUnauthorized, "MiniAppRefusedTitle", "MiniAppExpired")
		return
	case initdata.Invalid(err):
		s.message(w, r, http.StatusUnauthorized, "MiniAppRefusedTitle", "MiniAppRefused")
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	// Telegram Web shows the page in a frame of web.telegram.org: there a
	// cookie must be SameSite=None (and so Secure) to be sent at all.
	same := http.SameSiteLaxMode
	if s.secure() {
		same = http.SameSiteNoneMode
	}
	http.SetCookie(w, &http.Cookie{Name: s.sessionCookie(), Value: sess.ID, Path: "/", HttpOnly: true, Secure: s.secure(), SameSite: same})
	http.SetCookie(w, &http.Cookie{Name: miniAppCookie, Value: "1", Path: "/", HttpOnly: true, Secure: s.secure(), SameSite: same})
	s.forgetLang(w)
	dest := s.landing(r.Context(), sess.OfficialID)
	if back := localPage(r.URL.Query().Get("back")); back != "" {
		dest = back
	} else if next := meNext(r.URL.Query().Get("next"), r.URL.Query().Get("start")); next != "" {
		dest = next
	} else if next := meNext(d.StartParam, ""); next != "" {
		dest = next
	}
	http.Redirect(w, r, dest, http.StatusSeeOther)
}
