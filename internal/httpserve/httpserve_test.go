package httpserve_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	"evalbot/internal/httpserve"
)

// TestEveryTimeoutIsSet (issue 20, point 12): a server built with no
// timeouts given still has all four.
func TestEveryTimeoutIsSet(t *testing.T) {
	s := httpserve.New(http.NotFoundHandler(), httpserve.Timeouts{})
	if s.ReadHeaderTimeout <= 0 || s.ReadTimeout <= 0 || s.WriteTimeout <= 0 || s.IdleTimeout <= 0 {
		t.Fatalf("timeouts: header %v read %v write %v idle %v", s.ReadHeaderTimeout, s.ReadTimeout, s.WriteTimeout, s.IdleTimeout)
	}
	s = httpserve.New(http.NotFoundHandler(), httpserve.Timeouts{Idle: time.Second})
	if s.IdleTimeout != time.Second || s.ReadTimeout != httpserve.Default.Read {
		t.Fatalf("idle %v read %v", s.IdleTimeout, s.ReadTimeout)
	}
}

// TestIdleConnectionIsClosed (issue 20, point 12): the webhook listener kept
// an idle kept-alive connection open indefinitely (only ReadHeaderTimeout
// was set). A connection that made one request and then stays silent is
// closed once the idle timeout has passed.
func TestIdleConnectionIsClosed(t *testing.T) {
	const idle = 300 * time.Millisecond
	srv := httpserve.New(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }),
		httpserve.Timeouts{Idle: idle})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })

	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "POST /telegram HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(conn)
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.Close {
		t.Fatal("the server closed the connection right after the reply: not kept alive")
	}
	start := time.Now()
	_ = conn.SetReadDeadline(start.Add(idle + 3*time.Second))
	_, err = r.ReadByte()
	waited := time.Since(start)
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		t.Fatalf("the idle connection was still open after %v (idle timeout %v)", waited, idle)
	case err == nil:
		t.Fatal("the server sent something on an idle connection")
	case waited < idle/2:
		t.Fatalf("closed after %v, before the idle timeout %v", waited, idle)
	}
}
