package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// healthCmd asks a running serve's /readyz (EVALBOT_OPS_ADDR, :9090 by
// default) and exits non-zero unless it answers 200: the container
// HEALTHCHECK, as the image has no shell or curl.
func healthCmd(ctx context.Context) error {
	addr := env("EVALBOT_OPS_ADDR", ":9090")
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("EVALBOT_OPS_ADDR %q: %w", addr, err)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	url := "http://" + net.JoinHostPort(host, port) + "/readyz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		// The usual case: serve is not running, or listens elsewhere.
		cause := err
		var op *net.OpError
		if errors.As(err, &op) {
			cause = op.Err
		}
		return fmt.Errorf("no evalbot serve answers at %s: %v (is it running? it listens at EVALBOT_OPS_ADDR, now %q)", url, cause, addr)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("not ready: %s", resp.Status)
	}
	fmt.Println("ready")
	return nil
}
