package grading

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"math/big"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// Parse reads a framework from TOML (format: docs/frameworks.md) and checks
// that it is consistent. The error is a *FrameworkError naming the field:
// TOML syntax, an unknown key, a missing field, a criterion with max ≤ 0 or a
// duplicate id, general + task + bonus max ≠ 100, task weights not adding to 1,
// bands not A > B > C > D or not starting at 0, and values out of range.
func Parse(data []byte) (*Framework, error) {
	var raw rawFramework
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&raw)
	if err != nil {
		fe := &FrameworkError{Reason: err.Error(), Err: err}
		var pe toml.ParseError
		if errors.As(err, &pe) {
			fe.Field, fe.Line, fe.Reason = pe.LastKey, pe.Position.Line, pe.Message
		} else if m := tomlTypeErr.FindStringSubmatch(err.Error()); m != nil {
			// Type mismatches are plain errors in BurntSushi/toml v1; their
			// fixed prefix still names the key.
			fe.Line, _ = strconv.Atoi(m[1])
			fe.Field, _ = strconv.Unquote(m[2])
			fe.Reason = m[3]
		}
		return nil, fe
	}
	if keys := md.Undecoded(); len(keys) > 0 {
		reason := "unknown key"
		if len(keys) > 1 {
			reason = fmt.Sprintf("unknown key (and %d more)", len(keys)-1)
		}
		return nil, &FrameworkError{Field: keys[0].String(), Reason: reason}
	}
	return raw.build()
}

// Load reads and parses the framework file at path: an agency's own
// framework. Errors are the file's read error or Parse's *FrameworkError.
func Load(path string) (*Framework, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// The TOML shape. Numbers are num so that decimals stay exact.
type rawFramework struct {
	ID      string            `toml:"id"`
	Version string            `toml:"version"`
	Source  string            `toml:"source"`
	Name    map[string]string `toml:"name"`
	General []rawCriterion    `toml:"general"`
	Tasks   rawTasks          `toml:"tasks"`
	Bonus   struct {
		Max num `toml:"max"`
	} `toml:"bonus"`
	Complaints struct {
		Each       num `toml:"each"`
		MonthlyCap num `toml:"monthly_cap"`
	} `toml:"complaints"`
	Leader struct {
		OwnShare       num `toml:"own_share"`
		UnitFactorAllC num `toml:"unit_factor_all_c"`
		UnitFactorAnyD num `toml:"unit_factor_any_d"`
	} `toml:"leader"`
	Bands     []rawBand `toml:"bands"`
	Quota     rawQuota  `toml:"quota"`
	Overrides struct {
		ForceD         []string `toml:"force_d"`
		MinWorkedShare num      `toml:"min_worked_share"`
	} `toml:"overrides"`
	Year    *rawPeriod `toml:"year"`
	Quarter *rawPeriod `toml:"quarter"`
}

// rawPeriod is a [year] or [quarter] section; every field is optional.
type rawPeriod struct {
	Evaluated       *bool             `toml:"evaluated"` // quarter only
	Rounding        string            `toml:"rounding"`
	MinGradedMonths num               `toml:"min_graded_months"`
	Bands           []rawBand         `toml:"bands"`
	DisciplineCap   map[string]string `toml:"discipline_cap"`
	Quota           *rawQuota         `toml:"quota"`
}

type rawQuota struct {
	Kind             string `toml:"kind"`
	Share            num    `toml:"share"`
	ExceptionalShare num    `toml:"exceptional_share"`
	Scope            string `toml:"scope"` // the month's quota only: unit or task_group
}

type rawCriterion struct {
	ID   string            `toml:"id"`
	Name map[string]string `toml:"name"`
	Max  num               `toml:"max"`
}

type rawTasks struct {
	Max       num `toml:"max"`
	Quantity  num `toml:"quantity"`
	Quality   num `toml:"quality"`
	Progress  num `toml:"progress"`
	FaultStep num `toml:"fault_step"`
	DelayStep num `toml:"delay_step"`
}

type rawBand struct {
	Grade string            `toml:"grade"`
	Min   num               `toml:"min"`
	Name  map[string]string `toml:"name"`
}

// num is a TOML integer or a quoted decimal/fraction, kept as text until it
// is read as Points or as a ratio. Unquoted TOML floats are refused: they
// would have gone through binary floating point.
type num struct {
	text string
	set  bool
}

func (n *num) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case int64:
		n.text = strconv.FormatInt(v, 10)
	case string:
		n.text = v
	default:
		return errors.New(`want an integer or a quoted exact number such as "2.5" or "1/3" (unquoted decimals are refused: no floating point)`)
	}
	n.set = true
	return nil
}

var (
	tomlTypeErr      = regexp.MustCompile(`^toml: (?:line (\d+) )?\(last key ("(?:[^"\\]|\\.)*")\): (.*)$`)
	idPattern        = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)
	criterionPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)
	hundred          = Points(10000)
	one              = big.NewRat(1, 1)
)

// build validates raw and turns it into a Framework. Checks run top to
// bottom in file order, so the first fault in the file is the one reported.
func (r *rawFramework) build() (*Framework, error) {
	f := &Framework{ID: r.ID, Version: r.Version, Source: r.Source, Name: r.Name}
	var p parser
	if !idPattern.MatchString(r.ID) {
		p.fail("id", "want lowercase letters, digits, '.', '_' or '-', 1 to 64 of them")
	}
	p.required("version", r.Version)
	p.names("name", r.Name)

	if len(r.General) == 0 {
		p.fail("general", "want at least one criterion")
	}
	seen := map[string]bool{}
	for i, c := range r.General {
		at := fmt.Sprintf("general[%d]", i)
		if !criterionPattern.MatchString(c.ID) {
			p.fail(at+".id", fmt.Sprintf("%q: want snake_case, 1 to 32 characters", c.ID))
		} else if seen[c.ID] {
			p.fail(at+".id", fmt.Sprintf("duplicate criterion id %q", c.ID))
		}
		seen[c.ID] = true
		p.names(at+".name", c.Name)
		max := p.pointsIn(at+".max", c.Max, 0, hundred)
		if max <= 0 {
			p.fail(at+".max", "must be above 0")
		}
		f.General = append(f.General, Criterion{ID: c.ID, Name: c.Name, Max: max})
	}

	f.TaskMax = p.pointsIn("tasks.max", r.Tasks.Max, 0, hundred)
	if f.TaskMax <= 0 {
		p.fail("tasks.max", "must be above 0")
	}
	f.weights[0] = p.share("tasks.quantity", r.Tasks.Quantity)
	f.weights[1] = p.share("tasks.quality", r.Tasks.Quality)
	f.weights[2] = p.share("tasks.progress", r.Tasks.Progress)
	if p.err == nil {
		sum := new(big.Rat).Add(f.weights[0], f.weights[1])
		if sum.Add(sum, f.weights[2]).Cmp(one) != 0 {
			p.fail("tasks", fmt.Sprintf("quantity + quality + progress = %s, must be 1", sum.RatString()))
		}
	}
	f.faultStep = p.step("tasks.fault_step", r.Tasks.FaultStep)
	f.delayStep = p.step("tasks.delay_step", r.Tasks.DelayStep)

	f.BonusMax = p.pointsIn("bonus.max", r.Bonus.Max, 0, hundred)
	// 3814 is "100 points" with 20 + 70 + a 10-point bonus; Decree 335 is 30 + 70, no bonus.
	if sum := f.GeneralMax() + f.TaskMax + f.BonusMax; p.err == nil && sum != hundred {
		p.fail("general[].max + tasks.max + bonus.max", fmt.Sprintf("general max %s + task max %s + bonus max %s = %s, must be 100",
			f.GeneralMax(), f.TaskMax, f.BonusMax, sum))
	}
	f.complaintEach = p.pointsIn("complaints.each", r.Complaints.Each, 0, hundred)
	f.complaintCap = p.pointsIn("complaints.monthly_cap", r.Complaints.MonthlyCap, 0, hundred)

	f.ownShare = p.share("leader.own_share", r.Leader.OwnShare)
	f.factorAllC = p.share("leader.unit_factor_all_c", r.Leader.UnitFactorAllC)
	f.factorAnyD = p.share("leader.unit_factor_any_d", r.Leader.UnitFactorAnyD)
	if p.err == nil && f.factorAnyD.Cmp(f.factorAllC) > 0 {
		p.fail("leader.unit_factor_any_d", "must not be above unit_factor_all_c: a D in the unit never raises the head's score")
	}

	f.bands = p.bands(r.Bands)

	monthQuota := p.quota("quota", r.Quota)
	f.quotaKind, f.quotaShare, f.quotaExceptional = monthQuota.kind, monthQuota.share, monthQuota.exceptional
	switch r.Quota.Scope {
	case "", QuotaScopeUnit:
		f.quotaScope = QuotaScopeUnit
	case QuotaScopeTaskGroup:
		f.quotaScope = QuotaScopeTaskGroup
	default:
		p.fail("quota.scope", fmt.Sprintf("%q: want %q or %q", r.Quota.Scope, QuotaScopeUnit, QuotaScopeTaskGroup))
	}

	for i, s := range r.Overrides.ForceD {
		d := Discipline(s)
		at := fmt.Sprintf("overrides.force_d[%d]", i)
		switch {
		case d == DisciplineNone || !knownDiscipline(d):
			p.fail(at, fmt.Sprintf("%q: want reprimand, warning, demotion or dismissal", s))
		case containsDiscipline(f.forceD, d):
			p.fail(at, fmt.Sprintf("duplicate %q", s))
		}
		f.forceD = append(f.forceD, d)
	}
	f.minWorked = p.share("overrides.min_worked_share", r.Overrides.MinWorkedShare)

	f.year = p.period("year", r.Year, f.bands, monthQuota, 12)
	f.year.evaluated = true
	f.quarter = p.period("quarter", r.Quarter, f.bands, monthQuota, 3)

	if p.err != nil {
		return nil, p.err
	}
	return f, nil
}

func (p *parser) bands(raw []rawBand) []band {
	if len(raw) != len(grades) {
		p.fail("bands", fmt.Sprintf("want exactly four bands, A, B, C and D; got %d", len(raw)))
		return nil
	}
	out := make([]band, len(raw))
	for i, b := range raw {
		at := fmt.Sprintf("bands[%d]", i)
		if Grade(b.Grade) != grades[i] {
			p.fail(at+".grade", fmt.Sprintf("%q: bands must be listed A, B, C, D; want %q here", b.Grade, grades[i]))
		}
		p.names(at+".name", b.Name)
		out[i] = band{grade: grades[i], min: p.pointsIn(at+".min", b.Min, 0, hundred), name: b.Name}
		if i > 0 && p.err == nil && out[i].min >= out[i-1].min {
			p.fail(at+".min", fmt.Sprintf("%s is not below %s's %s: bands would overlap (want A > B > C > D)",
				out[i].min, out[i-1].grade, out[i-1].min))
		}
	}
	if p.err == nil && out[len(out)-1].min != 0 {
		p.fail(fmt.Sprintf("bands[%d].min", len(out)-1),
			fmt.Sprintf("D must start at 0: totals below %s would have no grade (a gap)", out[len(out)-1].min))
	}
	return out
}

func (p *parser) quota(at string, q rawQuota) quotaRule {
	switch q.Kind {
	case quotaOfGraded, quotaOfB:
	default:
		p.fail(at+".kind", fmt.Sprintf("%q: want %q or %q", q.Kind, quotaOfGraded, quotaOfB))
	}
	r := quotaRule{kind: q.Kind, share: p.share(at+".share", q.Share)}
	r.exceptional = r.share
	if q.ExceptionalShare.set {
		r.exceptional = p.share(at+".exceptional_share", q.ExceptionalShare)
	}
	return r
}

// period reads a [year] or [quarter] section (docs/frameworks.md): absent
// fields take the month's bands and quota, rounding half up, at least one
// graded month, no discipline cap; a quarter is evaluated only when it says
// so. months is the period's length, the largest minimum allowed.
func (p *parser) period(at string, raw *rawPeriod, monthBands []band, monthQuota quotaRule, months int) periodRule {
	rule := periodRule{minMonths: 1, bands: monthBands, quota: monthQuota}
	if raw == nil {
		return rule
	}
	if raw.Evaluated != nil {
		if at == "year" {
			p.fail("year.evaluated", "the year is always evaluated (Decree 335/2025/NĐ-CP Art. 21): remove this key")
		}
		rule.evaluated = *raw.Evaluated
	}
	// Half up, once, at the mean: the only rounding Art. 21's "bình quân" is read with here.
	if raw.Rounding != "" && raw.Rounding != "half_up" {
		p.fail(at+".rounding", fmt.Sprintf("%q: want \"half_up\" (the mean rounded half up to hundredths, once)", raw.Rounding))
	}
	if raw.MinGradedMonths.set {
		n, err := strconv.Atoi(raw.MinGradedMonths.text)
		if err != nil || n < 1 || n > months {
			p.fail(at+".min_graded_months", fmt.Sprintf("%q: want a whole number 1..%d", raw.MinGradedMonths.text, months))
		}
		rule.minMonths = n
	}
	if raw.Bands != nil {
		sub := parser{}
		rule.bands = sub.bands(raw.Bands)
		if sub.err != nil {
			sub.err.Field = at + "." + sub.err.Field
			p.fail(sub.err.Field, sub.err.Reason)
		}
	}
	if len(raw.DisciplineCap) > 0 {
		rule.capOf = map[Discipline]Grade{}
		for _, level := range slices.Sorted(maps.Keys(raw.DisciplineCap)) {
			d, g := Discipline(level), Grade(raw.DisciplineCap[level])
			if d == DisciplineNone || !knownDiscipline(d) {
				p.fail(at+".discipline_cap."+level, "unknown level: want reprimand, warning, demotion or dismissal")
			} else if !g.Valid() {
				p.fail(at+".discipline_cap."+level, fmt.Sprintf("%q: want the best grade allowed, A, B, C or D", g))
			}
			rule.capOf[d] = g
		}
	}
	if raw.Quota != nil {
		rule.quota = p.quota(at+".quota", *raw.Quota)
	}
	return rule
}

func containsDiscipline(list []Discipline, d Discipline) bool {
	for _, x := range list {
		if x == d {
			return true
		}
	}
	return false
}

// parser keeps the first fault; later checks still run but cannot replace it.
type parser struct{ err *FrameworkError }

func (p *parser) fail(field, reason string) {
	if p.err == nil {
		p.err = &FrameworkError{Field: field, Reason: reason}
	}
}

func (p *parser) required(field, s string) {
	if strings.TrimSpace(s) == "" {
		p.fail(field, "missing")
	}
}

// names requires a Vietnamese name (the fallback language).
func (p *parser) names(field string, m map[string]string) {
	if strings.TrimSpace(m["vi"]) == "" {
		p.fail(field+".vi", "missing: every name needs Vietnamese, the fallback language")
	}
}

func (p *parser) points(field string, n num) Points {
	if !n.set {
		p.fail(field, "missing")
		return 0
	}
	v, err := ParsePoints(n.text)
	if err != nil {
		p.fail(field, fmt.Sprintf("%q: want points with at most two decimals", n.text))
	}
	return v
}

func (p *parser) pointsIn(field string, n num, lo, hi Points) Points {
	v := p.points(field, n)
	if v < lo || v > hi {
		p.fail(field, fmt.Sprintf("%s: want %s..%s", v, lo, hi))
	}
	return v
}

// share reads a ratio in 0..1: "1/3", "0.25", "1" or a TOML integer.
func (p *parser) share(field string, n num) *big.Rat {
	if !n.set {
		p.fail(field, "missing")
		return new(big.Rat)
	}
	r, ok := parseRatio(n.text)
	if !ok {
		p.fail(field, fmt.Sprintf(`%q: want a fraction such as "1/3", a decimal such as "0.25", or 0 or 1`, n.text))
		return new(big.Rat)
	}
	if r.Sign() < 0 || r.Cmp(one) > 0 {
		p.fail(field, fmt.Sprintf("%s: want 0..1", r.RatString()))
	}
	return r
}

// step reads a share and keeps it as small integers for the per-task rule.
func (p *parser) step(field string, n num) ratio {
	r := p.share(field, n)
	return ratio{p: r.Num().Int64(), q: r.Denom().Int64()} // bounded by parseRatio
}

var ratioPattern = regexp.MustCompile(`^(?:(\d{1,9})/(\d{1,9})|(\d{1,9})(?:\.(\d{1,9}))?)$`)

// parseRatio reads "p/q" or a plain decimal. Its own grammar (not
// big.Rat.SetString) keeps numerator and denominator below 10^18 so that a
// hostile file cannot ask for a huge exponent, and fractions below 10^9.
func parseRatio(s string) (*big.Rat, bool) {
	m := ratioPattern.FindStringSubmatch(s)
	if m == nil {
		return nil, false
	}
	if m[1] != "" {
		num, _ := strconv.ParseInt(m[1], 10, 64)
		den, _ := strconv.ParseInt(m[2], 10, 64)
		if den == 0 {
			return nil, false
		}
		return big.NewRat(num, den), true
	}
	whole, _ := strconv.ParseInt(m[3]+m[4], 10, 64)
	den := int64(1)
	for range len(m[4]) {
		den *= 10
	}
	return big.NewRat(whole, den), true
}
