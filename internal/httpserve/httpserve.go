// Package httpserve builds every HTTP server evalbot listens with (the
// webhook Telegram posts updates to, the ops endpoint, the benchmark's
// webhook), so that none keeps a connection open without a time limit: a
// client that sends its headers or body slowly, reads the reply slowly or
// keeps an idle connection is cut off.
package httpserve

import (
	"net/http"
	"time"
)

// Timeouts bound each phase of a connection (net/http.Server's fields of the
// same names). A zero field takes Default's value.
type Timeouts struct {
	ReadHeader time.Duration // from accepting (or the end of the idle wait) to the end of the request's headers
	Read       time.Duration // from accepting to the end of the request's body
	Write      time.Duration // from the end of the request's headers to the end of the reply
	Idle       time.Duration // a kept-alive connection waiting for its next request
}

// Default: an update (at most a few kilobytes) is read within 15 s; the
// webhook replies within inbound.DefaultWait (3 s) or stores the update, so
// 30 s for the reply leaves room for a slow database; Telegram's and
// Prometheus's kept-alive connections are closed after a minute unused.
var Default = Timeouts{ReadHeader: 5 * time.Second, Read: 15 * time.Second, Write: 30 * time.Second, Idle: 60 * time.Second}

// New returns a server for h with every timeout of t set (Default's where t
// has none). Callers Serve it on their listener.
func New(h http.Handler, t Timeouts) *http.Server {
	pick := func(v, def time.Duration) time.Duration {
		if v > 0 {
			return v
		}
		return def
	}
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: pick(t.ReadHeader, Default.ReadHeader),
		ReadTimeout:       pick(t.Read, Default.Read),
		WriteTimeout:      pick(t.Write, Default.Write),
		IdleTimeout:       pick(t.Idle, Default.Idle),
	}
}
