package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/jackc/pgx/v5"

	"evalbot/internal/calendar"
	"evalbot/internal/citizen"
	"evalbot/internal/citizen/notice"
	"evalbot/internal/roster"
	"evalbot/internal/signin"
	"evalbot/internal/store"
)

// Citizens rate a desk on the web (issue 22): the desk's QR sign opens
// /r/<code>, a per-visit code /v/<code>; no sign-up, no JavaScript. A
// device is known by a random id in a signed cookie, hashed like a
// Telegram account (citizen.DeviceHash) before it reaches the database.

// deviceCookie names the device cookie; on https it takes the __Host- prefix.
func (s *Server) deviceCookie() string {
	if s.secure() {
		return "__Host-evalbot_device"
	}
	return "evalbot_device"
}

// deviceMaxAge is how long a browser keeps its device cookie.
const deviceMaxAge = 365 * 24 * 3600

// deviceMAC signs a device id under a key derived from citizen.Secret.
func deviceMAC(id []byte) []byte {
	k := hmac.New(sha256.New, citizen.Secret())
	k.Write([]byte("web-device-cookie"))
	m := hmac.New(sha256.New, k.Sum(nil))
	m.Write(id)
	return m.Sum(nil)[:16]
}

// deviceID reads the signed device cookie: its 16-byte random id, or nil
// when it is missing or forged.
func (s *Server) deviceID(r *http.Request) []byte {
	c, err := r.Cookie(s.deviceCookie())
	if err != nil {
		return nil
	}
	idPart, macPart, ok := strings.Cut(c.Value, ".")
	if !ok {
		return nil
	}
	id, err1 := base64.RawURLEncoding.DecodeString(idPart)
	mac, err2 := base64.RawURLEncoding.DecodeString(macPart)
	if err1 != nil || err2 != nil || len(id) != 16 || !hmac.Equal(mac, deviceMAC(id)) {
		return nil
	}
	return id
}

// device returns the keyed hash of the request's device, giving the browser
// a new signed cookie when it has none (or a forged one).
func (s *Server) device(w http.ResponseWriter, r *http.Request) []byte {
	id := s.deviceID(r)
	if id == nil {
		id = make([]byte, 16)
		_, _ = rand.Read(id)
		http.SetCookie(w, &http.Cookie{Name: s.deviceCookie(),
			Value: base64.RawURLEncoding.EncodeToString(id) + "." + base64.RawURLEncoding.EncodeToString(deviceMAC(id)),
			Path:  "/", MaxAge: deviceMaxAge, HttpOnly: true, Secure: s.secure(), SameSite: http.SameSiteLaxMode})
	}
	return citizen.DeviceHash(id)
}

// levelButton is one of the four large buttons.
type levelButton struct {
	Index int
	Label string
	Class string
	Icon  string // /static/face-N.svg: phones without an emoji font still show a face
}

// levelText is a level's label without the chat's leading emoji ("Hài lòng").
func levelText(t tr, l citizen.Level) string {
	return strings.TrimLeftFunc(t.T("CitizenLevel_"+string(l)), func(r rune) bool { return !unicode.IsLetter(r) })
}

// rateBody is the desk page's data.
type rateBody struct {
	Desk, Official, Position string
	OfficialID               int64
	Action                   string
	Verified                 bool
	Notice                   string
	Levels                   []levelButton
}

// refusal is a polite page instead of the one asked for.
type refusal struct {
	status        int
	title, textID string
}

func (s *Server) refuse(w http.ResponseWriter, r *http.Request, f *refusal) {
	s.publicMessage(w, r, f.status, f.title, f.textID)
}

// publicMessage is message for a citizen's page.
func (s *Server) publicMessage(w http.ResponseWriter, r *http.Request, status int, titleID, textID string) {
	p := s.newPage(w, r, nil)
	p.Public = true
	p.Title = p.L.T(titleID)
	p.Body = p.L.T(textID)
	s.render(w, status, "message", p)
}

var (
	refuseStale   = &refusal{http.StatusGone, "WebSignStaleTitle", "WebSignStale"}
	refuseClosed  = &refusal{http.StatusConflict, "WebRateRefusedTitle", "CitizenDeskClosed"}
	refuseNobody  = &refusal{http.StatusConflict, "WebRateRefusedTitle", "CitizenNobody"}
	refuseCap     = &refusal{http.StatusTooManyRequests, "WebRateRefusedTitle", "CitizenDailyCap"}
	refuseDecided = &refusal{http.StatusConflict, "WebRateRefusedTitle", "CitizenDecided"}
	refuseScan    = &refusal{http.StatusConflict, "WebRateRefusedTitle", "WebScanAgain"}
	refuseUsed    = &refusal{http.StatusGone, "WebVisitUsedTitle", "WebVisitUsed"}
	refuseExpired = &refusal{http.StatusGone, "WebVisitExpiredTitle", "WebVisitExpired"}
	refuseOwn     = &refusal{http.StatusForbidden, "WebRateRefusedTitle", "CitizenOwnDesk"}
)

// refusalOf maps the rating domain's refusals to pages; nil for other errors.
func refusalOf(err error) *refusal {
	switch {
	case errors.Is(err, citizen.ErrCodeUnknown), errors.Is(err, citizen.ErrCodeRetired), errors.Is(err, citizen.ErrVisitUnknown),
		errors.Is(err, citizen.ErrCardExpired), errors.Is(err, citizen.ErrNotFound):
		return refuseStale
	case errors.Is(err, citizen.ErrDeskInactive):
		return refuseClosed
	case errors.Is(err, citizen.ErrNobody):
		return refuseNobody
	case errors.Is(err, citizen.ErrDailyCap):
		return refuseCap
	case errors.Is(err, citizen.ErrDecided):
		return refuseDecided
	case errors.Is(err, citizen.ErrNotScanned), errors.Is(err, citizen.ErrStale):
		return refuseScan
	case errors.Is(err, citizen.ErrVisitUsed):
		return refuseUsed
	case errors.Is(err, citizen.ErrVisitExpired):
		return refuseExpired
	case errors.Is(err, citizen.ErrOwnDesk):
		return refuseOwn
	}
	return nil
}

// card reads what the desk page shows: the desk and who serves there
// today (or, for a per-visit code, the official who made it).
func (s *Server) card(ctx context.Context, tx pgx.Tx, deskID, officialID int64, day calendar.Date) (rateBody, error) {
	var b rateBody
	desk, err := citizen.DeskByID(ctx, tx, deskID)
	if err != nil {
		return b, err
	}
	if !desk.Active {
		return b, citizen.ErrDeskInactive
	}
	if officialID == 0 {
		serving, ok, err := citizen.ServingOn(ctx, tx, deskID, day)
		if err != nil {
			return b, err
		}
		if !ok {
			return b, citizen.ErrNobody
		}
		officialID = serving
	}
	o, err := roster.OfficialByID(ctx, tx, officialID)
	if err != nil {
		return b, err
	}
	return rateBody{Desk: desk.Name, Official: o.FullName, Position: strings.TrimSpace(o.Position), OfficialID: o.ID}, nil
}

func (s *Server) renderCard(w http.ResponseWriter, r *http.Request, status int, b rateBody) {
	p := s.newPage(w, r, nil)
	p.Public = true
	p.Title = p.L.T("WebRateTitle")
	classes := [4]string{"l-vs", "l-s", "l-n", "l-u"}
	for i, l := range citizen.Levels {
		b.Levels = append(b.Levels, levelButton{Index: i, Label: levelText(p.L, l), Class: classes[i],
			Icon: "/static/face-" + strconv.Itoa(i) + ".svg"})
	}
	if b.Notice != "" {
		b.Notice = p.L.T(b.Notice)
	}
	p.Body = b
	s.render(w, status, "rate", p)
}

// deskPage: GET /r/{code}. Opening the sign's link is the scan the rating needs.
func (s *Server) deskPage(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	if !citizen.IsPayload(code) {
		s.refuse(w, r, refuseStale)
		return
	}
	dev := s.device(w, r)
	now := s.now()
	var b rateBody
	err := store.InTx(r.Context(), s.Pool, func(tx pgx.Tx) error {
		c, err := citizen.LookupCode(r.Context(), tx, code)
		if err != nil {
			return err
		}
		if c.Retired {
			return citizen.ErrCodeRetired
		}
		if b, err = s.card(r.Context(), tx, c.DeskID, 0, calendar.DateOf(now)); err != nil {
			return err
		}
		return citizen.RecordScan(r.Context(), tx, dev, c, now, citizen.DefaultLimits)
	})
	if f := refusalOf(err); f != nil {
		s.refuse(w, r, f)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b.Action = "/r/" + code
	s.renderCard(w, r, http.StatusOK, b)
}

// visitPage: GET /v/{code}, a per-visit code's desk page.
func (s *Server) visitPage(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	s.device(w, r)
	now := s.now()
	var b rateBody
	err := store.InTx(r.Context(), s.Pool, func(tx pgx.Tx) error {
		vc, err := citizen.LookupVisit(r.Context(), tx, code, now)
		if err != nil {
			return err
		}
		b, err = s.card(r.Context(), tx, vc.DeskID, vc.OfficialID, calendar.DateOf(now))
		return err
	})
	if f := refusalOf(err); f != nil {
		s.refuse(w, r, f)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b.Action, b.Verified = "/v/"+code, true
	s.renderCard(w, r, http.StatusOK, b)
}

// rateForm reads a level button's form: the level and the official shown.
func rateForm(r *http.Request) (citizen.Level, int64, bool) {
	li, err := strconv.Atoi(r.PostFormValue("level"))
	if err != nil || li < 0 || li >= len(citizen.Levels) {
		return "", 0, false
	}
	off, err := strconv.ParseInt(r.PostFormValue("official"), 10, 64)
	if err != nil || off <= 0 {
		return "", 0, false
	}
	return citizen.Levels[li], off, true
}

// rate: POST /r/{code} or /v/{code} (visit). One transaction: the rating
// (citizen.Rate, or RateVisit), then what the heads are told
// (notice.AfterRate, the chat's); then the comment page.
func (s *Server) rate(visit bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		code := r.PathValue("code")
		level, official, ok := rateForm(r)
		dev := s.deviceID(r)
		if !ok || dev == nil {
			s.refuse(w, r, refuseScan)
			return
		}
		who := citizen.DeviceHash(dev)
		now := s.now()
		v := citizen.Vote{OfficialID: official, Day: calendar.DateOf(now), Citizen: who, Level: level, Now: now,
			Channel: citizen.ChannelWeb, Network: citizen.NetworkHash(s.clientIP(r))}
		// A member of staff signed in on this browser cannot rate their own desk.
		if c, err := r.Cookie(s.sessionCookie()); err == nil {
			if id, err := signin.Touch(r.Context(), s.Pool, c.Value, now); err == nil {
				v.Rater = id
			}
		}
		var out citizen.Outcome
		var again rateBody
		err := store.InTx(r.Context(), s.Pool, func(tx pgx.Tx) error {
			var err error
			if visit {
				out, err = citizen.RateVisit(r.Context(), tx, code, v, citizen.DefaultLimits)
			} else {
				var c citizen.Code
				if c, err = citizen.LookupCode(r.Context(), tx, code); err != nil {
					return err
				}
				v.CodeID = c.ID
				out, err = citizen.Rate(r.Context(), tx, v, citizen.DefaultLimits)
			}
			if errors.Is(err, citizen.ErrCardChanged) && visit {
				return citizen.ErrCodeRetired // the official who made the code no longer serves there
			}
			if errors.Is(err, citizen.ErrCardChanged) {
				// Show who serves now; the scan of this code today stands.
				c, cerr := citizen.CodeByID(r.Context(), tx, v.CodeID)
				if cerr != nil {
					return cerr
				}
				if again, cerr = s.card(r.Context(), tx, c.DeskID, 0, v.Day); cerr != nil {
					return cerr
				}
				return err
			}
			if err != nil || out.Repeat {
				return err
			}
			_, err = notice.AfterRate(r.Context(), tx, s.Cat, out, who)
			return err
		})
		if errors.Is(err, citizen.ErrCardChanged) {
			again.Action, again.Notice = r.URL.Path, "WebRateChanged"
			s.renderCard(w, r, http.StatusConflict, again)
			return
		}
		if f := refusalOf(err); f != nil {
			s.refuse(w, r, f)
			return
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		target := "/rating/" + strconv.FormatInt(out.Rating.ID, 10)
		if out.Previous != nil {
			target += "?replaced=1"
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
	}
}

// ratingBody is the comment page's and the thanks page's data.
type ratingBody struct {
	Desk, Official string
	Level          string
	Comment        string
	Replaced       bool
	Error          string
	Action         string
	Max            int
}

// ratingOf reads rating id when it is the device's; nil when it is not.
func (s *Server) ratingOf(ctx context.Context, tx pgx.Tx, id int64, who []byte) (*citizen.Rating, ratingBody, error) {
	var b ratingBody
	mine, err := citizen.Owns(ctx, tx, id, who)
	if err != nil || !mine {
		return nil, b, err
	}
	rt, err := citizen.LoadRating(ctx, tx, id)
	if err != nil {
		return nil, b, err
	}
	desk, err := citizen.DeskByID(ctx, tx, rt.DeskID)
	if err != nil {
		return nil, b, err
	}
	o, err := roster.OfficialByID(ctx, tx, rt.OfficialID)
	if err != nil {
		return nil, b, err
	}
	return &rt, ratingBody{Desk: desk.Name, Official: notice.OfficialLabel(o), Comment: rt.Comment}, nil
}

// ratingPage: GET /rating/{id}: the optional comment while it is asked
// (within the comment window), the thanks after.
func (s *Server) ratingPage(w http.ResponseWriter, r *http.Request) {
	s.showRating(w, r, http.StatusOK, "")
}

func (s *Server) showRating(w http.ResponseWriter, r *http.Request, status int, errText string) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	dev := s.deviceID(r)
	if err != nil || dev == nil {
		s.refuse(w, r, refuseScan)
		return
	}
	var rt *citizen.Rating
	var b ratingBody
	err = store.InTx(r.Context(), s.Pool, func(tx pgx.Tx) error {
		var err error
		rt, b, err = s.ratingOf(r.Context(), tx, id, citizen.DeviceHash(dev))
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if rt == nil {
		s.publicMessage(w, r, http.StatusNotFound, "WebNotFoundTitle", "WebNotFound")
		return
	}
	p := s.newPage(w, r, nil)
	p.Public = true
	b.Level = levelText(p.L, rt.Level)
	b.Replaced = r.URL.Query().Get("replaced") == "1"
	b.Action, b.Max, b.Error = "/rating/"+strconv.FormatInt(rt.ID, 10), citizen.DefaultLimits.MaxComment, errText
	if errText != "" {
		b.Comment = r.PostFormValue("comment")
	}
	p.Body = b
	if rt.CommentState == citizen.CommentAsked && s.now().Sub(rt.UpdatedAt) < citizen.DefaultLimits.CommentWindow {
		p.Title = p.L.T("WebCommentTitle", "Level", b.Level)
		s.render(w, status, "comment", p)
		return
	}
	p.Title = p.L.T("WebThanksTitle")
	s.render(w, status, "thanks", p)
}

// comment: POST /rating/{id}: do=skip, or do=send with the comment. A
// comment on a pending complaint puts the new version before the head,
// as the chat does. Then the thanks page.
func (s *Server) comment(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	dev := s.deviceID(r)
	if err != nil || dev == nil {
		s.refuse(w, r, refuseScan)
		return
	}
	who := citizen.DeviceHash(dev)
	now := s.now()
	skip := r.PostFormValue("do") == "skip"
	err = store.InTx(r.Context(), s.Pool, func(tx pgx.Tx) error {
		if skip {
			_, err := citizen.SkipComment(r.Context(), tx, id, who, now)
			return err
		}
		rt, err := citizen.SetComment(r.Context(), tx, id, who, r.PostFormValue("comment"), now, citizen.DefaultLimits)
		if err != nil {
			return err
		}
		_, err = notice.Complaint(r.Context(), tx, s.Cat, rt)
		return err
	})
	switch {
	case errors.Is(err, citizen.ErrCommentEmpty):
		s.showRating(w, r, http.StatusUnprocessableEntity, s.Cat.Plain(s.lang(w, r), "CitizenCommentEmpty", 0, nil))
		return
	case errors.Is(err, citizen.ErrCommentLong):
		s.showRating(w, r, http.StatusUnprocessableEntity, s.Cat.Plain(s.lang(w, r), "CitizenCommentTooLong", 0,
			map[string]any{"Max": citizen.DefaultLimits.MaxComment}))
		return
	case err != nil && !errors.Is(err, citizen.ErrStale): // stale: a double tap; the page shows the thanks
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/rating/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// visitDesk is one desk where the signed-in official serves today.
type visitDesk struct {
	ID    int64
	Label string
}

// visitBody is the per-visit code page's data.
type visitBody struct {
	Desks []visitDesk
	// The code just made: its QR as a data: URL, its link, until when.
	QR               template.URL
	Link, Until, Alt string
}

// visitCodes: GET /visit (the buttons) and POST /visit (desk=ID: a new
// per-visit code, shown as a QR image) for the signed-in official on duty.
func (s *Server) visitCodes(w http.ResponseWriter, r *http.Request) {
	me := s.signedIn(w, r)
	if me == nil {
		return
	}
	now := s.now()
	var b visitBody
	var made *citizen.VisitCode
	var madeDesk string
	err := store.InTx(r.Context(), s.Pool, func(tx pgx.Tx) error {
		desks, err := citizen.DutyDesks(r.Context(), tx, me.ID, calendar.DateOf(now))
		if err != nil {
			return err
		}
		for _, d := range desks {
			b.Desks = append(b.Desks, visitDesk{ID: d.ID, Label: d.Name})
		}
		if r.Method != http.MethodPost {
			return nil
		}
		deskID, _ := strconv.ParseInt(r.PostFormValue("desk"), 10, 64)
		vc, err := citizen.NewVisitCode(r.Context(), tx, me.ID, deskID, now)
		if err != nil {
			return err
		}
		for _, d := range desks {
			if d.ID == deskID {
				madeDesk = d.Name
			}
		}
		made = &vc
		return nil
	})
	if err != nil && !errors.Is(err, citizen.ErrNotOnDuty) && !errors.Is(err, citizen.ErrNotFound) {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(w, r, me)
	p.Title = p.L.T("WebVisitTitle")
	if made != nil {
		b.Link = s.baseURL(r) + "/v/" + made.Code
		png, err := citizen.QRPNG(b.Link, 512)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		b.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)) // our own PNG
		b.Until = p.L.T("WebVisitUntil", "Time", made.ExpiresAt.In(calendar.Location).Format("15:04"))
		b.Alt = p.L.T("WebVisitQRAlt", "Desk", madeDesk)
		// The one image of the site that is not a file: the code exists
		// only in this response (only its hash is stored).
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	}
	p.Body = b
	status := http.StatusOK
	if r.Method == http.MethodPost && made == nil {
		status = http.StatusConflict
	}
	s.render(w, status, "visit", p)
}

// baseURL is PublicURL, or this request's origin when it is unset (tests).
func (s *Server) baseURL(r *http.Request) string {
	if s.PublicURL != "" {
		return strings.TrimRight(s.PublicURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
