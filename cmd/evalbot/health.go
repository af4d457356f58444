package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"
)

// healthCmd asks a running serve's /readyz (EVALBOT_OPS_ADDR, :9090 by
// default) and exits non-zero unless it answers 200: the container
// HEALTHCHECK, as the image has no shell or curl.
func healthCmd(ctx context.Context, args []string) error {
	c := newCommand("health", args)
	if err := c.parse(false); err != nil {
		return err
	}
	addr := env("EVALBOT_OPS_ADDR", ":9090")
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return c.fail("HealthBadAddr", map[string]any{"Addr": addr})
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
		cause, ok := netReason(c.lang, err)
		if !ok {
			return err // told by explain
		}
		return c.fail("HealthNoAnswer", map[string]any{"URL": url, "Cause": cause, "Addr": addr})
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return c.fail("HealthNotReady", map[string]any{"Status": resp.Status})
	}
	fmt.Println(c.say("HealthReady", nil))
	return nil
}
