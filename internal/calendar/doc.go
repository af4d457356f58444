// Package calendar holds evalbot's pure period and working-day rules: civil
// dates, months and ISO weeks in Viet Nam's time zone, and a holiday calendar
// that answers "is this a working day?" and "which is the n-th working day of
// the month?".
//
// The rules come from DESIGN.md section 2 (the monthly cycle: first working
// day, last working day, "+n working days", publication on the 5th working day
// of the next month) and, for holidays, from the Labour Code 2019 (Bộ luật Lao
// động 2019), articles 111 and 112, and the yearly schedules that the Ministry
// of Home Affairs publishes for public-sector employees.
//
// The package does no I/O beyond its embedded holidays.toml and an explicit
// [Load]. Every value type here is small, comparable and safe to copy; a
// [Calendar] is immutable once built and safe for concurrent use.
package calendar

import (
	"time"
	_ "time/tzdata" // Location must load on machines without a zoneinfo database.
)

// Location is Asia/Ho_Chi_Minh (UTC+07:00, no daylight saving since 1975).
// Every civil date, month and week in this package is reckoned in it
// (DESIGN.md section 2: "All times are Asia/Ho_Chi_Minh").
//
// The zone database is embedded through time/tzdata, so Location does not
// depend on the host's zoneinfo files or on the TZ variable. Should loading
// still fail, Location falls back to a fixed UTC+07:00 zone named "ICT",
// which gives the same civil times for every date since 1975.
var Location = loadLocation()

func loadLocation() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		return time.FixedZone("ICT", 7*60*60)
	}
	return loc
}
