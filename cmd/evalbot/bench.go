package main

// evalbot bench: flag parsing and wiring of the load benchmarks of
// internal/bench.
//
//	evalbot bench fanout  --n 900 --rate 30       month-end prompts through the fake API with its limits on
//	evalbot bench updates --rate 1000 --duration 10s   button presses through the webhook
//	evalbot bench idle    --n 100000              RSS of an idle `serve` with that roster
//	evalbot bench web     --officials 100000 --units 5000   the dashboard served by `serve`: times and memory
//
// Each runs on DATABASE_URL when set (a new, empty database), otherwise on a
// throwaway PostgreSQL cluster removed at exit.

import (
	"context"
	"fmt"
	"strings"
	"time"

	"evalbot/internal/bench"
	"evalbot/internal/inbound"
)

func benchCmd(ctx context.Context, args []string) error {
	c := newCommand("bench", args)
	c.extra = func() string {
		var b strings.Builder
		fmt.Fprintf(&b, "%s\n", c.say("CLICommands", nil))
		for _, name := range benchCommands {
			fmt.Fprintf(&b, "  %-14s %s\n", name, c.say("Cmd_"+strings.ReplaceAll(name, " ", "_")+"_Purpose", nil))
		}
		return b.String()
	}
	if err := c.parse(true); err != nil {
		return err
	}
	if c.fs.NArg() == 0 {
		return c.usageFault("BenchNeedKind", nil)
	}
	args = c.fs.Args()
	switch args[0] {
	case "fanout":
		return benchFanout(ctx, args[1:])
	case "updates":
		return benchUpdates(ctx, args[1:])
	case "idle":
		return benchIdle(ctx, args[1:])
	case "web":
		return benchWeb(ctx, args[1:])
	}
	return c.usageFault("BenchUnknownKind", map[string]any{"Kind": args[0]})
}

// benchReport is a command as a bench.Report: its figures lines and
// failures in the operator's language.
type benchReport struct{ c *command }

func (r benchReport) Printf(id string, args ...any) { r.c.printf(id, args...) }
func (r benchReport) Say(id string) string          { return r.c.say(id, nil) }
func (r benchReport) Fail(id string, data map[string]any) error {
	return r.c.fail(id, data)
}

func benchFanout(ctx context.Context, args []string) error {
	c := newCommand("bench fanout", args)
	o := bench.FanoutOptions{}
	c.IntVar(&o.N, "n", 900, 1, 1000000)
	c.fs.Float64Var(&o.Rate, "rate", 30, c.flagText("rate"))
	c.IntVar(&o.Workers, "workers", 16, 1, 1024)
	c.IntVar(&o.Senders, "senders", 1, 1, 64)
	c.fs.StringVar(&o.CPUProfile, "cpuprofile", "", c.flagText("cpuprofile"))
	c.fs.StringVar(&o.EnqueueCPUProfile, "enqueue-cpuprofile", "", c.flagText("enqueue-cpuprofile"))
	c.fs.StringVar(&o.MemProfile, "memprofile", "", c.flagText("memprofile"))
	c.fs.BoolVar(&o.Analyze, "analyze", true, c.flagText("analyze"))
	c.fs.BoolVar(&o.GoTelegram, "go-telegram", false, c.flagText("go-telegram"))
	c.fs.BoolVar(&o.History, "history", true, c.flagText("history"))
	if err := c.parse(false); err != nil {
		return err
	}
	return bench.Fanout(ctx, benchReport{c}, o)
}

func benchUpdates(ctx context.Context, args []string) error {
	c := newCommand("bench updates", args)
	o := bench.UpdatesOptions{WebhookConnections: webhookConnections}
	c.IntVar(&o.N, "n", 2000, 1, 1000000)
	c.fs.Float64Var(&o.Rate, "rate", 1000, c.flagText("rate"))
	c.fs.DurationVar(&o.Duration, "duration", 10*time.Second, c.flagText("duration"))
	c.fs.DurationVar(&o.Warmup, "warmup", 3*time.Second, c.flagText("warmup"))
	c.IntVar(&o.Queues, "queues", inbound.DefaultQueues, 1, 1024)
	c.fs.BoolVar(&o.Pgbench, "pgbench", true, c.flagText("pgbench"))
	c.fs.StringVar(&o.CPUProfile, "cpuprofile", "", c.flagText("cpuprofile"))
	c.fs.StringVar(&o.MemProfile, "memprofile", "", c.flagText("memprofile"))
	c.fs.StringVar(&o.Trace, "trace", "", c.flagText("trace"))
	c.fs.StringVar(&o.Press, "press", "criterion", c.flagText("press"))
	c.IntVar(&o.Conns, "conns", 16, 1, 1024)
	c.fs.DurationVar(&o.APILatency, "api-latency", 0, c.flagText("api-latency"))
	c.fs.BoolVar(&o.GoTelegram, "go-telegram", false, c.flagText("go-telegram"))
	c.fs.StringVar(&o.PlanCacheMode, "plan-cache-mode", "auto", c.flagText("plan-cache-mode"))
	if err := c.parse(false); err != nil {
		return err
	}
	if o.PlanCacheMode != "auto" && o.PlanCacheMode != "force_custom_plan" && o.PlanCacheMode != "force_generic_plan" {
		return c.usageFault("BenchBadPlanMode", map[string]any{"Value": o.PlanCacheMode})
	}
	return bench.Updates(ctx, benchReport{c}, o)
}

// benchIdle runs bench.Idle with this binary as serve.
func benchIdle(ctx context.Context, args []string) error {
	c := newCommand("bench idle", args)
	o := bench.IdleOptions{}
	c.IntVar(&o.N, "n", 100000, 1, 10000000)
	c.fs.DurationVar(&o.Settle, "settle", 15*time.Second, c.flagText("settle"))
	if err := c.parse(false); err != nil {
		return err
	}
	return bench.Idle(ctx, benchReport{c}, o)
}

// benchWeb runs bench.Web with this binary as serve.
func benchWeb(ctx context.Context, args []string) error {
	c := newCommand("bench web", args)
	o := bench.WebOptions{}
	c.IntVar(&o.Officials, "officials", 100000, 1, 10000000)
	c.IntVar(&o.Units, "units", 5000, 1, 1000000)
	c.IntVar(&o.Requests, "requests", 200, 1, 1000000)
	c.IntVar(&o.Concurrency, "concurrency", 4, 1, 1024)
	if err := c.parse(false); err != nil {
		return err
	}
	return bench.Web(ctx, benchReport{c}, o)
}
