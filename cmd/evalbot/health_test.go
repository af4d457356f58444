package main

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
)

func TestHealthCommand(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ready := true
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/readyz" || !ready {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})}
	go srv.Serve(l)
	defer srv.Close()
	t.Setenv("EVALBOT_OPS_ADDR", l.Addr().String())
	if err := healthCmd(context.Background(), nil); err != nil {
		t.Fatalf("ready: %v", err)
	}
	ready = false
	if err := healthCmd(context.Background(), nil); err == nil {
		t.Fatal("not ready, but the health command succeeded")
	}
}

// Nothing listening: the message says so, and where it looked.
func TestHealthCommandWithoutServe(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	t.Setenv("EVALBOT_OPS_ADDR", addr)
	t.Setenv("EVALBOT_LANG", "")
	err = healthCmd(context.Background(), nil)
	if err == nil || !strings.Contains(err.Error(), "có đang chạy không?") || !strings.Contains(err.Error(), addr) {
		t.Fatalf("health without serve: %v", err)
	}
}
