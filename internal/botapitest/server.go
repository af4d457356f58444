package botapitest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	json "github.com/goccy/go-json"
	"io"
	"log"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Defaults of a new Server.
const (
	DefaultToken       = "7000000001:AAFakeBotApiTokenForEvalbotTests_x9"
	DefaultBotUsername = "evalbot_test_bot"
	DefaultBotName     = "EvalBot"
)

// maxBody is the largest request the server reads (Telegram's upload limit).
const maxBody = 50 << 20

type config struct {
	token       string
	username    string
	firstName   string
	clock       func() time.Time
	limitClock  func() time.Time
	limitsOn    bool
	globalRate  float64
	chatRate    float64
	groupPerMin int
	globalBurst int
	chatBurst   int
	groupBurst  int
	firstUpdate int64
	lenientHTML bool
	journal     int
}

// Option configures a Server.
type Option func(*config)

// WithLimits turns Telegram's flood limits on: messages per second for the bot
// as a whole, per private chat per second, and per group per minute. Zero means
// Telegram's value (30, 1, 20); a negative value turns that limit off. Sends
// and edits count; exceeding answers 429 "Too Many Requests: retry after N"
// with parameters.retry_after N. Without this option there are no limits.
func WithLimits(global, perChatPerSec float64, perGroupPerMin int) Option {
	return func(c *config) {
		c.limitsOn = true
		c.globalRate, c.chatRate, c.groupPerMin = global, perChatPerSec, perGroupPerMin
		if c.globalRate == 0 {
			c.globalRate = 30
		}
		if c.chatRate == 0 {
			c.chatRate = 1
		}
		if c.groupPerMin == 0 {
			c.groupPerMin = 20
		}
	}
}

// WithTelegramLimits is WithLimits(30, 1, 20), Telegram's documented limits.
func WithTelegramLimits() Option { return WithLimits(30, 1, 20) }

// WithBursts sets the token-bucket bursts of the limits (defaults: the global
// rate rounded up, 3 per private chat, 3 per group). A value <= 0 keeps the default.
func WithBursts(global, perChat, perGroup int) Option {
	return func(c *config) {
		if global > 0 {
			c.globalBurst = global
		}
		if perChat > 0 {
			c.chatBurst = perChat
		}
		if perGroup > 0 {
			c.groupBurst = perGroup
		}
	}
}

// WithLimitClock sets the time source of the rate limiters (default time.Now), so
// that a test can count exactly what the limits allow. It must not go backwards.
func WithLimitClock(now func() time.Time) Option {
	return func(c *config) { c.limitClock = now }
}

// WithClock sets the time source of message dates, edit dates and transcript
// times (default time.Now). The demo uses it to simulate a month.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.clock = now }
}

// WithToken sets the bot token ("<bot id>:<secret>"); getMe reports the id.
func WithToken(token string) Option { return func(c *config) { c.token = token } }

// WithBotUsername sets the bot's username (without '@').
func WithBotUsername(username string) Option {
	return func(c *config) { c.username = strings.TrimPrefix(username, "@") }
}

// WithBotName sets the bot's first name as getMe reports it.
func WithBotName(firstName string) Option { return func(c *config) { c.firstName = firstName } }

// WithFirstUpdateID sets the update_id of the first update (default 100001).
func WithFirstUpdateID(id int64) Option { return func(c *config) { c.firstUpdate = id } }

// WithJournal keeps only about the last n events (Transcript), the last n
// updates' JSON (Update, RepeatUpdate) and the last n updates not yet taken
// by getUpdates (Telegram drops unclaimed ones after 24 hours), instead of
// all of them: a long
// benchmark's fake would otherwise hold every card it ever edited, and the
// garbage collector's work on that memory would be counted as the bot's
// latency (120 MB after 10,000 presses in bench updates).
func WithJournal(n int) Option { return func(c *config) { c.journal = n } }

// WithLenientHTML makes parse_mode HTML exactly as lenient as Telegram: an '&'
// that does not begin a character reference is kept as text, and the ';' of a
// reference is optional. By default the server rejects them, as the Bot API
// documentation says a bot must escape them.
func WithLenientHTML() Option { return func(c *config) { c.lenientHTML = true } }

// apiError is an error reply of the Bot API.
type apiError struct {
	code       int
	desc       string
	retryAfter int
	migrateTo  int64
}

func (e *apiError) Error() string { return e.desc }

func badRequest(desc string) *apiError { return &apiError{code: 400, desc: "Bad Request: " + desc} }
func forbidden(desc string) *apiError  { return &apiError{code: 403, desc: "Forbidden: " + desc} }

// ErrClosed is returned by WaitFor when the server is closed before the condition holds.
var ErrClosed = errors.New("botapitest: server closed")

// Server is a fake Telegram Bot API server. It is safe for concurrent use.
type Server struct {
	cfg   config
	botID int64
	url   string
	ln    net.Listener
	hs    *http.Server

	done      chan struct{}
	closeOnce sync.Once

	// in-flight handlers, so that Close can wait for them
	hmu      sync.Mutex
	hcond    *sync.Cond
	inflight int
	closed   bool

	connMu sync.Mutex
	conns  map[net.Conn]struct{}

	mu      sync.Mutex
	changed chan struct{}

	users map[int64]*userState
	chats map[int64]*chat

	queue        []*queuedUpdate
	history      map[int64]*queuedUpdate
	nextUpdateID int64
	pollGen      uint64
	allowed      []string
	hook         *hook // set by setWebhook: updates are posted, not polled
	posted       map[int64]bool

	queries       map[string]*query
	queryOrder    []string
	answerCounts  map[string]int
	answers       []answerRec
	answeredCount int
	nextQuery     uint64

	events       []Event
	seq          int // events ever recorded (Event.Seq)
	sentOK       int
	sentRejected int
	deliveries   []Delivery
	calls        map[string]int
	replyCalls   map[string]int // calls made from webhook replies

	files    map[string]*storedFile
	nextFile int
	commands map[string][]commandEntry
	menus    map[int64]MenuButton // setChatMenuButton, by chat (0: the default)

	faults  []*fault
	latency time.Duration

	global       *rate.Limiter
	perChat      map[int64]*rate.Limiter
	limited      int           // 429s for a flood limit (FloodRefusals)
	limitedChats map[int64]int // the same, per chat
}

type fault struct {
	method     string // "" = any method but getUpdates
	n          int
	code       int
	retryAfter int
	drop       bool // close the connection instead of answering
	after      bool // drop after processing the request (the reply is lost)
}

type answerRec struct {
	userID int64
	CallbackAnswer
}

type storedFile struct {
	data     []byte
	name     string
	mimeType string
}

type commandEntry struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}

// New starts a fake Bot API server on 127.0.0.1 on a random port.
func New(opts ...Option) *Server {
	cfg := config{
		token:       DefaultToken,
		username:    DefaultBotUsername,
		firstName:   DefaultBotName,
		clock:       time.Now,
		limitClock:  time.Now,
		chatBurst:   3,
		groupBurst:  3,
		firstUpdate: 100001,
	}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.globalBurst <= 0 {
		cfg.globalBurst = max(1, int(cfg.globalRate+0.999999))
	}
	id, err := strconv.ParseInt(strings.SplitN(cfg.token, ":", 2)[0], 10, 64)
	if err != nil || id <= 0 {
		panic("botapitest: token must look like <bot id>:<secret>: " + cfg.token)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic("botapitest: listen: " + err.Error())
	}
	s := &Server{
		cfg:          cfg,
		botID:        id,
		url:          "http://" + ln.Addr().String(),
		ln:           ln,
		done:         make(chan struct{}),
		conns:        map[net.Conn]struct{}{},
		changed:      make(chan struct{}),
		users:        map[int64]*userState{},
		chats:        map[int64]*chat{},
		history:      map[int64]*queuedUpdate{},
		nextUpdateID: cfg.firstUpdate - 1,
		queries:      map[string]*query{},
		answerCounts: map[string]int{},
		calls:        map[string]int{},
		replyCalls:   map[string]int{},
		posted:       map[int64]bool{},
		files:        map[string]*storedFile{},
		commands:     map[string][]commandEntry{},
		perChat:      map[int64]*rate.Limiter{},
		limitedChats: map[int64]int{},
	}
	s.hcond = sync.NewCond(&s.hmu)
	if cfg.limitsOn && cfg.globalRate > 0 {
		s.global = rate.NewLimiter(rate.Limit(cfg.globalRate), cfg.globalBurst)
	}
	s.hs = &http.Server{
		Handler:   s,
		ConnState: s.trackConn,
		ErrorLog:  log.New(io.Discard, "", 0),
	}
	go func() { _ = s.hs.Serve(ln) }()
	return s
}

// URL is the server's base URL, for bot.WithServerURL.
func (s *Server) URL() string { return s.url }

// Token is the bot token the server accepts.
func (s *Server) Token() string { return s.cfg.token }

// BotUsername is the bot's username, without '@'.
func (s *Server) BotUsername() string { return s.cfg.username }

// BotID is the bot's user id (the number before ':' in the token).
func (s *Server) BotID() int64 { return s.botID }

// Close stops the server: pending long polls return, connections are closed, and
// Close waits for the request handlers to end. It is safe to call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.hmu.Lock()
		s.closed = true
		s.hmu.Unlock()
		close(s.done)
		s.mu.Lock()
		s.stopHookLocked()
		s.mu.Unlock()
		_ = s.hs.Close()
		s.hmu.Lock()
		for s.inflight > 0 {
			s.hcond.Wait()
		}
		s.hmu.Unlock()
	})
}

func (s *Server) enter() bool {
	s.hmu.Lock()
	defer s.hmu.Unlock()
	if s.closed {
		return false
	}
	s.inflight++
	return true
}

func (s *Server) leave() {
	s.hmu.Lock()
	s.inflight--
	if s.inflight == 0 {
		s.hcond.Broadcast()
	}
	s.hmu.Unlock()
}

func (s *Server) trackConn(c net.Conn, st http.ConnState) {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	switch st {
	case http.StateNew:
		s.conns[c] = struct{}{}
	case http.StateClosed, http.StateHijacked:
		delete(s.conns, c)
	}
}

// CloseConnections closes every open client connection at once (requests in
// flight, long polls included, fail on the client's side with a network error).
func (s *Server) CloseConnections() {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	for c := range s.conns {
		_ = c.Close()
		delete(s.conns, c)
	}
}

// SetLatency delays every request by d before it is processed (0 turns it off).
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	s.latency = d
	s.mu.Unlock()
}

// FailNext makes the next n calls of any method except getUpdates fail with the
// HTTP status code: 502, 503 and 504 answer with an nginx HTML page, as
// Telegram's front end does; other codes answer with the Bot API's JSON error
// (429 with retry_after 1). The calls are not processed.
func (s *Server) FailNext(n, code int) { s.addFault(&fault{n: n, code: code, retryAfter: 1}) }

// FailNextMethod is FailNext for one method only (getUpdates included).
func (s *Server) FailNextMethod(method string, n, code int) {
	s.addFault(&fault{method: strings.ToLower(method), n: n, code: code, retryAfter: 1})
}

// TooManyNext makes the next n calls of any method except getUpdates answer 429
// "Too Many Requests: retry after <retryAfter>" without being processed.
func (s *Server) TooManyNext(n, retryAfter int) {
	s.addFault(&fault{n: n, code: 429, retryAfter: retryAfter})
}

// TooManyNextMethod is TooManyNext for one method only.
func (s *Server) TooManyNextMethod(method string, n, retryAfter int) {
	s.addFault(&fault{method: strings.ToLower(method), n: n, code: 429, retryAfter: retryAfter})
}

// DropNext makes the server close the connection of the next n calls (any method
// but getUpdates) without processing them or answering.
func (s *Server) DropNext(n int) { s.addFault(&fault{n: n, drop: true}) }

// DropNextReplies makes the server process the next n calls (any method but
// getUpdates) and then close the connection instead of answering: the message
// is sent, but the bot does not learn it.
func (s *Server) DropNextReplies(n int) { s.addFault(&fault{n: n, drop: true, after: true}) }

func (s *Server) addFault(f *fault) {
	if f.n <= 0 {
		return
	}
	s.mu.Lock()
	s.faults = append(s.faults, f)
	s.mu.Unlock()
}

func (s *Server) takeFault(method string) *fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	lm := strings.ToLower(method)
	for i, f := range s.faults {
		if f.method == lm || (f.method == "" && lm != "getupdates") {
			f.n--
			if f.n <= 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
			c := *f
			return &c
		}
	}
	return nil
}

type handlerFunc func(s *Server, ctx context.Context, p *params) (any, *apiError)

type methodInfo struct {
	name string
	fn   handlerFunc
	kind string // transcript kind of the call, "" when it is not recorded
	send bool   // counted by Sent
}

var methodTable map[string]methodInfo

func init() {
	list := []methodInfo{
		{name: "getMe", fn: (*Server).getMe},
		{name: "getUpdates", fn: (*Server).getUpdates},
		{name: "setWebhook", fn: (*Server).setWebhook},
		{name: "deleteWebhook", fn: (*Server).deleteWebhook},
		{name: "getWebhookInfo", fn: (*Server).getWebhookInfo},
		{name: "setMyCommands", fn: (*Server).setMyCommands},
		{name: "getMyCommands", fn: (*Server).getMyCommands},
		{name: "deleteMyCommands", fn: (*Server).deleteMyCommands},
		{name: "setChatMenuButton", fn: (*Server).setChatMenuButton},
		{name: "getChatMenuButton", fn: (*Server).getChatMenuButton},
		{name: "sendChatAction", fn: (*Server).sendChatAction},
		{name: "sendMessage", fn: (*Server).sendMessage, kind: "send", send: true},
		{name: "sendPhoto", fn: (*Server).sendPhoto, kind: "photo", send: true},
		{name: "sendDocument", fn: (*Server).sendDocument, kind: "document", send: true},
		{name: "editMessageText", fn: (*Server).editMessageText, kind: "edit"},
		{name: "editMessageReplyMarkup", fn: (*Server).editMessageReplyMarkup, kind: "edit"},
		{name: "deleteMessage", fn: (*Server).deleteMessage, kind: "delete"},
		{name: "answerCallbackQuery", fn: (*Server).answerCallbackQuery, kind: "answer"},
	}
	methodTable = map[string]methodInfo{}
	for _, m := range list {
		methodTable[strings.ToLower(m.name)] = m
	}
}

// ServeHTTP implements the Bot API over HTTP: POST (or GET) /bot<token>/<method>.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.enter() {
		writeError(w, &apiError{code: 503, desc: "Service Unavailable"})
		return
	}
	defer s.leave()

	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	slash := strings.IndexByte(rest, '/')
	if !ok || slash < 0 {
		writeError(w, &apiError{code: 404, desc: "Not Found"})
		return
	}
	token, method := rest[:slash], rest[slash+1:]
	if token != s.cfg.token {
		writeError(w, &apiError{code: 401, desc: "Unauthorized"})
		return
	}
	info, ok := methodTable[strings.ToLower(method)]
	if !ok {
		writeError(w, &apiError{code: 404, desc: "Not Found"})
		return
	}

	s.mu.Lock()
	s.calls[info.name]++
	lat := s.latency
	s.mu.Unlock()
	if lat > 0 {
		t := time.NewTimer(lat)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		case <-s.done:
			t.Stop()
			return
		}
	}

	p, perr := parseParams(r)
	if perr != nil {
		writeError(w, perr)
		return
	}

	if f := s.takeFault(info.name); f != nil {
		switch {
		case f.drop && !f.after:
			s.recordInjected(info, p, "connection dropped")
			hijackClose(w)
			return
		case !f.drop:
			e := injectedError(f)
			s.recordInjected(info, p, e.desc)
			writeError(w, e)
			return
		default:
			_, _ = info.fn(s, r.Context(), p)
			hijackClose(w)
			return
		}
	}

	res, aerr := info.fn(s, r.Context(), p)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	writeJSON(w, http.StatusOK, okResponse{OK: true, Result: res})
}

func injectedError(f *fault) *apiError {
	e := &apiError{code: f.code, desc: http.StatusText(f.code)}
	switch f.code {
	case 400:
		e.desc = "Bad Request: injected failure"
	case 403:
		e.desc = "Forbidden: injected failure"
	case 409:
		e.desc = "Conflict: injected failure"
	case 429:
		e.retryAfter = max(1, f.retryAfter)
		e.desc = fmt.Sprintf("Too Many Requests: retry after %d", e.retryAfter)
	}
	if e.desc == "" {
		e.desc = "Error " + strconv.Itoa(f.code)
	}
	return e
}

func hijackClose(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	c, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = c.Close()
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte(`{"ok":false,"error_code":500,"description":"Internal Server Error"}`)
		status = 500
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeError(w http.ResponseWriter, e *apiError) {
	switch e.code {
	case 502, 503, 504:
		// Telegram's nginx answers these with an HTML page, not JSON.
		text := fmt.Sprintf("%d %s", e.code, http.StatusText(e.code))
		body := "<html>\r\n<head><title>" + text + "</title></head>\r\n<body>\r\n<center><h1>" + text +
			"</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n"
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(e.code)
		_, _ = io.WriteString(w, body)
		return
	}
	resp := errResponse{OK: false, ErrorCode: e.code, Description: e.desc}
	if e.retryAfter > 0 || e.migrateTo != 0 {
		resp.Parameters = &respParams{RetryAfter: e.retryAfter, MigrateToChatID: e.migrateTo}
	}
	writeJSON(w, e.code, resp)
}

// params are a request's parameters, from the query string and the body.
type params struct {
	v     map[string]string
	files map[string]*upload
}

type upload struct {
	name        string
	contentType string
	data        []byte
}

func (p *params) str(k string) string { return p.v[k] }

func (p *params) has(k string) bool {
	if _, ok := p.v[k]; ok {
		return true
	}
	_, ok := p.files[k]
	return ok
}

func (p *params) int64(k string) (int64, bool) {
	v, ok := p.v[k]
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		if f, ferr := strconv.ParseFloat(strings.TrimSpace(v), 64); ferr == nil {
			return int64(f), true
		}
		return 0, false
	}
	return n, true
}

func (p *params) bool(k string) bool {
	switch strings.ToLower(strings.TrimSpace(p.v[k])) {
	case "true", "1":
		return true
	}
	return false
}

// bodies holds read buffers for request bodies (the fake's allocation counts
// against the bot's in the benchmarks that share its process).
var bodies = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func parseParams(r *http.Request) (*params, *apiError) {
	p := &params{v: map[string]string{}, files: map[string]*upload{}}
	for k, vs := range r.URL.Query() {
		if len(vs) > 0 {
			p.v[k] = vs[0]
		}
	}
	buf := bodies.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 64<<10 {
			bodies.Put(buf)
		}
	}()
	if _, err := buf.ReadFrom(io.LimitReader(r.Body, maxBody+1)); err != nil {
		return nil, badRequest("can't read request body")
	}
	body := buf.Bytes() // reused: every value below is copied out of it
	if len(body) > maxBody {
		return nil, &apiError{code: 413, desc: "Request Entity Too Large"}
	}
	return parseBody(p, r.Header.Get("Content-Type"), body)
}

// parseBody adds the parameters of a request's (or a webhook reply's) body
// to p, by its Content-Type. Every value is copied out of body.
func parseBody(p *params, contentType string, body []byte) (*params, *apiError) {
	if len(bytes.TrimSpace(body)) == 0 {
		return p, nil
	}
	ct, ctParams, _ := mime.ParseMediaType(contentType)
	switch ct {
	case "multipart/form-data":
		mr := multipart.NewReader(bytes.NewReader(body), ctParams["boundary"])
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, badRequest("can't parse multipart/form-data request")
			}
			data, err := io.ReadAll(part)
			if err != nil {
				return nil, badRequest("can't parse multipart/form-data request")
			}
			name := part.FormName()
			cd := part.Header.Get("Content-Disposition")
			if part.FileName() != "" || strings.Contains(cd, "filename=") {
				p.files[name] = &upload{name: part.FileName(), contentType: part.Header.Get("Content-Type"), data: data}
			} else {
				p.v[name] = string(data)
			}
		}
	case "application/json":
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(body, &obj); err != nil {
			return nil, badRequest("can't parse JSON encoded request")
		}
		for k, raw := range obj {
			raw = bytes.TrimSpace(raw)
			if string(raw) == "null" {
				continue
			}
			var str string
			if len(raw) > 0 && raw[0] == '"' && json.Unmarshal(raw, &str) == nil {
				p.v[k] = str
			} else {
				p.v[k] = string(raw)
			}
		}
	default: // application/x-www-form-urlencoded, and what Telegram makes of other bodies
		vals, err := url.ParseQuery(string(body))
		if err != nil && ct == "application/x-www-form-urlencoded" {
			return nil, badRequest("can't parse URL encoded request")
		}
		for k, vs := range vals {
			if len(vs) > 0 {
				p.v[k] = vs[0]
			}
		}
	}
	return p, nil
}
