package bench

import "math"

// The raw loop shows what the disk and file system allow, but it pays
// nothing for HTTP: on a machine whose cores the client shares, no S3
// server can reach it. Ceiling adds up what an S3 server here pays for,
// each part measured on its own in the same run.

// Ceiling estimates the ops/s the hardware allows fsxd for the row: the
// CPU per op of the raw file-system loop, of the stub server and of the
// stub's client, and, for a signed body, of the SHA-256 the stub does not
// check (Row.SignedCPU), spread over ncpu cores, and never more than the
// raw loop's own ops/s. It is an estimate, not a bound: it leaves out
// what else the stub skips (SigV4, identity checks, durable metadata),
// but for large bodies the stub, which keeps them in memory, pays more
// than a server that streams them to disk. NaN when a part was not
// measured.
func Ceiling(r Row, ncpu int) float64 {
	if r.Raw == nil || r.Stub == nil || r.Raw.Rounds == 0 || r.Stub.Rounds == 0 || r.Raw.OpsPerSec <= 0 {
		return math.NaN()
	}
	mibPerOp := r.Raw.MiBPerSec / r.Raw.OpsPerSec
	perOp := cpuPerOp(r.Raw.CPUPerUnit, r.Raw.CPUUnit, mibPerOp) +
		cpuPerOp(r.Stub.CPUPerUnit, r.Stub.CPUUnit, mibPerOp) +
		cpuPerOp(r.Stub.ClientCPUPerUnit, r.Stub.CPUUnit, mibPerOp) +
		cpuPerOp(r.SignedCPU, unitPerGiB, mibPerOp)
	if math.IsNaN(perOp) || perOp <= 0 {
		return math.NaN()
	}
	return math.Min(r.Raw.OpsPerSec, float64(ncpu)/perOp)
}

// CeilingRatio is the ratio to the stub that ceil (Ceiling's) allows: a
// target above it cannot be met on this machine unless fsxd does less
// than the raw loop, the stub and, for a signed body, SHA-256 together.
func CeilingRatio(r Row, ceil float64) float64 {
	if r.Stub == nil || r.Stub.Rounds == 0 || r.Stub.OpsPerSec <= 0 {
		return math.NaN()
	}
	return ceil / r.Stub.OpsPerSec
}

// cpuPerOp converts CPU seconds per unit (CPUPerUnit's) to seconds per op.
func cpuPerOp(c float64, unit string, mibPerOp float64) float64 {
	switch unit {
	case unitPer1k:
		return c / 1000
	case unitPerGiB:
		return c * mibPerOp / 1024
	}
	return math.NaN()
}
