package web

import (
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiter is a token bucket per client IP (golang.org/x/time/rate) in a
// bounded map: when it holds max addresses, those not seen for staleAfter
// are dropped, and if none is, the map starts over (a flood of addresses
// then costs each a fresh bucket, never unbounded memory).
type limiter struct {
	mu    sync.Mutex
	m     map[string]*bucket
	limit rate.Limit
	burst int
	max   int
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// staleAfter is how long an idle address keeps its bucket when the map is full.
const staleAfter = 10 * time.Minute

func newLimiter(perSecond float64, burst, max int) *limiter {
	return &limiter{m: map[string]*bucket{}, limit: rate.Limit(perSecond), burst: burst, max: max}
}

// allow takes a token of ip's bucket at now.
func (l *limiter) allow(ip string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.m[ip]
	if b == nil {
		if len(l.m) >= l.max {
			for k, v := range l.m {
				if now.Sub(v.seen) > staleAfter {
					delete(l.m, k)
				}
			}
			if len(l.m) >= l.max {
				clear(l.m)
			}
		}
		b = &bucket{lim: rate.NewLimiter(l.limit, l.burst)}
		l.m[ip] = b
	}
	b.seen = now
	return b.lim.AllowN(now, 1)
}

// empty reports whether ip's bucket has no token left at now (nothing taken).
func (l *limiter) empty(ip string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.m[ip]
	return b != nil && b.lim.TokensAt(now) < 1
}

// wrapFailures answers 429 with a page in the person's language while the
// client IP's bucket is empty, and takes a token only when the handler says
// the request failed (s.linkFailed): guessing sign-in links is slowed to a
// few a minute, while an office behind one address whose people open their
// own valid links is never refused. Every request is refused once the bucket
// is empty, a valid one too, so a guess that succeeds cannot be told apart
// by the refusals.
func (l *limiter) wrapFailures(s *Server, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if l.empty(s.clientNet(r), time.Now()) {
			w.Header().Set("Retry-After", "5")
			s.message(w, r, http.StatusTooManyRequests, "WebTooManyTitle", "WebTooMany")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// wrap answers 429 with a page in the person's language once the client's
// network's bucket is empty (clientNet).
func (l *limiter) wrap(s *Server, next http.Handler) http.Handler {
	return l.wrapBy(s, s.clientNet, next)
}

// wrapBy is wrap with the bucket chosen by key (an address, a session).
func (l *limiter) wrapBy(s *Server, key func(*http.Request) string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !l.allow(key(r), time.Now()) {
			w.Header().Set("Retry-After", "5")
			s.message(w, r, http.StatusTooManyRequests, "WebTooManyTitle", "WebTooMany")
			return
		}
		next.ServeHTTP(w, r)
	})
}
