package accesspoint

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/fsx/types"

	"github.com/fsxd/fsxd"
)

func TestCreateResponse(t *testing.T) {
	e := newEnv(t)
	in := openZFS("data", volOZ, 1001, 2001, 3001, 3002)
	in.S3AccessPoint = &types.CreateAndAttachS3AccessPointS3Configuration{
		VpcConfiguration: &types.S3AccessPointVpcConfiguration{VpcId: aws.String(vpcKnown)},
		Policy:           aws.String(validPolicy),
	}
	a := e.mustCreate(in)
	check := func(field, got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %q, want %q", field, got, want)
		}
	}
	check("Lifecycle", string(a.Lifecycle), "CREATING")
	check("Name", aws.ToString(a.Name), "data")
	check("Type", string(a.Type), "OPENZFS")
	check("CreationTime", a.CreationTime.UTC().Format(time.RFC3339), "2026-03-01T12:00:00Z")
	check("ResourceARN", aws.ToString(a.S3AccessPoint.ResourceARN), "arn:aws:s3:us-east-1:123456789012:accesspoint/data")
	check("Alias", aws.ToString(a.S3AccessPoint.Alias), "data-0000000001-ext-s3alias")
	check("VpcId", aws.ToString(a.S3AccessPoint.VpcConfiguration.VpcId), vpcKnown)
	c := a.OpenZFSConfiguration
	check("VolumeId", aws.ToString(c.VolumeId), volOZ)
	check("Identity.Type", string(c.FileSystemIdentity.Type), "POSIX")
	u := c.FileSystemIdentity.PosixUser
	if aws.ToInt64(u.Uid) != 1001 || aws.ToInt64(u.Gid) != 2001 || len(u.SecondaryGids) != 2 || u.SecondaryGids[1] != 3002 {
		t.Errorf("PosixUser = %+v", u)
	}
	if a.OntapConfiguration != nil || a.LifecycleTransitionReason != nil {
		t.Errorf("unexpected members: %+v", a)
	}

	o := e.mustCreate(ontap("onwin", volMixed, "WINDOWS", "alice"))
	check("ONTAP Type", string(o.Type), "ONTAP")
	check("ONTAP identity", aws.ToString(o.OntapConfiguration.FileSystemIdentity.WindowsUser.Name), "alice")
	if o.OpenZFSConfiguration != nil || o.S3AccessPoint.VpcConfiguration != nil {
		t.Errorf("unexpected members: %+v", o)
	}
}

const validPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1:123456789012:accesspoint/data/object/*"}]}`

func policyWith(action string) string {
	return strings.Replace(validPolicy, `"s3:GetObject"`, `"`+action+`"`, 1)
}

// TestCreateErrors: every refusal CreateAndAttachS3AccessPoint makes, with
// its code and, where the shape has one, ErrorCode.
func TestCreateErrors(t *testing.T) {
	withPolicy := func(in *fsx.CreateAndAttachS3AccessPointInput, p string) *fsx.CreateAndAttachS3AccessPointInput {
		in.S3AccessPoint = &types.CreateAndAttachS3AccessPointS3Configuration{Policy: aws.String(p)}
		return in
	}
	withVPC := func(in *fsx.CreateAndAttachS3AccessPointInput, vpc string) *fsx.CreateAndAttachS3AccessPointInput {
		in.S3AccessPoint = &types.CreateAndAttachS3AccessPointS3Configuration{VpcConfiguration: &types.S3AccessPointVpcConfiguration{VpcId: aws.String(vpc)}}
		return in
	}
	both := openZFS("both", volOZ, 1, 1)
	both.OntapConfiguration = ontap("x", volUnix, "UNIX", "alice").OntapConfiguration
	wrongConfig := openZFS("wrongcfg", volOZ, 1, 1)
	wrongConfig.Type = types.S3AccessPointAttachmentTypeOntap
	noPosix := openZFS("noposix", volOZ, 1, 1)
	noPosix.OpenZFSConfiguration.FileSystemIdentity.PosixUser = nil
	noUnix := ontap("nounix", volUnix, "UNIX", "alice")
	noUnix.OntapConfiguration.FileSystemIdentity.UnixUser = nil
	noWin := ontap("nowin", volNTFS, "WINDOWS", "alice")
	noWin.OntapConfiguration.FileSystemIdentity.WindowsUser = nil
	twoUsers := ontap("twousers", volMixed, "UNIX", "alice")
	twoUsers.OntapConfiguration.FileSystemIdentity.WindowsUser = &types.OntapWindowsFileSystemUser{Name: aws.String("bob")}
	bigPolicy := `{"Version":"2012-10-17","Statement":[` + strings.Repeat(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1:123456789012:accesspoint/x/object/*"},`, 200)
	bigPolicy = strings.TrimSuffix(bigPolicy, ",") + `]}`

	tests := []struct {
		name      string
		in        *fsx.CreateAndAttachS3AccessPointInput
		code      string
		errorCode string // the ErrorCode member, when the shape has one
		msg       string // substring of the message
	}{
		{"name too short", openZFS("ab", volOZ, 1, 1), "BadRequest", "", "name"},
		{"name too long", openZFS(strings.Repeat("a", 51), volOZ, 1, 1), "BadRequest", "", "length"},
		{"name uppercase", openZFS("Data", volOZ, 1, 1), "BadRequest", "", "pattern"},
		{"name underscore", openZFS("da_ta", volOZ, 1, 1), "BadRequest", "", "pattern"},
		{"name dot", openZFS("da.ta", volOZ, 1, 1), "BadRequest", "", "pattern"},
		{"name leading hyphen", openZFS("-data", volOZ, 1, 1), "BadRequest", "", "pattern"},
		{"name trailing hyphen", openZFS("data-", volOZ, 1, 1), "BadRequest", "", "pattern"},
		{"name alias suffix", openZFS("data-s3alias", volOZ, 1, 1), "BadRequest", "", "-s3alias"},
		{"name ext alias suffix", openZFS("data-ext-s3alias", volOZ, 1, 1), "BadRequest", "", "reserved"},
		{"both configurations", both, "BadRequest", "", "only one"},
		{"type without its configuration", wrongConfig, "BadRequest", "", "OntapConfiguration is required"},
		{"posix without PosixUser", noPosix, "BadRequest", "", "PosixUser"},
		{"unix without UnixUser", noUnix, "BadRequest", "", "UnixUser"},
		{"windows without WindowsUser", noWin, "BadRequest", "", "WindowsUser"},
		{"unix and windows users", twoUsers, "BadRequest", "", "only one"},
		{"too many secondary gids", openZFS("gids", volOZ, 1, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16), "BadRequest", "", "secondaryGids"},
		{"unknown volume", openZFS("novol", volNone, 1, 1), "VolumeNotFound", "", volNone},
		{"non-HA OpenZFS", openZFS("nonha", volNonHA, 1, 1), "UnsupportedOperation", "", "SINGLE_AZ_1"},
		{"OpenZFS type on ONTAP volume", openZFS("mismatch", volUnix, 1, 1), "BadRequest", "", "ONTAP volume"},
		{"ONTAP type on OpenZFS volume", ontap("mismatch", volOZ, "UNIX", "alice"), "BadRequest", "", "OPENZFS volume"},
		{"volume not available", openZFS("busy", volBusy, 1, 1), "BadRequest", "", "CREATING"},
		{"no junction path", ontap("nojp", volNoJP, "UNIX", "alice"), "BadRequest", "", "junction path"},
		{"unix user on NTFS", ontap("unixntfs", volNTFS, "UNIX", "alice"), "BadRequest", "", "NTFS"},
		{"windows user on UNIX", ontap("winunix", volUnix, "WINDOWS", "alice"), "BadRequest", "", "UNIX security style"},
		{"policy not JSON", withPolicy(openZFS("pol1", volOZ, 1, 1), "not json"), "InvalidRequest", "MalformedPolicy", "JSON"},
		{"policy bad effect", withPolicy(openZFS("pol2", volOZ, 1, 1), strings.Replace(validPolicy, "Allow", "Permit", 1)), "InvalidRequest", "MalformedPolicy", "effect"},
		{"policy bad action", withPolicy(openZFS("pol3", volOZ, 1, 1), policyWith("GetObject")), "InvalidRequest", "MalformedPolicy", "action"},
		{"policy bad resource", withPolicy(openZFS("pol4", volOZ, 1, 1), strings.Replace(validPolicy, `"arn:aws:s3:us-east-1:123456789012:accesspoint/data/object/*"`, `"bucket/*"`, 1)), "InvalidRequest", "MalformedPolicy", "resource"},
		{"policy without principal", withPolicy(openZFS("pol5", volOZ, 1, 1), strings.Replace(validPolicy, `"Principal":{"AWS":"arn:aws:iam::123456789012:root"},`, "", 1)), "InvalidRequest", "MalformedPolicy", "Principal"},
		{"policy GetBucketLocation", withPolicy(openZFS("pol6", volOZ, 1, 1), policyWith("s3:GetBucketLocation")), "InvalidRequest", "MalformedPolicy", "invalid action"},
		{"policy ListBucketMultipartUploads", withPolicy(openZFS("pol7", volOZ, 1, 1), policyWith("S3:listbucketmultipartuploads")), "InvalidRequest", "MalformedPolicy", "invalid action"},
		{"policy action of another service", withPolicy(openZFS("pol9", volOZ, 1, 1), policyWith("fsx:DescribeVolumes")), "InvalidRequest", "MalformedPolicy", "invalid action"},
		{"policy public", withPolicy(openZFS("pol10", volOZ, 1, 1), strings.Replace(validPolicy, `{"AWS":"arn:aws:iam::123456789012:root"}`, `"*"`, 1)), "InvalidRequest", "AccessDenied", "Access Denied"},
		{"policy over 20 KB", withPolicy(openZFS("pol8", volOZ, 1, 1), bigPolicy), "InvalidRequest", "MalformedPolicy", "size"},
		{"unknown VPC", withVPC(openZFS("vpc", volOZ, 1, 1), "vpc-00000000000000000"), "InvalidRequest", "InvalidVpcConfiguration", "vpc-00000000000000000"},
		{"malformed VPC id", withVPC(openZFS("vpc", volOZ, 1, 1), "vpc-XYZ"), "BadRequest", "", "vpcId"},
	}
	e := newEnv(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.create(tt.in)
			if got := errorCode(err); got != tt.code {
				t.Fatalf("error %v, want code %s", err, tt.code)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("message %q does not mention %q", err.Error(), tt.msg)
			}
			if tt.errorCode != "" {
				var ir *types.InvalidRequest
				if !errors.As(err, &ir) || aws.ToString(ir.ErrorCode_) != tt.errorCode {
					t.Errorf("ErrorCode = %v, want %s", err, tt.errorCode)
				}
			}
		})
	}
	if n := e.count(); n != 0 {
		t.Errorf("%d attachments exist after refused creates", n)
	}
}

func (e *env) count() int {
	out, err := e.fsx.DescribeS3AccessPointAttachments(context.Background(), &fsx.DescribeS3AccessPointAttachmentsInput{})
	if err != nil {
		e.t.Fatal(err)
	}
	return len(out.S3AccessPointAttachments)
}

// TestCreateAccepts: the combinations that must work.
func TestCreateAccepts(t *testing.T) {
	e := newEnv(t)
	for _, in := range []*fsx.CreateAndAttachS3AccessPointInput{
		openZFS("a50"+strings.Repeat("x", 47), volOZ, 0, 0),
		openZFS("gids15", volOZ, 1, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
		ontap("unix-on-unix", volUnix, "UNIX", "alice"),
		ontap("win-on-ntfs", volNTFS, "WINDOWS", "alice"),
		ontap("unix-on-mixed", volMixed, "UNIX", "alice"),
		ontap("win-on-mixed", volMixed, "WINDOWS", `CORP\alice`),
		ontap("unknown-user", volUnix, "UNIX", "nobody-knows"),
	} {
		e.mustCreate(in)
	}
}

func TestAlreadyOwnedByYou(t *testing.T) {
	e := newEnv(t)
	e.mustCreate(openZFS("taken", volOZ, 1, 1))
	_, err := e.create(ontap("taken", volUnix, "UNIX", "alice"))
	var ao *types.AccessPointAlreadyOwnedByYou
	if !errors.As(err, &ao) || aws.ToString(ao.ErrorCode_) != "AccessPointAlreadyOwnedByYou" {
		t.Fatalf("err = %v, want AccessPointAlreadyOwnedByYou with ErrorCode", err)
	}
	// Still taken while DELETING; free once gone.
	e.detach("taken", "")
	if _, err := e.create(openZFS("taken", volOZ, 1, 1)); errorCode(err) != "AccessPointAlreadyOwnedByYou" {
		t.Fatalf("while DELETING: %v", err)
	}
	e.settle()
	second := e.mustCreate(openZFS("taken", volOZ, 1, 1))
	if alias := aws.ToString(second.S3AccessPoint.Alias); alias == "taken-0000000001-ext-s3alias" {
		t.Errorf("re-created attachment reuses alias %s", alias)
	}
}

func TestTooManyAccessPoints(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxPerAccount, c.MaxPerFileSystem = 3, 2 })
	e.mustCreate(openZFS("one", volOZ, 1, 1))
	e.mustCreate(openZFS("two", volOZ2, 1, 1)) // same file system
	_, err := e.create(openZFS("three", volOZ, 1, 1))
	var tm *types.TooManyAccessPoints
	if !errors.As(err, &tm) || aws.ToString(tm.ErrorCode_) != "TooManyAccessPoints" || !strings.Contains(err.Error(), fsHA) {
		t.Fatalf("per file system: %v", err)
	}
	e.mustCreate(ontap("three", volUnix, "UNIX", "alice")) // other file system
	_, err = e.create(ontap("four", volUnix, "UNIX", "alice"))
	if errorCode(err) != "TooManyAccessPoints" || !strings.Contains(err.Error(), "account") {
		t.Fatalf("per account: %v", err)
	}
}

func TestAliasTruncation(t *testing.T) {
	e := newEnv(t)
	name := strings.Repeat("a", 39) + "-" + strings.Repeat("b", 10) // 50 chars, '-' at 40
	a := e.mustCreate(openZFS(name, volOZ, 1, 1))
	alias := aws.ToString(a.S3AccessPoint.Alias)
	want := strings.Repeat("a", 39) + "-0000000001-ext-s3alias"
	if alias != want || len(alias) > 63 {
		t.Fatalf("alias = %q (%d chars), want %q", alias, len(alias), want)
	}
}

func TestCreateIdempotency(t *testing.T) {
	e := newEnv(t)
	in := openZFS("idem", volOZ, 1, 1)
	in.ClientRequestToken = aws.String("token-1")
	first := e.mustCreate(in)
	e.clock.Advance(time.Minute)
	again := e.mustCreate(in)
	if aws.ToString(again.S3AccessPoint.Alias) != aws.ToString(first.S3AccessPoint.Alias) || !again.CreationTime.Equal(*first.CreationTime) {
		t.Errorf("replay differs: %+v vs %+v", again, first)
	}
	if n := e.count(); n != 1 {
		t.Errorf("%d attachments after a replay, want 1", n)
	}
	other := openZFS("idem", volOZ2, 1, 1)
	other.ClientRequestToken = aws.String("token-1")
	_, err := e.create(other)
	var ip *types.IncompatibleParameterError
	if !errors.As(err, &ip) || aws.ToString(ip.Parameter) != "OpenZFSConfiguration.VolumeId" {
		t.Fatalf("token reuse: %v, want IncompatibleParameterError naming OpenZFSConfiguration.VolumeId", err)
	}
	// The replay still answers after the attachment is gone.
	e.detach("idem", "")
	e.settle()
	if _, err := e.create(in); err != nil {
		t.Fatalf("replay after deletion: %v", err)
	}
	if n := e.count(); n != 0 {
		t.Errorf("replay re-created the attachment")
	}
	// The same token for the other operation is another token.
	if _, err := e.fsx.DetachAndDeleteS3AccessPoint(context.Background(), &fsx.DetachAndDeleteS3AccessPointInput{
		Name: aws.String("idem"), ClientRequestToken: aws.String("token-1"),
	}); errorCode(err) != "S3AccessPointAttachmentNotFound" {
		t.Errorf("detach with a create token: %v", err)
	}
}

func TestCreateStoresRecord(t *testing.T) {
	e := newEnv(t)
	e.mustCreate(ontap("rec", volUnix, "UNIX", "alice"))
	a, err := e.svc.get(context.Background(), "rec")
	if err != nil || a == nil {
		t.Fatal(err)
	}
	if a.FileSystemID != fsOntap || a.IdentityType != fsxd.IdentityUNIX || a.UserName != "alice" || a.Resolved != nil {
		t.Errorf("record = %+v", a)
	}
}
