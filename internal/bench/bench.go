// Package bench holds evalbot's load benchmarks, run by `evalbot bench …`:
// each seeds a real PostgreSQL (DATABASE_URL when set, a new and empty
// database; otherwise a throwaway cluster removed at exit) and drives the
// bot or its web pages as production does, against the fake Bot API
// (internal/botapitest) with Telegram's limits on.
//
//	Fanout   month-end prompts through the outbox (docs/decisions/0001-delivery-outbox.md)
//	Updates  button presses through the webhook (docs/decisions/0002-inbound-updates.md)
//	Idle     resident memory of an idle `serve` with a large roster
//
// The figures lines are printed through Report, whose ids are locale
// messages (Bench…) whose texts are printf formats: the operator reads them
// in their language, with the same verbs in each.
package bench

import "time"

// Report is where a benchmark speaks to its operator, in their language.
type Report interface {
	// Printf prints one figures line: the locale message id is a printf
	// format, args its verbs.
	Printf(id string, args ...any)
	// Say is the text of locale message id.
	Say(id string) string
	// Fail is a failure told by locale message id with its data.
	Fail(id string, data map[string]any) error
}

// FanoutOptions are Fanout's flags.
type FanoutOptions struct {
	N                 int     // officials prompted
	Rate              float64 // the fake Bot API's (and the sender's) limit, messages/s
	Workers, Senders  int     // workers per sender, senders (as replicas)
	CPUProfile        string  // file for the sending's CPU profile, "" for none
	EnqueueCPUProfile string  // file for the campaign's enqueue CPU profile
	MemProfile        string  // file for the heap profile after the run
	Analyze           bool    // ANALYZE the outbox after the enqueue, as autovacuum would
	GoTelegram        bool    // send with go-telegram/bot instead of delivery.API
	History           bool    // seed last month's assessments first (plans as serve makes them)
}

// UpdatesOptions are Updates' flags.
type UpdatesOptions struct {
	N                  int           // officials (each with a self-assessment card)
	Rate               float64       // presses offered per second
	Duration, Warmup   time.Duration // measured part, and the warm-up before it
	Queues             int           // the dispatcher's per-chat queues
	Pgbench            bool          // run pgbench after, for the machine's state
	CPUProfile         string        // file for the CPU profile of the measured part
	MemProfile         string        // file for the heap profile after the run
	Trace              string        // CSV file with each press's timings
	Press              string        // "criterion" (a score button) or "label" (the criterion's name)
	Conns              int           // database connections of the handlers
	APILatency         time.Duration // added to each Bot API call (Telegram's round trip)
	GoTelegram         bool          // call the Bot API with go-telegram/bot instead of telegram.BotAPI
	PlanCacheMode      string        // PostgreSQL's plan_cache_mode: auto, force_custom_plan, force_generic_plan
	WebhookConnections int           // setWebhook's max_connections: presses in flight at most
}

// IdleOptions are Idle's flags.
type IdleOptions struct {
	N      int           // officials on the roster
	Settle time.Duration // how long serve runs before its memory is read
	Exe    string        // the evalbot binary to run as serve; "" for this one
}
