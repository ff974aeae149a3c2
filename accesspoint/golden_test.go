package accesspoint

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fsxd/fsxd"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenCase is one request on the wire. The cases run in order against one
// service, so later ones see what earlier ones did.
type goldenCase struct {
	file, op, body string
	settle         bool // reconcile after the delay before this request
}

// The three FSx operations and each error they answer, as bytes on the
// wire: what a client sees and what golden files keep from drifting.
var goldenCases = []goldenCase{
	{"create-openzfs", fsxd.OpCreateAndAttachS3AccessPoint, `{"ClientRequestToken":"tok-1","Name":"golden","Type":"OPENZFS","OpenZFSConfiguration":{"VolumeId":"` + volOZ + `","FileSystemIdentity":{"Type":"POSIX","PosixUser":{"Uid":1001,"Gid":2001,"SecondaryGids":[3001]}}},"S3AccessPoint":{"VpcConfiguration":{"VpcId":"` + vpcKnown + `"},"Policy":` + jsonString(validPolicy) + `}}`, false},
	{"create-replay", fsxd.OpCreateAndAttachS3AccessPoint, `{"ClientRequestToken":"tok-1","Name":"golden","Type":"OPENZFS","OpenZFSConfiguration":{"VolumeId":"` + volOZ + `","FileSystemIdentity":{"Type":"POSIX","PosixUser":{"Uid":1001,"Gid":2001,"SecondaryGids":[3001]}}},"S3AccessPoint":{"VpcConfiguration":{"VpcId":"` + vpcKnown + `"},"Policy":` + jsonString(validPolicy) + `}}`, false},
	{"create-token-reuse", fsxd.OpCreateAndAttachS3AccessPoint, `{"ClientRequestToken":"tok-1","Name":"golden","Type":"OPENZFS","OpenZFSConfiguration":{"VolumeId":"` + volOZ + `","FileSystemIdentity":{"Type":"POSIX","PosixUser":{"Uid":1002,"Gid":2001}}}}`, false},
	{"create-ontap-windows", fsxd.OpCreateAndAttachS3AccessPoint, `{"Name":"golden-ontap","Type":"ONTAP","OntapConfiguration":{"VolumeId":"` + volNTFS + `","FileSystemIdentity":{"Type":"WINDOWS","WindowsUser":{"Name":"alice"}}}}`, false},
	{"create-already-owned", fsxd.OpCreateAndAttachS3AccessPoint, `{"Name":"golden","Type":"ONTAP","OntapConfiguration":{"VolumeId":"` + volUnix + `","FileSystemIdentity":{"Type":"UNIX","UnixUser":{"Name":"alice"}}}}`, false},
	{"create-invalid-name", fsxd.OpCreateAndAttachS3AccessPoint, `{"Name":"Bad_Name","Type":"OPENZFS"}`, false},
	{"create-reserved-suffix", fsxd.OpCreateAndAttachS3AccessPoint, `{"Name":"golden-ext-s3alias","Type":"OPENZFS","OpenZFSConfiguration":{"VolumeId":"` + volOZ + `","FileSystemIdentity":{"Type":"POSIX","PosixUser":{"Uid":1,"Gid":1}}}}`, false},
	{"create-both-configurations", fsxd.OpCreateAndAttachS3AccessPoint, `{"Name":"both","Type":"OPENZFS","OpenZFSConfiguration":{"VolumeId":"` + volOZ + `","FileSystemIdentity":{"Type":"POSIX","PosixUser":{"Uid":1,"Gid":1}}},"OntapConfiguration":{"VolumeId":"` + volUnix + `","FileSystemIdentity":{"Type":"UNIX","UnixUser":{"Name":"alice"}}}}`, false},
	{"create-volume-not-found", fsxd.OpCreateAndAttachS3AccessPoint, `{"Name":"novol","Type":"OPENZFS","OpenZFSConfiguration":{"VolumeId":"` + volNone + `","FileSystemIdentity":{"Type":"POSIX","PosixUser":{"Uid":1,"Gid":1}}}}`, false},
	{"create-non-ha", fsxd.OpCreateAndAttachS3AccessPoint, `{"Name":"nonha","Type":"OPENZFS","OpenZFSConfiguration":{"VolumeId":"` + volNonHA + `","FileSystemIdentity":{"Type":"POSIX","PosixUser":{"Uid":1,"Gid":1}}}}`, false},
	{"create-volume-not-available", fsxd.OpCreateAndAttachS3AccessPoint, `{"Name":"busy","Type":"OPENZFS","OpenZFSConfiguration":{"VolumeId":"` + volBusy + `","FileSystemIdentity":{"Type":"POSIX","PosixUser":{"Uid":1,"Gid":1}}}}`, false},
	{"create-missing-user", fsxd.OpCreateAndAttachS3AccessPoint, `{"Name":"nouser","Type":"ONTAP","OntapConfiguration":{"VolumeId":"` + volUnix + `","FileSystemIdentity":{"Type":"UNIX"}}}`, false},
	{"create-no-junction-path", fsxd.OpCreateAndAttachS3AccessPoint, `{"Name":"nojp","Type":"ONTAP","OntapConfiguration":{"VolumeId":"` + volNoJP + `","FileSystemIdentity":{"Type":"UNIX","UnixUser":{"Name":"alice"}}}}`, false},
	{"create-security-style", fsxd.OpCreateAndAttachS3AccessPoint, `{"Name":"style","Type":"ONTAP","OntapConfiguration":{"VolumeId":"` + volNTFS + `","FileSystemIdentity":{"Type":"UNIX","UnixUser":{"Name":"alice"}}}}`, false},
	{"create-malformed-policy", fsxd.OpCreateAndAttachS3AccessPoint, `{"Name":"badpolicy","Type":"OPENZFS","OpenZFSConfiguration":{"VolumeId":"` + volOZ + `","FileSystemIdentity":{"Type":"POSIX","PosixUser":{"Uid":1,"Gid":1}}},"S3AccessPoint":{"Policy":"{\"Statement\":[]}"}}`, false},
	{"create-unknown-vpc", fsxd.OpCreateAndAttachS3AccessPoint, `{"Name":"badvpc","Type":"OPENZFS","OpenZFSConfiguration":{"VolumeId":"` + volOZ + `","FileSystemIdentity":{"Type":"POSIX","PosixUser":{"Uid":1,"Gid":1}}},"S3AccessPoint":{"VpcConfiguration":{"VpcId":"vpc-00000000000000000"}}}`, false},
	{"create-too-many", fsxd.OpCreateAndAttachS3AccessPoint, `{"Name":"one-too-many","Type":"OPENZFS","OpenZFSConfiguration":{"VolumeId":"` + volOZ2 + `","FileSystemIdentity":{"Type":"POSIX","PosixUser":{"Uid":1,"Gid":1}}}}`, false},
	{"describe-all", fsxd.OpDescribeS3AccessPointAttachments, `{}`, true},
	{"describe-page", fsxd.OpDescribeS3AccessPointAttachments, `{"MaxResults":1}`, false},
	{"describe-next-page", fsxd.OpDescribeS3AccessPointAttachments, `{"NextToken":"{{token golden}}"}`, false},
	{"describe-bad-token", fsxd.OpDescribeS3AccessPointAttachments, `{"NextToken":"AQAAAAAAAAAAZ29sZGVu"}`, false},
	{"describe-filters", fsxd.OpDescribeS3AccessPointAttachments, `{"Filters":[{"Name":"type","Values":["ONTAP"]},{"Name":"file-system-id","Values":["` + fsOntap + `","` + fsHA + `"]}]}`, false},
	{"describe-not-found", fsxd.OpDescribeS3AccessPointAttachments, `{"Names":["golden","missing"]}`, false},
	{"detach", fsxd.OpDetachAndDeleteS3AccessPoint, `{"ClientRequestToken":"tok-2","Name":"golden"}`, false},
	{"describe-deleting", fsxd.OpDescribeS3AccessPointAttachments, `{"Names":["golden"]}`, false},
	{"detach-replay-after-removal", fsxd.OpDetachAndDeleteS3AccessPoint, `{"ClientRequestToken":"tok-2","Name":"golden"}`, true},
	{"detach-not-found", fsxd.OpDetachAndDeleteS3AccessPoint, `{"Name":"golden"}`, false},
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestGolden(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxPerFileSystem = 1 })
	for _, gc := range goldenCases {
		t.Run(gc.file, func(t *testing.T) {
			if gc.settle {
				e.settle()
			}
			body := strings.ReplaceAll(gc.body, "{{token golden}}", e.svc.encodeToken("golden"))
			got := e.roundTrip(gc.op, body)
			path := filepath.Join("testdata", "golden", gc.file+".txt")
			if *update {
				os.MkdirAll(filepath.Dir(path), 0o755)
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs (run go test -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
			}
		})
	}
}

// roundTrip posts one FSx request and renders the exchange: the request,
// then the status, error type and indented body of the response.
func (e *env) roundTrip(op, body string) string {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.srv.URL+"/", strings.NewReader(body))
	req.Header.Set("X-Amz-Target", "AWSSimbaAPIService_v20180301."+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var pretty bytes.Buffer
	if json.Indent(&pretty, b, "", "  ") != nil {
		pretty.Write(b)
	}
	var in bytes.Buffer
	json.Indent(&in, []byte(body), "", "  ")
	return fmt.Sprintf("POST %s\n%s\n--- %d %s\n%s\n", op, in.String(), resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"), pretty.String())
}
