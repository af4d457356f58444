package botapitest

import (
	"fmt"
	"math"

	"golang.org/x/time/rate"
)

// chatLimiterLocked returns the limiter of a chat, nil if that kind of chat has no limit.
func (s *Server) chatLimiterLocked(c *chat) *rate.Limiter {
	if l, ok := s.perChat[c.id]; ok {
		return l
	}
	var l *rate.Limiter
	switch {
	case c.kind == "private" && s.cfg.chatRate > 0:
		l = rate.NewLimiter(rate.Limit(s.cfg.chatRate), s.cfg.chatBurst)
	case c.kind != "private" && s.cfg.groupPerMin > 0:
		l = rate.NewLimiter(rate.Limit(float64(s.cfg.groupPerMin)/60), s.cfg.groupBurst)
	}
	s.perChat[c.id] = l
	return l
}

// rateLocked takes one token from the global limiter and the chat's, or none
// and answers 429 with the seconds until both would have one.
func (s *Server) rateLocked(c *chat) *apiError {
	if !s.cfg.limitsOn {
		return nil
	}
	now := s.cfg.limitClock()
	var ls []*rate.Limiter
	if s.global != nil {
		ls = append(ls, s.global)
	}
	if l := s.chatLimiterLocked(c); l != nil {
		ls = append(ls, l)
	}
	wait := 0.0
	for _, l := range ls {
		if t := l.TokensAt(now); t < 1 {
			wait = math.Max(wait, (1-t)/float64(l.Limit()))
		}
	}
	if wait > 0 {
		n := max(1, int(math.Ceil(wait-1e-9)))
		s.limited++
		s.limitedChats[c.id]++
		return &apiError{code: 429, desc: fmt.Sprintf("Too Many Requests: retry after %d", n), retryAfter: n}
	}
	for _, l := range ls {
		l.AllowN(now, 1)
	}
	return nil
}

// FloodRefusals counts the calls the server answered 429 because a flood
// limit (WithLimits) was exceeded, counted by the server itself; the 429s
// injected with TooManyNext or FailNext are not counted.
func (s *Server) FloodRefusals() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limited
}

// FloodRefusalsByChat is FloodRefusals per chat id.
func (s *Server) FloodRefusalsByChat() map[int64]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[int64]int, len(s.limitedChats))
	for k, v := range s.limitedChats {
		out[k] = v
	}
	return out
}
