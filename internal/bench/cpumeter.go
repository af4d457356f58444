package bench

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuSample is the CPU time used so far: by the whole machine (every
// process, PostgreSQL's included; /proc/stat) and by this process
// (getrusage). Zero where the system does not tell.
type cpuSample struct {
	at      time.Time
	machine time.Duration // busy time summed over all cores
	self    time.Duration // user + system time of this process
}

func sampleCPU() cpuSample {
	s := cpuSample{at: time.Now()}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		s.self = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return s
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return s
	}
	// user nice system idle iowait irq softirq steal, in USER_HZ (1/100 s on Linux).
	var ticks int64
	for i, v := range f[1:9] {
		if i == 3 || i == 4 {
			continue // idle, iowait
		}
		n, _ := strconv.ParseInt(v, 10, 64)
		ticks += n
	}
	s.machine = time.Duration(ticks) * 10 * time.Millisecond
	return s
}

// cpuUse is what happened between two samples: CPU per operation, for the
// machine and for this process, and the machine's load in cores.
type cpuUse struct {
	machinePerOp, selfPerOp time.Duration
	cores                   float64
}

func cpuBetween(a, b cpuSample, ops int) cpuUse {
	if ops <= 0 {
		return cpuUse{}
	}
	wall := b.at.Sub(a.at)
	u := cpuUse{machinePerOp: (b.machine - a.machine) / time.Duration(ops), selfPerOp: (b.self - a.self) / time.Duration(ops)}
	if wall > 0 {
		u.cores = float64(b.machine-a.machine) / float64(wall)
	}
	return u
}
