package checksum

// This file is zlib's crc32_combine (the multmodp/x2nmodp form of zlib
// 1.2.12 and later) generalised to any reflected CRC of width 32 or 64 with
// init and final XOR of all ones, which covers CRC32, CRC32C and CRC64NVME.
//
// A reflected CRC register holds a polynomial over GF(2) with x^0 in the
// top bit. With pre- and post-inversion, crc(A‖B) = crc(A)·x^(8·len(B)) +
// crc(B) mod P: the inversions cancel. So combining needs x^(8n) mod P,
// built by square-and-multiply from a table of x^(2^k) mod P.

// gf2 is arithmetic modulo one CRC polynomial.
type gf2 struct {
	top  uint64 // x^0: the register's top bit
	poly uint64 // reflected polynomial
	// x2n[k] = x^(2^k) mod P. Lengths are int64 bytes, so exponents reach
	// 2^(63+3); zlib wraps k at 32, which is valid only for an irreducible
	// P, so the table is long enough to never wrap.
	x2n [67]uint64
}

func newGF2(width uint, poly uint64) *gf2 {
	g := &gf2{top: 1 << (width - 1), poly: poly}
	g.x2n[0] = g.top >> 1 // x^1
	for k := 1; k < len(g.x2n); k++ {
		g.x2n[k] = g.mul(g.x2n[k-1], g.x2n[k-1])
	}
	return g
}

// mul returns a·b mod P.
func (g *gf2) mul(a, b uint64) uint64 {
	var p uint64
	for m := g.top; a != 0; m >>= 1 {
		if a&m != 0 {
			p ^= b
			a ^= m
		}
		// b·x mod P: in reflected form a right shift, reducing by P when
		// x^(width-1) falls off the bottom.
		if b&1 != 0 {
			b = b>>1 ^ g.poly
		} else {
			b >>= 1
		}
	}
	return p
}

// x8n returns x^(8n) mod P: the operator that appends n zero bytes.
func (g *gf2) x8n(n int64) uint64 {
	p := g.top // x^0
	for k := 3; n != 0; k++ {
		if n&1 != 0 {
			p = g.mul(g.x2n[k], p)
		}
		n >>= 1
	}
	return p
}

// combine returns crc(A‖B) from crc(A), crc(B) and len(B).
func (g *gf2) combine(crcA, crcB uint64, lenB int64) uint64 {
	return g.mul(g.x8n(lenB), crcA) ^ crcB
}
