package fsxapi

import (
	"context"
	"testing"
	"time"

	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/idempotency"
)

// TestTokensExpire: the reconciler forgets a token once idempotency.Keep
// has passed, so the token may then start a new request; before that it
// is remembered.
func TestTokensExpire(t *testing.T) {
	e := newTestEnv(t)
	create := func(capacity int64) error {
		_, err := e.svc.CreateFileSystem(context.Background(), &CreateFileSystemRequest{
			ClientRequestToken: ptr("tok-1"),
			FileSystemType:     ptr("OPENZFS"), StorageCapacity: ptr(capacity), SubnetIds: []string{"subnet-01234567"},
			OpenZFSConfiguration: &CreateFileSystemOpenZFSConfiguration{DeploymentType: ptr("SINGLE_AZ_HA_1"), ThroughputCapacity: ptr(int64(128))},
		})
		return err
	}
	if err := create(64); err != nil {
		t.Fatal(err)
	}
	e.clock = e.clock.Add(idempotency.Keep - time.Minute)
	e.settle()
	wantCode(t, create(128), awserr.IncompatibleParameterError, "StorageCapacity")
	e.clock = e.clock.Add(time.Minute)
	e.settle()
	if err := create(128); err != nil {
		t.Fatalf("after %v, the token still holds: %v", idempotency.Keep, err)
	}
}
