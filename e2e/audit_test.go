package e2e

// Operators can see who did what: the audit log (--audit-log), the access
// log and the metrics, after real SDK traffic.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"

	"github.com/fsxd/fsxd/server"
)

// lockedBuffer collects a logger's output from many goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// withAudit turns on the audit log at path and captures the server's log
// (the access log) in buf, as text or JSON.
func withAudit(path string, buf *lockedBuffer, json bool) Option {
	return func(c *server.Config) {
		c.AuditLog = path
		if json {
			c.Logger = slog.New(slog.NewJSONHandler(buf, nil))
		} else {
			c.Logger = slog.New(slog.NewTextHandler(buf, nil))
		}
	}
}

// auditRecord is the part of a CloudTrail event the tests read.
type auditRecord struct {
	EventVersion string
	EventTime    string
	EventSource  string
	EventName    string
	AWSRegion    string `json:"awsRegion"`
	UserIdentity struct {
		Type, PrincipalID, ARN, AccountID, AccessKeyID, UserName string
	}
	SourceIPAddress     string `json:"sourceIPAddress"`
	UserAgent           string
	ErrorCode           string
	RequestParameters   map[string]any
	AdditionalEventData map[string]string
	RequestID           string `json:"requestID"`
	EventID             string `json:"eventID"`
}

// readAudit parses every line of the audit log; a line that is not a
// complete JSON event fails the test.
func readAudit(t *testing.T, path string) []auditRecord {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []auditRecord
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r auditRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("audit line %q: %v", sc.Text(), err)
		}
		out = append(out, r)
	}
	return out
}

// awaitAudit waits until the audit log has an event matching match (the
// event is written once the response is out) and returns it.
func awaitAudit(t *testing.T, path, what string, match func(auditRecord) bool) auditRecord {
	t.Helper()
	var found auditRecord
	Eventually(t, apWait, "audit event "+what, func() bool {
		for _, r := range readAudit(t, path) {
			if match(r) {
				found = r
				return true
			}
		}
		return false
	})
	return found
}

func named(name, code string) func(auditRecord) bool {
	return func(r auditRecord) bool { return r.EventName == name && r.ErrorCode == code }
}

func userARN(name string) string { return "arn:aws:iam::" + Account + ":user/" + name }

const allowAll = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:*","fsx:*"],"Resource":"*"}}`

// TestAuditWhoDidWhat: an IAM user changes an access point policy, another
// is refused a GET by it and a DeleteVolume by IAM, the first detaches the
// access point; the audit log names each, with the user's ARN and key.
func TestAuditWhoDidWhat(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	var logs lockedBuffer
	e := Start(t, withAudit(path, &logs, false))
	ctx := context.Background()
	alias, vol := azAccessPoint(t, e, "audit-ap", "")
	alice := azUser(t, e, "alice", allowAll)
	bob := azUser(t, e, "bob", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`)

	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"` + userARN("bob") + `"},"Action":"s3:GetObject","Resource":"` + apARNPrefix + `audit-ap/object/secret/*"}]}`
	if _, err := alice.S3Control.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{
		AccountId: aws.String(Account), Name: aws.String("audit-ap"), Policy: aws.String(policy)}); err != nil {
		t.Fatalf("PutAccessPointPolicy: %v", err)
	}
	azWant(t, "bob GET public", azGet(bob, alias, "public/a.txt"), "")
	azWant(t, "bob GET secret", azGet(bob, alias, "secret/b.txt"), "AccessDenied")
	_, err := bob.FSx.DeleteVolume(ctx, &fsx.DeleteVolumeInput{VolumeId: aws.String(vol)})
	azWant(t, "bob DeleteVolume", err, "AccessDeniedException")
	if _, err := alice.FSx.DetachAndDeleteS3AccessPoint(ctx, &fsx.DetachAndDeleteS3AccessPointInput{Name: aws.String("audit-ap")}); err != nil {
		t.Fatalf("DetachAndDeleteS3AccessPoint: %v", err)
	}

	put := awaitAudit(t, path, "PutAccessPointPolicy", named("PutAccessPointPolicy", ""))
	wantIdentity(t, put, "IAMUser", userARN("alice"), alice.KeyID)
	if put.EventSource != "s3.amazonaws.com" || put.RequestParameters["name"] != "audit-ap" || put.RequestParameters["policy"] != policy {
		t.Errorf("PutAccessPointPolicy event: source %q parameters %v", put.EventSource, put.RequestParameters)
	}
	get := awaitAudit(t, path, "refused GetObject", named("GetObject", "AccessDenied"))
	wantIdentity(t, get, "IAMUser", userARN("bob"), bob.KeyID)
	if get.RequestParameters["key"] != "secret/b.txt" || get.RequestParameters["accessPointName"] != "audit-ap" ||
		get.AdditionalEventData["denyLayer"] != "access-point-policy" || get.AdditionalEventData["deniedAction"] != "s3:GetObject" {
		t.Errorf("refused GetObject event: parameters %v, data %v", get.RequestParameters, get.AdditionalEventData)
	}
	del := awaitAudit(t, path, "refused DeleteVolume", named("DeleteVolume", "AccessDeniedException"))
	wantIdentity(t, del, "IAMUser", userARN("bob"), bob.KeyID)
	if del.EventSource != "fsx.amazonaws.com" || del.AdditionalEventData["denyLayer"] != "identity-policy" || del.RequestParameters["volumeId"] != vol {
		t.Errorf("refused DeleteVolume event: source %q parameters %v data %v", del.EventSource, del.RequestParameters, del.AdditionalEventData)
	}
	det := awaitAudit(t, path, "DetachAndDeleteS3AccessPoint", named("DetachAndDeleteS3AccessPoint", ""))
	wantIdentity(t, det, "IAMUser", userARN("alice"), alice.KeyID)
	if det.EventSource != "fsx.amazonaws.com" || det.RequestParameters["name"] != "audit-ap" || det.EventID == "" || det.RequestID == "" ||
		det.SourceIPAddress != "127.0.0.1" || det.AWSRegion != Region || det.EventTime == "" || det.UserAgent == "" {
		t.Errorf("DetachAndDeleteS3AccessPoint event: %+v", det)
	}
	user := awaitAudit(t, path, "CreateUser by root", named("CreateUser", ""))
	wantIdentity(t, user, "Root", "arn:aws:iam::"+Account+":root", e.Key)
	if user.EventSource != "iam.amazonaws.com" || user.RequestParameters["userName"] != "alice" {
		t.Errorf("CreateUser event: source %q parameters %v", user.EventSource, user.RequestParameters)
	}
	awaitAudit(t, path, "PutUserPolicy", func(r auditRecord) bool {
		return r.EventName == "PutUserPolicy" && r.RequestParameters["policyDocument"] == allowAll
	})

	// Successful reads are not audited.
	for _, r := range readAudit(t, path) {
		if r.ErrorCode == "" && (strings.HasPrefix(r.EventName, "Get") || strings.HasPrefix(r.EventName, "Describe") || strings.HasPrefix(r.EventName, "List")) {
			t.Errorf("successful read audited: %s by %s", r.EventName, r.UserIdentity.ARN)
		}
	}
	// Secrets never appear: the access keys' secrets (CreateAccessKey's
	// response), the root secret.
	audit, _ := os.ReadFile(path)
	for _, secret := range []string{alice.Secret, bob.Secret, e.Secret} {
		if strings.Contains(string(audit), secret) || strings.Contains(logs.String(), secret) {
			t.Errorf("a secret access key appears in the audit or access log")
		}
	}
}

func wantIdentity(t *testing.T, r auditRecord, typ, arn, key string) {
	t.Helper()
	u := r.UserIdentity
	if u.Type != typ || u.ARN != arn || u.AccessKeyID != key || u.AccountID != Account || u.PrincipalID == "" {
		t.Errorf("%s userIdentity = %+v, want type %s arn %s key %s", r.EventName, u, typ, arn, key)
	}
}

// TestAuditMasksPasswords: FSx passwords in a request are masked as
// CloudTrail masks them, and never written.
func TestAuditMasksPasswords(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	var logs lockedBuffer
	e := Start(t, withAudit(path, &logs, true))
	const password = "Audit-Test-Passw0rd-77"
	_, err := e.FSx.CreateFileSystem(context.Background(), &fsx.CreateFileSystemInput{
		FileSystemType: fsxtypes.FileSystemTypeOntap, StorageCapacity: aws.Int32(1024), SubnetIds: []string{"subnet-0123456789abcdef0"},
		OntapConfiguration: &fsxtypes.CreateFileSystemOntapConfiguration{DeploymentType: fsxtypes.OntapDeploymentTypeSingleAz1,
			ThroughputCapacity: aws.Int32(128), FsxAdminPassword: aws.String(password)},
	})
	if err != nil {
		t.Fatalf("CreateFileSystem: %v", err)
	}
	ev := awaitAudit(t, path, "CreateFileSystem", named("CreateFileSystem", ""))
	ontap, _ := ev.RequestParameters["ontapConfiguration"].(map[string]any)
	if ontap["fsxAdminPassword"] != "HIDDEN_DUE_TO_SECURITY_REASONS" || ev.RequestParameters["fileSystemType"] != "ONTAP" {
		t.Errorf("CreateFileSystem parameters = %v", ev.RequestParameters)
	}
	b, _ := os.ReadFile(path)
	if strings.Contains(string(b), password) || strings.Contains(logs.String(), password) {
		t.Errorf("the admin password appears in the audit or access log")
	}
}

// TestAuditRefusedSignature: a request signed with an unknown key is
// audited with the key it named.
func TestAuditRefusedSignature(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	var logs lockedBuffer
	e := Start(t, withAudit(path, &logs, false))
	stranger := azClientsFor(e, "AKIAUNKNOWNKEY000001", "not-a-real-secret-0000000000000000000000")
	_, err := stranger.IAM.ListUsers(context.Background(), &iam.ListUsersInput{})
	azWant(t, "unknown key", err, "InvalidClientTokenId")
	ev := awaitAudit(t, path, "refused ListUsers", func(r auditRecord) bool { return r.ErrorCode == "InvalidClientTokenId" })
	if ev.UserIdentity.Type != "Unknown" || ev.UserIdentity.AccessKeyID != "AKIAUNKNOWNKEY000001" || ev.UserIdentity.ARN != "" {
		t.Errorf("userIdentity = %+v", ev.UserIdentity)
	}
}

// accessLine returns the first access log line (text format) with all of
// the fragments.
func accessLine(logs string, fragments ...string) string {
next:
	for _, l := range strings.Split(logs, "\n") {
		for _, f := range fragments {
			if !strings.Contains(l, f) {
				continue next
			}
		}
		return l
	}
	return ""
}

// TestAccessLogText: the text access log names the access point, caller,
// key id, escaped key, bytes each way and, for a refusal, the layer.
func TestAccessLogText(t *testing.T) {
	var logs lockedBuffer
	e := Start(t, withAudit(filepath.Join(t.TempDir(), "audit.jsonl"), &logs, false))
	ctx := context.Background()
	alias, _ := azAccessPoint(t, e, "log-ap", "")
	bob := azUser(t, e, "bob", "")
	body := "twelve bytes"
	if _, err := e.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(alias), Key: aws.String("odd\nkey \"q\""), Body: strings.NewReader(body)}); err != nil {
		t.Fatal(err)
	}
	azWant(t, "bob GET", azGet(bob, alias, "public/a.txt"), "AccessDenied")

	var put, denied string
	Eventually(t, apWait, "access log lines", func() bool {
		s := logs.String()
		put = accessLine(s, "op=PutObject", `key="odd\nkey \"q\""`)
		denied = accessLine(s, "op=GetObject", "status=403")
		return put != "" && denied != ""
	})
	for _, f := range []string{"access_point=log-ap", "caller=arn:aws:iam::" + Account + ":root", "access_key=" + e.Key, "bytes_in=", "request_id="} {
		if !strings.Contains(put, f) {
			t.Errorf("PutObject line lacks %q: %s", f, put)
		}
	}
	if strings.Contains(put, "bytes_in=0 ") {
		t.Errorf("PutObject line counts no bytes in: %s", put)
	}
	for _, f := range []string{"level=INFO", "access_point=log-ap", "caller=" + userARN("bob"), "access_key=" + bob.KeyID, "key=public/a.txt",
		"code=AccessDenied", "denied_action=s3:GetObject", "denied_resource=" + apARNPrefix + "log-ap/object/public/a.txt", "deny_layer=identity-policy"} {
		if !strings.Contains(denied, f) {
			t.Errorf("refused GetObject line lacks %q: %s", f, denied)
		}
	}
}

// TestAccessLogJSON: the same facts in --log-format json, exact byte
// counts included.
func TestAccessLogJSON(t *testing.T) {
	var logs lockedBuffer
	e := Start(t, withAudit(filepath.Join(t.TempDir(), "audit.jsonl"), &logs, true))
	ctx := context.Background()
	alias, _ := azAccessPoint(t, e, "json-ap", "")
	body := strings.Repeat("x", 1000)
	if _, err := e.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(alias), Key: aws.String("k/ü"), Body: strings.NewReader(body)}); err != nil {
		t.Fatal(err)
	}
	if err := azGet(azClientsFor(e, e.Key, e.Secret), alias, "k/ü"); err != nil {
		t.Fatal(err)
	}
	lines := map[string]map[string]any{}
	Eventually(t, apWait, "JSON access log lines", func() bool {
		for _, l := range strings.Split(logs.String(), "\n") {
			var m map[string]any
			if json.Unmarshal([]byte(l), &m) == nil && m["msg"] == "request" && m["key"] == "k/ü" {
				lines[m["op"].(string)] = m
			}
		}
		return lines["PutObject"] != nil && lines["GetObject"] != nil
	})
	put, get := lines["PutObject"], lines["GetObject"]
	if put["access_point"] != "json-ap" || put["caller"] != "arn:aws:iam::"+Account+":root" || put["access_key"] != e.Key || put["request_id"] == "" {
		t.Errorf("PutObject line = %v", put)
	}
	// The SDK sends the body aws-chunked, framing included: at least the body.
	if n, _ := put["bytes_in"].(float64); n < float64(len(body)) {
		t.Errorf("PutObject bytes_in = %v, want >= %d", put["bytes_in"], len(body))
	}
	if get["bytes"] != float64(len(body)) || get["bytes_in"] != float64(0) {
		t.Errorf("GetObject bytes = %v in %v, want %d out 0 in", get["bytes"], get["bytes_in"], len(body))
	}
}
