package e2e

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/fsx/types"
)

// TestFSxPasswordsNotKept: passwords sent with a ClientRequestToken (the
// SDKs always send one) never reach the disk, yet a retry with the same
// password replays, also after a restart, and another password is
// IncompatibleParameterError naming it. The database files are the
// owner's only.
func TestFSxPasswordsNotKept(t *testing.T) {
	env := Start(t)
	ctx := context.Background()
	const fsxPw, svmPw, adPw = "FsxAdm1n-Kept-Nowhere", "SvmAdm1n-Kept-Nowhere", "AdJoin-Kept-Nowhere"
	fsOut, err := env.FSx.CreateFileSystem(ctx, &fsx.CreateFileSystemInput{
		ClientRequestToken: aws.String("fs-token"),
		FileSystemType:     types.FileSystemTypeOntap, StorageCapacity: aws.Int32(1024),
		SubnetIds: []string{"subnet-0123456789abcdef0"},
		OntapConfiguration: &types.CreateFileSystemOntapConfiguration{
			DeploymentType: types.OntapDeploymentTypeSingleAz1, ThroughputCapacity: aws.Int32(128),
			FsxAdminPassword: aws.String(fsxPw),
		},
	})
	if err != nil {
		t.Fatalf("CreateFileSystem: %v", err)
	}
	fsID := *fsOut.FileSystem.FileSystemId
	waitFileSystem(t, env, fsID, types.FileSystemLifecycleAvailable)
	svm := func(pw string) (*fsx.CreateStorageVirtualMachineOutput, error) {
		return env.FSx.CreateStorageVirtualMachine(ctx, &fsx.CreateStorageVirtualMachineInput{
			ClientRequestToken: aws.String("svm-token"), FileSystemId: aws.String(fsID), Name: aws.String("svm1"),
			SvmAdminPassword: aws.String(pw),
			ActiveDirectoryConfiguration: &types.CreateSvmActiveDirectoryConfiguration{
				NetBiosName: aws.String("SVM1"),
				SelfManagedActiveDirectoryConfiguration: &types.SelfManagedActiveDirectoryConfiguration{
					DomainName: aws.String("corp.example.com"), DnsIps: []string{"10.0.0.10"},
					UserName: aws.String("joiner"), Password: aws.String(adPw),
				},
			},
		})
	}
	first, err := svm(svmPw)
	if err != nil {
		t.Fatalf("CreateStorageVirtualMachine: %v", err)
	}
	env.Restart() // the digests' key is the master key's, kept across restarts
	again, err := svm(svmPw)
	if err != nil || *again.StorageVirtualMachine.StorageVirtualMachineId != *first.StorageVirtualMachine.StorageVirtualMachineId {
		t.Fatalf("retry with the same password: %v, want %s again", err, *first.StorageVirtualMachine.StorageVirtualMachineId)
	}
	_, err = svm(svmPw + "2")
	if e := wantErr[*types.IncompatibleParameterError](t, err); aws.ToString(e.Parameter) != "SvmAdminPassword" {
		t.Errorf("Parameter = %q, want SvmAdminPassword", aws.ToString(e.Parameter))
	}
	if strings.Contains(err.Error(), svmPw) {
		t.Errorf("the error shows the password: %v", err)
	}

	env.Stop() // whatever the WAL held is in the database now, or still in the WAL: both are read
	filepath.WalkDir(env.DataDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, pw := range []string{fsxPw, svmPw, adPw} {
			if bytes.Contains(b, []byte(pw)) {
				t.Errorf("%s holds the password %s", path, pw)
			}
		}
		return nil
	})
	dbs, _ := filepath.Glob(filepath.Join(env.DataDir, "fsxd.db*"))
	if len(dbs) == 0 {
		t.Fatal("no database files")
	}
	for _, db := range dbs {
		if fi, err := os.Stat(db); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, mode %o; want 600", db, err, fi.Mode().Perm())
		}
	}
}
