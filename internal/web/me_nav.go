package web

import (
	"net/url"
	"strings"

	"evalbot/internal/calendar"
	"evalbot/internal/evaluation"
)

// The official's pages (issue 24, «the official's pages»): the plan form
// (/me/plan), the Friday report (/me/report), the self-assessment
// (/me/assess) and the history (/me/history), linked to one another by
// meNav; the Mini App opens one of them by /tg?next=… (a web_app button of
// a chat card) or startapp=… (a t.me link).

// meNext is the page a Mini App's next (or start) parameter names, with
// start for a plan ("2026-12-07"); "" for none or an unknown one, so only
// our own paths are ever redirected to.
func meNext(next, start string) string {
	switch next {
	case "assess":
		return "/me/assess"
	case "report":
		return "/me/report"
	case "history":
		return "/me/history"
	case "plan-" + evaluation.KindWeek, "plan-" + evaluation.KindMonth:
		u := "/me/plan?kind=" + strings.TrimPrefix(next, "plan-")
		if d, err := calendar.ParseDate(start); err == nil {
			u += "&start=" + d.String()
		}
		return u
	}
	return ""
}

// miniAppAction is the sign-in form's action on /tg: /tg with the page to
// open next, when the launch URL named a known one.
func miniAppAction(q url.Values) string {
	next := q.Get("next")
	if meNext(next, "") == "" {
		return "/tg"
	}
	v := url.Values{"next": {next}}
	if s := q.Get("start"); s != "" {
		if d, err := calendar.ParseDate(s); err == nil {
			v.Set("start", d.String())
		}
	}
	return "/tg?" + v.Encode()
}

// meLink is one link of the official's pages' navigation.
type meLink struct {
	Label, URL string
	Current    bool
}

// meNavView is the navigation between the official's pages (the "menav"
// template of partials.html).
type meNavView struct {
	Label string
	Links []meLink
}

// meNav is the navigation between the official's pages, current marked.
func meNav(l tr, current string) meNavView {
	out := []meLink{
		{Label: l.T("MeNavPlan"), URL: "/me/plan"},
		{Label: l.T("MeNavReport"), URL: "/me/report"},
		{Label: l.T("MeNavAssess"), URL: "/me/assess"},
		{Label: l.T("MeNavHistory"), URL: "/me/history"},
	}
	for i := range out {
		out[i].Current = out[i].URL == current
	}
	return meNavView{Label: l.T("MeNavLabel"), Links: out}
}
