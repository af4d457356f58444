package api

import (
	"errors"
	"net/http"

	"evalbot/internal/app/apikeys"
	"evalbot/internal/app/assigned"
)

// ProblemType is the type URI of a problem with code: "urn:evalbot:problem:"
// and the code (unauthorized, key_revoked, not_found,
// method_not_allowed, rate_limited, busy, invalid_body, invalid_field, invalid_period, no_official,
// catalogue, conflict, declined, too_late, internal). The codes are listed
// in the OpenAPI document.
func ProblemType(code string) string { return "urn:evalbot:problem:" + code }

// Problem is an RFC 9457 problem details object; Title and Detail are in
// the language of the request's Accept-Language. Errors lists the fields of
// a body that cannot be taken (invalid_field, catalogue).
type Problem struct {
	Type     string         `json:"type"`
	Title    string         `json:"title"`
	Status   int            `json:"status"`
	Detail   string         `json:"detail"`
	Instance string         `json:"instance"`
	Errors   []FieldProblem `json:"errors,omitempty"`
}

// FieldProblem is one field's fault: its JSON name, a code (assigned.FieldError)
// and the message.
type FieldProblem struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// problem answers status with the problem of code; data fills its detail.
func (c *call) problem(status int, code string, data map[string]any, fields ...FieldProblem) {
	c.status = status
	p := Problem{Type: ProblemType(code), Status: status, Instance: c.r.URL.Path, Errors: fields,
		Title:  c.h.Cat.Plain(c.lang, "APIProblem_"+code+"_Title", 0, nil),
		Detail: c.h.Cat.Plain(c.lang, "APIProblem_"+code+"_Detail", 0, data)}
	c.w.Header().Set("Content-Type", "application/problem+json")
	c.w.Header().Set("Content-Language", c.lang)
	c.w.WriteHeader(status)
	c.encode(p)
}

// fieldProblem is a field's fault in the request's language.
func (c *call) fieldProblem(fe *assigned.FieldError) FieldProblem {
	data := map[string]any{"Field": fe.Field}
	if fe.From != nil && fe.To != nil {
		data["From"], data["To"] = fe.From.String(), fe.To.String()
	}
	return FieldProblem{Field: fe.Field, Code: fe.Code, Message: c.h.Cat.Plain(c.lang, "APIField_"+fe.Code, 0, data)}
}

// fail answers a use case's refusal, or 500 for anything else (logged by
// kind, never with the request's data).
func (c *call) fail(err error) {
	var fe *assigned.FieldError
	switch {
	case errors.As(err, &fe) && (fe.Code == "unknown_item" || fe.Code == "item_withdrawn" || fe.Code == "item_not_for_you"):
		f := c.fieldProblem(fe)
		c.problem(http.StatusUnprocessableEntity, "catalogue", map[string]any{"Message": f.Message}, f)
	case errors.As(err, &fe):
		f := c.fieldProblem(fe)
		c.problem(http.StatusBadRequest, "invalid_field", map[string]any{"Message": f.Message}, f)
	case errors.Is(err, apikeys.ErrRevoked), errors.Is(err, apikeys.ErrNotFound):
		// Revoked between the authentication and the write (Key.Hold).
		c.w.Header().Set("WWW-Authenticate", `Bearer realm="evalbot"`)
		c.problem(http.StatusUnauthorized, "key_revoked", nil)
	case errors.Is(err, assigned.ErrNoOfficial):
		c.problem(http.StatusUnprocessableEntity, "no_official", nil)
	case errors.Is(err, assigned.ErrNotFound):
		c.problem(http.StatusNotFound, "not_found", nil)
	case errors.Is(err, assigned.ErrConflict):
		c.problem(http.StatusConflict, "conflict", nil)
	case errors.Is(err, assigned.ErrDeclined):
		c.problem(http.StatusConflict, "declined", nil)
	case errors.Is(err, assigned.ErrTooLate):
		c.problem(http.StatusConflict, "too_late", nil)
	default:
		c.h.log().Error("api: request failed", "route", c.r.Pattern, "api_key", c.key.ID, "err", err)
		c.problem(http.StatusInternalServerError, "internal", nil)
	}
}
