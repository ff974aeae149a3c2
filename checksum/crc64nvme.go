package checksum

import (
	"encoding/binary"
	"hash"
	"hash/crc64"
)

// crc64NVMEPoly is the reflected form of the NVMe CRC-64 polynomial
// 0xAD93D23594C93659 (the one S3 calls CRC64NVME).
const crc64NVMEPoly = 0x9a6c9329ac4bc9b5

// nvmeTables holds slicing-by-8 tables. hash/crc64 only keeps such tables
// for ISO and ECMA; for any other table it rebuilds 16 KiB of them on every
// Write of 2 KiB or more, which would cost an allocation per write on the
// hot path. Building them once here keeps writes allocation-free.
var nvmeTables = makeSlicing8(crc64.MakeTable(crc64NVMEPoly))

func makeSlicing8(t *crc64.Table) *[8]crc64.Table {
	var s [8]crc64.Table
	s[0] = *t
	for i := range 256 {
		crc := t[i]
		for j := 1; j < 8; j++ {
			crc = t[crc&0xff] ^ crc>>8
			s[j][i] = crc
		}
	}
	return &s
}

func updateNVME(crc uint64, p []byte) uint64 {
	t := nvmeTables
	crc = ^crc
	for len(p) >= 8 {
		crc ^= binary.LittleEndian.Uint64(p)
		crc = t[7][crc&0xff] ^ t[6][crc>>8&0xff] ^ t[5][crc>>16&0xff] ^
			t[4][crc>>24&0xff] ^ t[3][crc>>32&0xff] ^ t[2][crc>>40&0xff] ^
			t[1][crc>>48&0xff] ^ t[0][crc>>56]
		p = p[8:]
	}
	for _, b := range p {
		crc = t[0][byte(crc)^b] ^ crc>>8
	}
	return ^crc
}

// nvme is a hash.Hash64 for CRC64NVME.
type nvme struct{ crc uint64 }

func newCRC64NVME() hash.Hash64 { return &nvme{} }

func (d *nvme) Write(p []byte) (int, error) {
	d.crc = updateNVME(d.crc, p)
	return len(p), nil
}

func (d *nvme) Sum64() uint64  { return d.crc }
func (d *nvme) Reset()         { d.crc = 0 }
func (d *nvme) Size() int      { return 8 }
func (d *nvme) BlockSize() int { return 1 }
func (d *nvme) Sum(b []byte) []byte {
	return binary.BigEndian.AppendUint64(b, d.crc)
}
