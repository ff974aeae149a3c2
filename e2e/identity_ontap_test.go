package e2e

//lint:file-ignore SA1019 SizeInMegabytes is what older clients and the README walkthrough send; fsxd must accept it

// ONTAP identities end to end: a UNIX user name and a Windows user name,
// resolved through the SVM's name-service file, act as the UNIX identity
// they resolve to; an identity that stops resolving stops serving.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/fsx/types"
)

// idNameService is the SVM's name-service file with the users %s:
// group proj (3100) has fsxdalice, and CORP\<name> maps to <name>.
const idNameService = `{
  "Users": [%s],
  "Groups": [{"Name": "proj", "Gid": 3100, "Members": ["fsxdalice"]}],
  "NameMappings": [{"Pattern": "CORP\\\\(.+)", "Replacement": "\\1"}],
  "DefaultUnixUser": ""
}`

func TestIdentityONTAP(t *testing.T) {
	skipUnlessRoot(t, "kernel enforcement needs root")
	e := Start(t)
	fsID, svmID := idSVM(t, e)
	nsFile := filepath.Join(e.DataDir, "nameservice", svmID+".json")
	writeNS := idNameServiceWriter(t, nsFile)
	const (
		alice = `{"Name": "fsxdalice", "Uid": 3001, "Gid": 3001}`
		bob   = `{"Name": "bob", "Uid": 3002, "Gid": 3002}`
	)
	writeNS(alice, bob)

	unix := idOntapAttach(t, e, idOntapVolume(t, e, svmID, "unixvol", "/unix", types.SecurityStyleUnix),
		filepath.Join(e.DataDir, "fs", fsID, svmID, "unix"), "alice", "UNIX", "fsxdalice")
	ntfs := idOntapAttach(t, e, idOntapVolume(t, e, svmID, "ntfsvol", "/ntfs", types.SecurityStyleNtfs),
		filepath.Join(e.DataDir, "fs", fsID, svmID, "ntfs"), "bob", "WINDOWS", `CORP\bob`)
	// ONTAP volumes start root 0755; the administrator opens them up.
	unix.mkdir(".", 0o777, 0, 0)
	ntfs.mkdir(".", 0o777, 0, 0)

	unix.want("PUT", "alice", "dir/by-alice", "")
	unix.wantOwner("dir", 3001, 3001, 0o755)
	unix.wantOwner("dir/by-alice", 3001, 3001, 0o644)
	unix.file("proj/report", 0o640, 999, 3100, "for proj")
	unix.file("proj/private", 0o600, 999, 3100, "not for proj")
	if got, err := unix.get("alice", "proj/report"); err != nil || got != "for proj" {
		t.Errorf("alice GET proj/report (group 3100): %q, %v", got, err)
	}
	unix.want("GET", "alice", "proj/private", "AccessDenied")

	ntfs.want("PUT", "bob", "by-bob", "")
	ntfs.wantOwner("by-bob", 3002, 3002, 0o644)
	ntfs.file("bobs", 0o600, 3002, 3002, "bob's")
	ntfs.file("carls", 0o600, 3003, 3003, "carl's")
	ntfs.want("GET", "bob", "bobs", "")
	ntfs.want("GET", "bob", "carls", "AccessDenied")

	// fsxdalice leaves the file: the attachment stops serving at once the
	// health check sees it, and serves again when she is back.
	writeNS(bob)
	if why := apWaitState(t, e, "alice", "MISCONFIGURED"); why == "" {
		t.Error("MISCONFIGURED without a reason")
	}
	unix.want("GET", "alice", "dir/by-alice", "ServiceUnavailable")
	apWaitState(t, e, "bob", "AVAILABLE")
	writeNS(bob, alice)
	apWaitState(t, e, "alice", "AVAILABLE")
	unix.want("GET", "alice", "dir/by-alice", "")
}

// idNameServiceWriter returns a function that writes the name-service
// file with users (JSON objects), and gives each version its own
// modification time so the server sees every change.
func idNameServiceWriter(t *testing.T, path string) func(users ...string) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	mtime := time.Now().Add(-time.Hour)
	return func(users ...string) {
		t.Helper()
		content := fmt.Sprintf(idNameService, strings.Join(users, ", "))
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		mtime = mtime.Add(time.Second)
		if err := os.Chtimes(path, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
}

// idSVM makes an ONTAP file system and an SVM with UNIX security style.
func idSVM(t *testing.T, e *Env) (fsID, svmID string) {
	t.Helper()
	fsID = aws.ToString(createONTAP(t, e).FileSystemId)
	waitFileSystem(t, e, fsID, types.FileSystemLifecycleAvailable)
	out, err := e.FSx.CreateStorageVirtualMachine(context.Background(), &fsx.CreateStorageVirtualMachineInput{
		FileSystemId: aws.String(fsID), Name: aws.String("svm1"), RootVolumeSecurityStyle: types.StorageVirtualMachineRootVolumeSecurityStyleUnix,
	})
	if err != nil {
		t.Fatalf("CreateStorageVirtualMachine: %v", err)
	}
	svmID = aws.ToString(out.StorageVirtualMachine.StorageVirtualMachineId)
	waitSVM(t, e, svmID, types.StorageVirtualMachineLifecycleCreated)
	return fsID, svmID
}

func idOntapVolume(t *testing.T, e *Env, svmID, name, junction string, style types.SecurityStyle) string {
	t.Helper()
	out, err := e.FSx.CreateVolume(context.Background(), &fsx.CreateVolumeInput{
		VolumeType: types.VolumeTypeOntap, Name: aws.String(name),
		OntapConfiguration: &types.CreateOntapVolumeConfiguration{
			StorageVirtualMachineId: aws.String(svmID), JunctionPath: aws.String(junction), SecurityStyle: style,
			SizeInMegabytes: aws.Int32(1024), StorageEfficiencyEnabled: aws.Bool(true),
		},
	})
	if err != nil {
		t.Fatalf("CreateVolume %s: %v", name, err)
	}
	id := aws.ToString(out.Volume.VolumeId)
	apWaitVolume(t, e, id)
	return id
}

// idOntapAttach attaches access point name to vol with an ONTAP identity
// and waits until it is AVAILABLE.
func idOntapAttach(t *testing.T, e *Env, vol, dir, name, typ, user string) *idVol {
	t.Helper()
	out, err := e.FSx.CreateAndAttachS3AccessPoint(context.Background(), apOntap(name, vol, typ, user))
	if err != nil {
		t.Fatalf("attach %s: %v", name, err)
	}
	apWaitState(t, e, name, "AVAILABLE")
	return &idVol{t: t, e: e, dir: dir, alias: map[string]string{name: aws.ToString(out.S3AccessPointAttachment.S3AccessPoint.Alias)}}
}
