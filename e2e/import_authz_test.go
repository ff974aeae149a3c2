package e2e

// FSx requests pass their tags to policies as AWS does:
// aws:RequestTag/<key> and aws:TagKeys for the tags a request carries,
// aws:ResourceTag/<key> for the existing resource it names. An IAM policy
// can so deny the import tag, or protect tagged resources.

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"
)

// tagPolicy allows the volume and tag operations but denies the import
// tag (by aws:RequestTag on creation, by aws:TagKeys on tagging) and any
// change to a resource tagged protected=true.
const tagPolicy = `{"Version":"2012-10-17","Statement":[
	{"Effect":"Allow","Action":["fsx:CreateVolume","fsx:DeleteVolume","fsx:TagResource","fsx:UntagResource","fsx:Describe*","fsx:ListTagsForResource"],"Resource":"*"},
	{"Effect":"Deny","Action":["fsx:CreateVolume","fsx:CreateFileSystem"],"Resource":"*",
	 "Condition":{"Null":{"aws:RequestTag/fsxd:import-path":"false"}}},
	{"Effect":"Deny","Action":["fsx:TagResource","fsx:UntagResource"],"Resource":"*",
	 "Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":["fsxd:import-path"]}}},
	{"Effect":"Deny","Action":["fsx:DeleteVolume","fsx:TagResource","fsx:UntagResource"],"Resource":"*",
	 "Condition":{"StringEquals":{"aws:ResourceTag/protected":"true"}}}]}`

func TestImportTagDeniedByPolicy(t *testing.T) {
	f := newImportFixture(t)
	e := Start(t, ImportRoots(f.root)) // the operator allows imports; the policy still says no
	ctx := context.Background()
	_, root := apOpenZFSFileSystem(t, e, "SINGLE_AZ_HA_2")
	u := azUser(t, e, "tagger", tagPolicy)

	_, err := importVolume(u.FSx, root, "imp", f.data)
	azWant(t, "user CreateVolume with the import tag", err, "AccessDeniedException")
	mk := func(name string, tags ...fsxtypes.Tag) (string, error) {
		out, err := u.FSx.CreateVolume(ctx, &fsx.CreateVolumeInput{
			VolumeType: fsxtypes.VolumeTypeOpenzfs, Name: aws.String(name), Tags: tags,
			OpenZFSConfiguration: &fsxtypes.CreateOpenZFSVolumeConfiguration{ParentVolumeId: aws.String(root)},
		})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.Volume.VolumeId), nil
	}
	plain, err := mk("plain")
	azWant(t, "user CreateVolume without tags", err, "")
	team, err := mk("team", fsxtypes.Tag{Key: aws.String("team"), Value: aws.String("a")})
	azWant(t, "user CreateVolume with another tag", err, "")
	if _, err := importVolume(e.FSx, root, "byroot", f.data); err != nil {
		t.Fatalf("root CreateVolume with the import tag (allowed by the operator): %v", err)
	}
	if plain == "" || team == "" {
		t.FailNow()
	}
	arn := func(vol string) *string {
		out, err := e.FSx.DescribeVolumes(ctx, &fsx.DescribeVolumesInput{VolumeIds: []string{vol}})
		if err != nil {
			t.Fatal(err)
		}
		return out.Volumes[0].ResourceARN
	}
	tag := func(c *fsx.Client, vol, key string) error {
		_, err := c.TagResource(ctx, &fsx.TagResourceInput{ResourceARN: arn(vol), Tags: []fsxtypes.Tag{{Key: aws.String(key), Value: aws.String("true")}}})
		return err
	}
	azWant(t, "user TagResource with the import tag", tag(u.FSx, plain, importTag), "AccessDeniedException")
	azWant(t, "user TagResource with another tag", tag(u.FSx, plain, "team"), "")
	_, err = u.FSx.UntagResource(ctx, &fsx.UntagResourceInput{ResourceARN: arn(plain), TagKeys: []string{importTag}})
	azWant(t, "user UntagResource of the import tag", err, "AccessDeniedException")

	// aws:ResourceTag: the root user protects one volume.
	if err := tag(e.FSx, team, "protected"); err != nil {
		t.Fatal(err)
	}
	azWant(t, "user TagResource on a protected volume", tag(u.FSx, team, "other"), "AccessDeniedException")
	_, err = u.FSx.DeleteVolume(ctx, &fsx.DeleteVolumeInput{VolumeId: aws.String(team)})
	azWant(t, "user DeleteVolume of a protected volume", err, "AccessDeniedException")
	_, err = u.FSx.DeleteVolume(ctx, &fsx.DeleteVolumeInput{VolumeId: aws.String(plain)})
	azWant(t, "user DeleteVolume of an unprotected volume", err, "")
}
