package bench

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/fsx/types"
)

// What the benchmark builds through the FSx API, exactly as a user would:
// an OpenZFS file system and S3 access points on its root volume.

// UserID is the non-root POSIX identity of the second access point. The
// root volume is 0777 like a fresh FSx for OpenZFS volume, so it can
// write its own top-level directory without any chown.
const UserID = 1001

// newFileSystem creates an OpenZFS SINGLE_AZ_HA_2 file system and returns
// its id and root volume once it is AVAILABLE.
func newFileSystem(ctx context.Context, c *fsx.Client, name string) (fsID, rootVol string, err error) {
	out, err := c.CreateFileSystem(ctx, &fsx.CreateFileSystemInput{
		FileSystemType:  types.FileSystemTypeOpenzfs,
		StorageCapacity: aws.Int32(64),
		StorageType:     types.StorageTypeSsd,
		SubnetIds:       []string{"subnet-0123456789abcdef0"},
		OpenZFSConfiguration: &types.CreateFileSystemOpenZFSConfiguration{
			DeploymentType:     types.OpenZFSDeploymentTypeSingleAzHa2,
			ThroughputCapacity: aws.Int32(160),
		},
		Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String(name)}},
	})
	if err != nil {
		return "", "", fmt.Errorf("CreateFileSystem: %w", err)
	}
	fs := out.FileSystem
	if fs.OpenZFSConfiguration == nil || fs.OpenZFSConfiguration.RootVolumeId == nil {
		return "", "", errors.New("CreateFileSystem: no OpenZFSConfiguration.RootVolumeId")
	}
	fsID, rootVol = aws.ToString(fs.FileSystemId), aws.ToString(fs.OpenZFSConfiguration.RootVolumeId)
	err = poll(ctx, "file system "+fsID, func() (bool, error) {
		d, err := c.DescribeFileSystems(ctx, &fsx.DescribeFileSystemsInput{FileSystemIds: []string{fsID}})
		if err != nil || len(d.FileSystems) != 1 {
			return false, err
		}
		return d.FileSystems[0].Lifecycle == types.FileSystemLifecycleAvailable, nil
	})
	return fsID, rootVol, err
}

// newAccessPoint attaches an access point with POSIX identity uid:uid to
// volume and returns its alias; it does not wait for AVAILABLE.
func newAccessPoint(ctx context.Context, c *fsx.Client, name, volume string, uid int64) (string, error) {
	out, err := c.CreateAndAttachS3AccessPoint(ctx, &fsx.CreateAndAttachS3AccessPointInput{
		Name: aws.String(name),
		Type: types.S3AccessPointAttachmentTypeOpenzfs,
		OpenZFSConfiguration: &types.CreateAndAttachS3AccessPointOpenZFSConfiguration{
			VolumeId: aws.String(volume),
			FileSystemIdentity: &types.OpenZFSFileSystemIdentity{
				Type:      types.OpenZFSFileSystemUserTypePosix,
				PosixUser: &types.OpenZFSPosixFileSystemUser{Uid: aws.Int64(uid), Gid: aws.Int64(uid)},
			},
		},
	})
	if err != nil {
		return "", fmt.Errorf("CreateAndAttachS3AccessPoint %s: %w", name, err)
	}
	a := out.S3AccessPointAttachment
	if a == nil || a.S3AccessPoint == nil || a.S3AccessPoint.Alias == nil {
		return "", fmt.Errorf("CreateAndAttachS3AccessPoint %s: no S3AccessPoint.Alias", name)
	}
	return *a.S3AccessPoint.Alias, nil
}

// waitAvailable polls DescribeS3AccessPointAttachments until every
// attachment in the account is AVAILABLE and there are want of them.
func waitAvailable(ctx context.Context, c *fsx.Client, want int) error {
	return poll(ctx, fmt.Sprintf("%d access point attachments", want), func() (bool, error) {
		n, ready, err := describeAll(ctx, c, 1000)
		return n == want && ready == want, err
	})
}

// describeAll pages through every attachment; it is both the control
// plane case's operation and the setup's readiness check.
func describeAll(ctx context.Context, c *fsx.Client, page int32) (n, available int, err error) {
	p := fsx.NewDescribeS3AccessPointAttachmentsPaginator(c,
		&fsx.DescribeS3AccessPointAttachmentsInput{MaxResults: aws.Int32(page)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return n, available, err
		}
		for _, a := range out.S3AccessPointAttachments {
			n++
			if a.Lifecycle == types.S3AccessPointAttachmentLifecycleAvailable {
				available++
			}
		}
	}
	return n, available, nil
}

func poll(ctx context.Context, what string, done func() (bool, error)) error {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		ok, err := done()
		if err != nil {
			return fmt.Errorf("waiting for %s: %w", what, err)
		}
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not AVAILABLE after 2m", what)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Deployment is what the data-plane cases run against.
type Deployment struct {
	FileSystem, RootVolume string
	RootAlias, UserAlias   string
}

// Deploy builds the file system and its two access points (root and
// UserID) and waits until they serve.
func Deploy(ctx context.Context, c *fsx.Client) (*Deployment, error) {
	fsID, vol, err := newFileSystem(ctx, c, "fsxdbench")
	if err != nil {
		return nil, err
	}
	d := &Deployment{FileSystem: fsID, RootVolume: vol}
	if d.RootAlias, err = newAccessPoint(ctx, c, "bench-root", vol, 0); err != nil {
		return nil, err
	}
	if d.UserAlias, err = newAccessPoint(ctx, c, fmt.Sprintf("bench-uid%d", UserID), vol, UserID); err != nil {
		return nil, err
	}
	return d, waitAvailable(ctx, c, 2)
}

// AddAttachments brings the account to total attachments, the extra ones
// on a second file system so the data-plane one keeps only its two.
func AddAttachments(ctx context.Context, c *fsx.Client, total int) error {
	have, _, err := describeAll(ctx, c, 1000)
	if err != nil || have >= total {
		return err
	}
	_, vol, err := newFileSystem(ctx, c, "fsxdbench-control-plane")
	if err != nil {
		return err
	}
	err = parallel(ctx, total-have, 8, func(ctx context.Context, i int) error {
		_, err := newAccessPoint(ctx, c, fmt.Sprintf("cp-%05d", i), vol, int64(2000+i))
		return err
	})
	if err != nil {
		return err
	}
	return waitAvailable(ctx, c, total)
}
