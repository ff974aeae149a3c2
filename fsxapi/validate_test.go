package fsxapi

import (
	"strings"
	"testing"

	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/awsjson"
)

// TestValidate reads like a truth table: a request body for an operation,
// and the message fragment its validation must produce ("" = valid).
func TestValidate(t *testing.T) {
	check := func(op, body, want string) {
		t.Helper()
		in := operationInputs[op]()
		if err := awsjson.Decode([]byte(body), in); err != nil {
			t.Fatalf("%s %s: decode: %v", op, body, err)
		}
		err := in.Validate()
		switch {
		case want == "" && err != nil:
			t.Errorf("%s %s: unexpected %v", op, body, err)
		case want != "" && err == nil:
			t.Errorf("%s %s: valid, want %q", op, body, want)
		case want != "" && (!awserr.Is(err, awserr.BadRequest) || !strings.Contains(err.Error(), want)):
			t.Errorf("%s %s: got %v, want BadRequest containing %q", op, body, err, want)
		}
	}
	fs := `"FileSystemId":"fs-0123456789abcdef0"`
	check("DescribeFileSystems", `{}`, "")
	check("DeleteFileSystem", `{}`, "Value null at 'fileSystemId' failed to satisfy constraint: Member must not be null")
	check("DeleteFileSystem", `{`+fs+`}`, "")
	check("DeleteFileSystem", `{"FileSystemId":"fs-1"}`, "Value 'fs-1' at 'fileSystemId' failed to satisfy constraint: Member must have length greater than or equal to 11")
	check("DeleteFileSystem", `{"FileSystemId":"fs-XXXXXXXXXXXX"}`, "Member must satisfy regular expression pattern: ^(fs-[0-9a-f]{8,})$")
	check("DeleteFileSystem", `{`+fs+`,"OpenZFSConfiguration":{"Options":["NOPE"]}}`, "at 'openZFSConfiguration.options.1.member' failed to satisfy constraint: Member must satisfy enum value set: [DELETE_CHILD_VOLUMES_AND_SNAPSHOTS]")
	check("DescribeFileSystems", `{"MaxResults":0}`, "Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1")
	check("CreateFileSystem", `{}`, "2 validation errors detected: Value null at 'fileSystemType'")
	check("CreateFileSystem", `{"FileSystemType":"OPENZFS","SubnetIds":[]}`, "")
	check("CreateFileSystem", `{"FileSystemType":"OPENZFS","SubnetIds":["subnet-01234567"],"Tags":[{"Key":"a"},{}]}`, "Value null at 'tags.2.member.key'")
	check("CreateFileSystem", `{"FileSystemType":"ZFS","SubnetIds":["subnet-01234567"]}`, "Member must satisfy enum value set: [WINDOWS, LUSTRE, ONTAP, OPENZFS]")
	// Lengths count characters, not bytes: 128 two-byte characters fit.
	check("TagResource", `{"ResourceARN":"arn:aws:fsx:us-east-1:123456789012:file-system/fs-0123456789abcdef0","Tags":[{"Key":"`+strings.Repeat("é", 128)+`","Value":"v"}]}`, "")
	check("TagResource", `{"ResourceARN":"arn:aws:fsx:us-east-1:123456789012:file-system/fs-0123456789abcdef0","Tags":[{"Key":"`+strings.Repeat("é", 129)+`","Value":"v"}]}`, "length less than or equal to 128")
	for _, key := range []string{"aws:x", "AWS:x", "Aws:cloudformation:stack-name"} {
		check("TagResource", `{"ResourceARN":"arn:aws:fsx:us-east-1:123456789012:file-system/fs-0123456789abcdef0","Tags":[{"Key":"`+key+`","Value":"v"}]}`, "not begin with the reserved prefix 'aws:'")
		check("CreateFileSystem", `{"FileSystemType":"OPENZFS","StorageCapacity":64,"SubnetIds":["subnet-0123456789abcdef0"],"Tags":[{"Key":"`+key+`","Value":"v"}]}`, "at 'tags.1.member.key' failed to satisfy constraint: Member must not begin with the reserved prefix 'aws:'")
	}
	check("TagResource", `{"ResourceARN":"arn:aws:fsx:us-east-1:123456789012:file-system/fs-0123456789abcdef0","Tags":[{"Key":"team","Value":"aws:v"}]}`, "")
	check("TagResource", `{"ResourceARN":"arn:aws:fsx:us-east-1:1234:file-system/fs-0123456789abcdef0","Tags":[]}`, "at 'resourceARN' failed to satisfy constraint: Member must satisfy regular expression pattern")
	check("CreateStorageVirtualMachine", `{`+fs+`,"Name":"svm1","SvmAdminPassword":"short"}`, "Value at 'svmAdminPassword' failed to satisfy constraint: Member must have length greater than or equal to 8")
	check("CreateAndAttachS3AccessPoint", `{"Name":"-bad","Type":"OPENZFS"}`, "at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern")
	check("CreateAndAttachS3AccessPoint", `{"Name":"good-name","Type":"OPENZFS"}`, "")
	// The model's one unanchored pattern still covers the whole value.
	check("DeleteFileSystem", `{`+fs+`,"ClientRequestToken":"t o k!"}`, "Value 't o k!' at 'clientRequestToken' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-za-z0-9_.-]{0,63}$")
	check("DeleteFileSystem", `{`+fs+`,"ClientRequestToken":"0b5e9c1e-7c1d-4c1b-9a5e-2f0d6c3b8a71"}`, "")
}

// TestWrongCaseIsAbsent: member names are case-sensitive, so a request
// that spells a member in another case gets exactly the answer it would
// get without that member.
func TestWrongCaseIsAbsent(t *testing.T) {
	answer := func(op, body string) string {
		in := operationInputs[op]()
		if err := awsjson.Decode([]byte(body), in); err != nil {
			return err.Error()
		}
		if err := in.Validate(); err != nil {
			return err.Error()
		}
		return "valid"
	}
	check := func(op, wrongCase, absent string) {
		t.Helper()
		got, want := answer(op, wrongCase), answer(op, absent)
		if got != want {
			t.Errorf("%s %s:\ngot  %s\nwant %s (as for %s)", op, wrongCase, got, want, absent)
		}
	}
	subnets := `"SubnetIds":["subnet-01234567"]`
	check("CreateFileSystem", `{"FileSYstemTYpe":"OPENZFS",`+subnets+`}`, `{`+subnets+`}`)
	check("CreateFileSystem", `{"filesystemtype":"OPENZFS","subnetids":["subnet-01234567"]}`, `{}`)
	check("CreateFileSystem", `{"FileSystemType":"OPENZFS",`+subnets+`,"Tags":[{"key":"a","Value":"b"}]}`, `{"FileSystemType":"OPENZFS",`+subnets+`,"Tags":[{"Value":"b"}]}`)
	check("CreateFileSystem", `{"FileSystemType":"OPENZFS",`+subnets+`,"OpenZFSConfiguration":{"deploymentType":"SINGLE_AZ_1","ThroughputCapacity":64}}`,
		`{"FileSystemType":"OPENZFS",`+subnets+`,"OpenZFSConfiguration":{"ThroughputCapacity":64}}`)
	check("CreateFileSystem", `{"FileSystemType":"OPENZFS",`+subnets+`,"STORAGECAPACITY":"not a number"}`, `{"FileSystemType":"OPENZFS",`+subnets+`}`)
	check("DeleteFileSystem", `{"FileSystemID":"fs-0123456789abcdef0"}`, `{}`)
}
