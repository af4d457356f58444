package botapitest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

type rawResp struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter      int   `json:"retry_after"`
		MigrateToChatID int64 `json:"migrate_to_chat_id"`
	} `json:"parameters"`
}

func newServer(t *testing.T, opts ...Option) *Server {
	t.Helper()
	s := New(opts...)
	t.Cleanup(s.Close)
	return s
}

// post sends a raw request and decodes the reply.
func post(t *testing.T, ctx context.Context, url, contentType string, body []byte) (int, rawResp) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var r rawResp
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("POST %s: status %d, body %q: %v", url, resp.StatusCode, b, err)
	}
	return resp.StatusCode, r
}

// call calls a method with a JSON body.
func call(t *testing.T, s *Server, method string, params map[string]any) rawResp {
	t.Helper()
	return callCtx(t, context.Background(), s, method, params)
}

func callCtx(t *testing.T, ctx context.Context, s *Server, method string, params map[string]any) rawResp {
	t.Helper()
	b, _ := json.Marshal(params)
	status, r := post(t, ctx, s.URL()+"/bot"+s.Token()+"/"+method, "application/json", b)
	if r.OK && status != 200 || !r.OK && status != r.ErrorCode {
		t.Fatalf("%s: HTTP status %d for reply %+v", method, status, r)
	}
	return r
}

// tryCall is call for other goroutines than the test's: it reports errors instead of failing.
func tryCall(ctx context.Context, s *Server, method string, params map[string]any) (rawResp, error) {
	b, _ := json.Marshal(params)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL()+"/bot"+s.Token()+"/"+method, bytes.NewReader(b))
	if err != nil {
		return rawResp{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return rawResp{}, err
	}
	defer resp.Body.Close()
	var r rawResp
	err = json.NewDecoder(resp.Body).Decode(&r)
	return r, err
}

// updates calls getUpdates and returns the decoded updates.
func updates(t *testing.T, s *Server, params map[string]any) []models.Update {
	t.Helper()
	r := call(t, s, "getUpdates", params)
	if !r.OK {
		t.Fatalf("getUpdates: %+v", r)
	}
	var us []models.Update
	if err := json.Unmarshal(r.Result, &us); err != nil {
		t.Fatal(err)
	}
	return us
}

func ids(us []models.Update) []int64 {
	out := make([]int64, len(us))
	for i, u := range us {
		out[i] = u.ID
	}
	return out
}

// newBot is a go-telegram/bot client of s (not polling).
func newBot(t *testing.T, s *Server, opts ...bot.Option) *bot.Bot {
	t.Helper()
	opts = append([]bot.Option{
		bot.WithServerURL(s.URL()),
		bot.WithSkipGetMe(),
		bot.WithErrorsHandler(func(error) {}),
	}, opts...)
	b, err := bot.New(s.Token(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// runBot starts polling; it stops when the test ends.
func runBot(t *testing.T, s *Server, opts ...bot.Option) *bot.Bot {
	t.Helper()
	b := newBot(t, s, opts...)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		b.Start(ctx)
		close(done)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return b
}

func waitFor(t *testing.T, s *Server, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.WaitFor(ctx, cond); err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
}

func wantBadRequest(t *testing.T, err error, desc string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want 400 %q", desc)
	}
	if !errors.Is(err, bot.ErrorBadRequest) {
		t.Fatalf("error %v is not a bot.ErrorBadRequest", err)
	}
	if !strings.Contains(err.Error(), desc) {
		t.Fatalf("error %q does not contain %q", err, desc)
	}
}

func kb(rows ...[]models.InlineKeyboardButton) *models.InlineKeyboardMarkup {
	return &models.InlineKeyboardMarkup{InlineKeyboard: rows}
}

func cb(text, data string) models.InlineKeyboardButton {
	return models.InlineKeyboardButton{Text: text, CallbackData: data}
}

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	img.Set(1, 1, color.White)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
