package fsxapi

import (
	"slices"
	"strings"

	"github.com/fsxd/fsxd/awserr"
)

// The rules AWS documents for CreateFileSystem and UpdateFileSystem that
// the model cannot express, as data.

// openZFSThroughput lists the valid ThroughputCapacity (MBps) per
// OpenZFS deployment type: first generation and its HA variant take
// 64..4096, second generation (and Multi-AZ) 160..10240.
var openZFSThroughput = map[string][]int64{
	"SINGLE_AZ_1":    {64, 128, 256, 512, 1024, 2048, 3072, 4096},
	"SINGLE_AZ_HA_1": {64, 128, 256, 512, 1024, 2048, 3072, 4096},
	"SINGLE_AZ_2":    {160, 320, 640, 1280, 2560, 3840, 5120, 7680, 10240},
	"SINGLE_AZ_HA_2": {160, 320, 640, 1280, 2560, 3840, 5120, 7680, 10240},
	"MULTI_AZ_1":     {160, 320, 640, 1280, 2560, 3840, 5120, 7680, 10240},
}

// ontapThroughputPerHAPair lists the valid ThroughputCapacityPerHAPair
// (MBps) per ONTAP deployment type.
var ontapThroughputPerHAPair = map[string][]int64{
	"SINGLE_AZ_1": {128, 256, 512, 1024, 2048, 4096},
	"MULTI_AZ_1":  {128, 256, 512, 1024, 2048, 4096},
	"SINGLE_AZ_2": {1536, 3072, 6144},
	"MULTI_AZ_2":  {384, 768, 1536, 3072, 6144},
}

// Storage capacity ranges in GiB; ONTAP's scale with the HA pairs.
const (
	openZFSMinGiB      = 64
	openZFSMaxGiB      = 524288
	ontapMinGiBPerPair = 1024
	ontapMaxGiBPerPair = 524288
)

// openZFSRecordSizes are the valid RecordSizeKiB values.
var openZFSRecordSizes = []int64{4, 8, 16, 32, 64, 128, 256, 512, 1024}

func multiAZ(deployment string) bool { return strings.HasPrefix(deployment, "MULTI_AZ") }

func badRequest(format string, args ...any) error { return awserr.BadRequest.Err(format, args...) }

func checkOpenZFSThroughput(deployment string, mbps int64) error {
	if !slices.Contains(openZFSThroughput[deployment], mbps) {
		return badRequest("ThroughputCapacity %d is not valid for OpenZFS deployment type %s; valid values are %v.", mbps, deployment, openZFSThroughput[deployment])
	}
	return nil
}

// ontapThroughput resolves an ONTAP request's throughput: exactly one of
// the total or the per-HA-pair value, valid for the deployment type.
func ontapThroughput(deployment string, haPairs int64, total, perPair *int64) (int64, error) {
	if total != nil && perPair != nil {
		return 0, badRequest("Specify either ThroughputCapacity or ThroughputCapacityPerHAPair, not both.")
	}
	if total == nil && perPair == nil {
		return 0, badRequest("ThroughputCapacity or ThroughputCapacityPerHAPair is required for ONTAP file systems.")
	}
	per := val(perPair)
	if total != nil {
		if *total%haPairs != 0 {
			return 0, badRequest("ThroughputCapacity %d is not a multiple of HAPairs %d.", *total, haPairs)
		}
		per = *total / haPairs
	}
	if !slices.Contains(ontapThroughputPerHAPair[deployment], per) {
		return 0, badRequest("Throughput capacity per HA pair %d is not valid for ONTAP deployment type %s; valid values are %v.", per, deployment, ontapThroughputPerHAPair[deployment])
	}
	return per, nil
}

func ontapHAPairs(deployment string, haPairs *int64) (int64, error) {
	n := or(haPairs, 1)
	if n > 1 && deployment != "SINGLE_AZ_2" {
		return 0, badRequest("HAPairs greater than 1 requires deployment type SINGLE_AZ_2, not %s.", deployment)
	}
	return n, nil
}

func checkCapacity(what string, gib, lo, hi int64) error {
	if gib < lo || gib > hi {
		return badRequest("StorageCapacity %d GiB is out of range for %s: valid values are %d to %d GiB.", gib, what, lo, hi)
	}
	return nil
}

// checkSubnets applies the deployment type's subnet rules: Multi-AZ takes
// exactly two subnets and a preferred one among them; single-AZ exactly one.
func checkSubnets(deployment string, subnets []string, preferred *string) error {
	want := 1
	if multiAZ(deployment) {
		want = 2
	}
	if len(subnets) != want {
		return awserr.InvalidNetworkSettings.Err("Deployment type %s requires exactly %d subnet ID(s); got %d.", deployment, want, len(subnets))
	}
	if want == 2 && subnets[0] == subnets[1] {
		return awserr.InvalidNetworkSettings.Err("The two subnet IDs must differ.")
	}
	if preferred == nil {
		if want == 2 {
			return badRequest("PreferredSubnetId is required for deployment type %s.", deployment)
		}
		return nil
	}
	if !slices.Contains(subnets, *preferred) {
		return awserr.InvalidNetworkSettings.Err("PreferredSubnetId %s is not one of SubnetIds.", *preferred).With("InvalidSubnetId", *preferred)
	}
	return nil
}

func checkRecordSize(kib *int64) error {
	if kib != nil && !slices.Contains(openZFSRecordSizes, *kib) {
		return badRequest("RecordSizeKiB %d is not valid; valid values are %v.", *kib, openZFSRecordSizes)
	}
	return nil
}
