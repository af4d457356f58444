package ops

import (
	"context"
	"errors"
	"net"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"evalbot/internal/calendar"
)

// Failure reasons: the only values the reason label takes, so a caller cannot
// blow up the number of series (or leak an error text) through it.
const (
	ReasonForbidden    = "forbidden"     // 403: the person blocked the bot
	ReasonBadRequest   = "bad_request"   // 400: the message or chat is wrong; not retried
	ReasonMigrated     = "chat_migrated" // 400 with migrate_to_chat_id: a group became a supergroup
	ReasonNotFound     = "not_found"     // 404
	ReasonUnauthorized = "unauthorized"  // 401: the token is wrong
	ReasonTooMany      = "too_many"      // 429 given up on (each 429 is also counted by TooMany)
	ReasonTimeout      = "timeout"       // no answer in time; retried
	ReasonNetwork      = "network"       // connection failed; retried
	ReasonServer       = "server"        // 5xx from Telegram; retried
	ReasonGaveUp       = "gave_up"       // dead-lettered after the last attempt
	ReasonOther        = "other"
)

var reasons = []string{ReasonForbidden, ReasonBadRequest, ReasonMigrated, ReasonNotFound, ReasonUnauthorized, ReasonTooMany,
	ReasonTimeout, ReasonNetwork, ReasonServer, ReasonGaveUp, ReasonOther}

// Metrics are the bot's own Prometheus metrics. A nil *Metrics is valid and
// records nothing, so packages can take one without checking.
type Metrics struct {
	sent     prometheus.Counter
	failed   *prometheus.CounterVec
	tooMany  prometheus.Counter
	handler  *prometheus.HistogramVec
	known    map[string]bool
	dbSource *dbCollector
}

// NewRegistry returns a registry with the Go runtime and process collectors.
func NewRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// NewMetrics registers the bot's metrics on reg:
//
//	evalbot_messages_sent_total             messages Telegram accepted
//	evalbot_messages_failed_total{reason}   failed sends, by reason (Reason* constants)
//	evalbot_telegram_429_total              429 Too Many Requests answers
//	evalbot_handler_seconds{kind}           time to handle one update
//
// and, when pool is not nil, gauges read from the database at each scrape
// (one query, two-second timeout):
//
//	evalbot_outbox_depth                    outbox messages waiting to be sent
//	evalbot_outbox_oldest_pending_seconds   age of the oldest of them
//	evalbot_pending_reviews                 self-assessments submitted and not yet reviewed (last 3 months)
//	evalbot_db_up                           1 when that query worked, else 0
func NewMetrics(reg prometheus.Registerer, pool *pgxpool.Pool) (*Metrics, error) {
	m := &Metrics{
		sent: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "evalbot_messages_sent_total", Help: "Messages Telegram accepted."}),
		failed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "evalbot_messages_failed_total", Help: "Sends that failed, by reason."}, []string{"reason"}),
		tooMany: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "evalbot_telegram_429_total", Help: "429 Too Many Requests answers from Telegram."}),
		handler: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "evalbot_handler_seconds", Help: "Time to handle one Telegram update.",
			Buckets: []float64{.002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}}, []string{"kind"}),
		known: map[string]bool{},
	}
	for _, r := range reasons {
		m.failed.WithLabelValues(r) // every reason starts at 0, so rate() works from the first failure
		m.known[r] = true
	}
	cs := []prometheus.Collector{m.sent, m.failed, m.tooMany, m.handler}
	if pool != nil {
		m.dbSource = &dbCollector{pool: pool, timeout: 2 * time.Second, now: time.Now}
		cs = append(cs, m.dbSource)
	}
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Sent counts a message Telegram accepted.
func (m *Metrics) Sent() {
	if m != nil {
		m.sent.Inc()
	}
}

// Failed counts a failed send; reason is one of the Reason* constants
// (anything else counts as ReasonOther). See ReasonOf.
func (m *Metrics) Failed(reason string) {
	if m == nil {
		return
	}
	if !m.known[reason] {
		reason = ReasonOther
	}
	m.failed.WithLabelValues(reason).Inc()
}

// TooMany counts a 429 answer (the send is retried after retry_after).
func (m *Metrics) TooMany() {
	if m != nil {
		m.tooMany.Inc()
	}
}

// Update kinds for ObserveHandlerKind.
const (
	KindMessage  = "message"
	KindCallback = "callback"
	KindOther    = "other"
)

// ObserveHandler records how long one update took to handle.
func (m *Metrics) ObserveHandler(d time.Duration) { m.ObserveHandlerKind(KindOther, d) }

// ObserveHandlerKind records how long one update of a kind (KindMessage,
// KindCallback, KindOther) took to handle.
func (m *Metrics) ObserveHandlerKind(kind string, d time.Duration) {
	if m == nil {
		return
	}
	switch kind {
	case KindMessage, KindCallback:
	default:
		kind = KindOther
	}
	m.handler.WithLabelValues(kind).Observe(d.Seconds())
}

// SendError counts one failed send from its error: a 429 with TooMany,
// anything else with Failed(ReasonOf(err)).
func (m *Metrics) SendError(err error) {
	if m == nil || err == nil {
		return
	}
	if r := ReasonOf(err); r == ReasonTooMany {
		m.TooMany()
	} else {
		m.Failed(r)
	}
}

// Timed wraps an update handler (telegram.App.HandleUpdate, or what
// inbound.NewDispatcher takes) so that each call is observed by
// ObserveHandlerKind. With a nil *Metrics it returns h itself.
func (m *Metrics) Timed(h func(context.Context, *models.Update, func([]byte) bool)) func(context.Context, *models.Update, func([]byte) bool) {
	if m == nil {
		return h
	}
	return func(ctx context.Context, u *models.Update, settle func([]byte) bool) {
		start := time.Now()
		defer func() { m.ObserveHandlerKind(updateKind(u), time.Since(start)) }()
		h(ctx, u, settle)
	}
}

func updateKind(u *models.Update) string {
	switch {
	case u == nil:
		return KindOther
	case u.CallbackQuery != nil:
		return KindCallback
	case u.Message != nil:
		return KindMessage
	}
	return KindOther
}

// ReasonOf classifies an error from go-telegram/bot for Failed.
func ReasonOf(err error) string {
	var tooMany *bot.TooManyRequestsError
	var migrated *bot.MigrateError
	var netErr net.Error
	switch {
	case err == nil:
		return ReasonOther
	case errors.As(err, &tooMany):
		return ReasonTooMany
	case errors.As(err, &migrated):
		return ReasonMigrated
	case errors.Is(err, bot.ErrorForbidden):
		return ReasonForbidden
	case errors.Is(err, bot.ErrorBadRequest):
		return ReasonBadRequest
	case errors.Is(err, bot.ErrorNotFound):
		return ReasonNotFound
	case errors.Is(err, bot.ErrorUnauthorized):
		return ReasonUnauthorized
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return ReasonTimeout
	case errors.As(err, &netErr):
		return ReasonNetwork
	default:
		return ReasonServer
	}
}

// dbCollector reads the queue and review gauges from PostgreSQL on scrape.
type dbCollector struct {
	pool    *pgxpool.Pool
	timeout time.Duration
	now     func() time.Time
}

var (
	descOutboxDepth = prometheus.NewDesc("evalbot_outbox_depth",
		"Outbox messages waiting to be sent (state pending).", nil, nil)
	descOutboxOldest = prometheus.NewDesc("evalbot_outbox_oldest_pending_seconds",
		"Age of the oldest pending outbox message, 0 when there is none.", nil, nil)
	descPendingReviews = prometheus.NewDesc("evalbot_pending_reviews",
		"Self-assessments of the last three months submitted and waiting for the head's review.", nil, nil)
	descDBUp = prometheus.NewDesc("evalbot_db_up",
		"1 when the metrics query on PostgreSQL worked at this scrape, else 0.", nil, nil)
)

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descOutboxDepth
	ch <- descOutboxOldest
	ch <- descPendingReviews
	ch <- descDBUp
}

// Collect runs one query. Both counts use partial or leading indexes:
// outbox_pending (WHERE state = 'pending') and assessments_month (month, status).
func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	first := calendar.MonthOf(c.now()).Prev().Prev().First().String()
	var depth, reviews int64
	var oldest float64
	err := c.pool.QueryRow(ctx, `
		SELECT (SELECT count(*) FROM outbox WHERE state = 'pending'),
		       coalesce((SELECT extract(epoch FROM now() - min(created_at))::float8 FROM outbox WHERE state = 'pending'), 0),
		       (SELECT count(*) FROM assessments WHERE month >= $1::date AND status = 'submitted')`, first).
		Scan(&depth, &oldest, &reviews)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(descDBUp, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(descDBUp, prometheus.GaugeValue, 1)
	ch <- prometheus.MustNewConstMetric(descOutboxDepth, prometheus.GaugeValue, float64(depth))
	ch <- prometheus.MustNewConstMetric(descOutboxOldest, prometheus.GaugeValue, max(oldest, 0))
	ch <- prometheus.MustNewConstMetric(descPendingReviews, prometheus.GaugeValue, float64(reviews))
}
