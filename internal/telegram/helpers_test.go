package telegram_test

import (
	"errors"
	"strconv"
)

var errNoButton = errors.New("no such button")

func itoa(n int) string { return strconv.Itoa(n) }
