package fsxapi

import (
	"context"
	"testing"

	"github.com/fsxd/fsxd/awserr"
)

// TestOpenZFSDeploymentTypes: every deployment type, with a throughput it
// accepts and one it refuses, and its subnet rule.
func TestOpenZFSDeploymentTypes(t *testing.T) {
	check := func(deployment string, mbps int64, subnets int, ok bool) {
		t.Helper()
		e := newTestEnv(t)
		in := &CreateFileSystemRequest{
			FileSystemType: ptr("OPENZFS"), StorageCapacity: ptr(int64(64)), SubnetIds: subnetIDs(subnets),
			OpenZFSConfiguration: &CreateFileSystemOpenZFSConfiguration{DeploymentType: ptr(deployment), ThroughputCapacity: ptr(mbps)},
		}
		if subnets == 2 {
			in.OpenZFSConfiguration.PreferredSubnetId = ptr(in.SubnetIds[0])
		}
		_, err := e.svc.CreateFileSystem(context.Background(), in)
		if (err == nil) != ok {
			t.Errorf("%s %d MBps %d subnet(s): err = %v, want ok=%v", deployment, mbps, subnets, err, ok)
		}
	}
	check("SINGLE_AZ_1", 64, 1, true)
	check("SINGLE_AZ_1", 160, 1, false)
	check("SINGLE_AZ_HA_1", 4096, 1, true)
	check("SINGLE_AZ_HA_1", 5120, 1, false)
	check("SINGLE_AZ_2", 160, 1, true)
	check("SINGLE_AZ_2", 64, 1, false)
	check("SINGLE_AZ_HA_2", 10240, 1, true)
	check("SINGLE_AZ_HA_2", 4096, 1, false)
	check("MULTI_AZ_1", 320, 2, true)
	check("MULTI_AZ_1", 320, 1, false)
	check("SINGLE_AZ_1", 64, 2, false)
}

func subnetIDs(n int) []string {
	out := []string{"subnet-0123456789abcdef0", "subnet-0123456789abcdef1"}
	return out[:n]
}

// TestOntapThroughput: total vs per HA pair, per deployment type.
func TestOntapThroughput(t *testing.T) {
	check := func(deployment string, pairs int64, total, perPair *int64, want int64) {
		t.Helper()
		got, err := ontapThroughput(deployment, pairs, total, perPair)
		if want == 0 {
			if !awserr.Is(err, awserr.BadRequest) {
				t.Errorf("%s pairs=%d: got %d, %v; want BadRequest", deployment, pairs, got, err)
			}
			return
		}
		if err != nil || got != want {
			t.Errorf("%s pairs=%d: got %d, %v; want %d per pair", deployment, pairs, got, err, want)
		}
	}
	n := func(v int64) *int64 { return &v }
	check("SINGLE_AZ_1", 1, n(128), nil, 128)
	check("MULTI_AZ_1", 1, nil, n(4096), 4096)
	check("MULTI_AZ_1", 1, n(384), nil, 0)
	check("SINGLE_AZ_2", 4, n(6144*4), nil, 6144)
	check("SINGLE_AZ_2", 4, n(1000), nil, 0)
	check("SINGLE_AZ_2", 1, nil, n(1536), 1536)
	check("MULTI_AZ_2", 1, nil, n(384), 384)
	check("MULTI_AZ_2", 1, nil, n(128), 0)
	check("SINGLE_AZ_1", 1, n(128), n(128), 0) // not both
	check("SINGLE_AZ_1", 1, nil, nil, 0)       // one of them
}
