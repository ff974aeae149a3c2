package authz

import (
	"reflect"
	"testing"

	"github.com/fsxd/fsxd"
)

var account = fsxd.Account{Partition: "aws", Region: "us-east-1", ID: acct}

func TestFSxAction(t *testing.T) {
	for op, want := range map[string][]string{
		"CreateVolume":                     {"fsx:CreateVolume"},
		"DescribeS3AccessPointAttachments": {"fsx:DescribeS3AccessPointAttachments"},
		"CreateAndAttachS3AccessPoint":     {"fsx:CreateAndAttachS3AccessPoint", "s3:CreateAccessPoint"},
		"DetachAndDeleteS3AccessPoint":     {"fsx:DetachAndDeleteS3AccessPoint", "s3:DeleteAccessPoint"},
	} {
		if got := FSxAction(op); !reflect.DeepEqual(got, want) {
			t.Errorf("FSxAction(%s) = %v, want %v", op, got, want)
		}
	}
	if FSxPolicyAction("CreateAndAttachS3AccessPoint") != "s3:PutAccessPointPolicy" || FSxPolicyAction("CreateVolume") != "" {
		t.Error("FSxPolicyAction")
	}
	if S3ControlAction("GetAccessPointPolicy") != "s3:GetAccessPointPolicy" || IAMAction("CreateUser") != "iam:CreateUser" ||
		STSAction("GetCallerIdentity") != "sts:GetCallerIdentity" {
		t.Error("action maps")
	}
}

func TestFSxResource(t *testing.T) {
	const fs, vol, svm = "fs-0123456789abcdef0", "fsvol-0123456789abcdef0", "svm-0123456789abcdef0"
	arn := "arn:aws:fsx:us-east-1:" + acct
	for _, tc := range []struct {
		t    FSxTarget
		want string
	}{
		{FSxTarget{}, "*"},
		{FSxTarget{FileSystemID: fs}, arn + ":file-system/" + fs},
		{FSxTarget{FileSystemID: fs, VolumeID: vol}, arn + ":volume/" + fs + "/" + vol},
		{FSxTarget{FileSystemID: fs, SVMID: svm}, arn + ":storage-virtual-machine/" + fs + "/" + svm},
		{FSxTarget{VolumeID: vol}, "*"}, // not enough to build the ARN: don't pretend
		{FSxTarget{ResourceARN: "arn:x", FileSystemID: fs}, "arn:x"},
	} {
		if got := FSxResource(account, tc.t); got != tc.want {
			t.Errorf("FSxResource(%+v) = %s, want %s", tc.t, got, tc.want)
		}
	}
}

func TestAttachmentNeeds(t *testing.T) {
	ap := apArn + "x"
	got := AttachmentNeeds(account, "CreateAndAttachS3AccessPoint", "x", FSxTarget{}, true)
	want := []Need{{Action: "fsx:CreateAndAttachS3AccessPoint", Resource: "*"}, {Action: "s3:CreateAccessPoint", Resource: ap}, {Action: "s3:PutAccessPointPolicy", Resource: ap}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("with policy: %v, want %v", got, want)
	}
	if got := AttachmentNeeds(account, "CreateAndAttachS3AccessPoint", "x", FSxTarget{}, false); len(got) != 2 {
		t.Errorf("without policy: %v", got)
	}
	if got := AttachmentNeeds(account, "DetachAndDeleteS3AccessPoint", "x", FSxTarget{}, false); !reflect.DeepEqual(got,
		[]Need{{Action: "fsx:DetachAndDeleteS3AccessPoint", Resource: "*"}, {Action: "s3:DeleteAccessPoint", Resource: ap}}) {
		t.Errorf("detach: %v", got)
	}
}

func TestParseVPCs(t *testing.T) {
	good := map[string][]string{"vpc-0123abcd": {"10.0.0.0/16", "192.0.2.1", "fd00::/8"}}
	v, err := ParseVPCs(good)
	if err != nil || len(v["vpc-0123abcd"]) != 3 {
		t.Fatalf("ParseVPCs = %v, %v", v, err)
	}
	for name, bad := range map[string]map[string][]string{
		"bad id":    {"vpc-XYZ": {"10.0.0.0/8"}},
		"short id":  {"vpc-123": {"10.0.0.0/8"}},
		"no cidrs":  {"vpc-0123abcd": nil},
		"bad cidr":  {"vpc-0123abcd": {"10.0.0.0/33"}},
		"not addrs": {"vpc-0123abcd": {"eth0"}},
	} {
		if _, err := ParseVPCs(bad); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	c := &Checker{VPCs: v}
	if !c.HasVPC("vpc-0123abcd") || c.HasVPC("vpc-0123abce") {
		t.Error("HasVPC")
	}
	if !c.InVPC("vpc-0123abcd", "192.0.2.1") || c.InVPC("vpc-0123abcd", "192.0.2.2") || !c.InVPC("vpc-0123abcd", "::ffff:10.0.1.1") {
		t.Error("InVPC")
	}
}
