package authz

// Operation -> action maps for the control planes, and the resource ARNs
// they act on. The S3 data plane names its actions itself (it knows which
// S3 operation it serves); S3Resource builds the ARN it authorizes.

import (
	"context"

	"github.com/fsxd/fsxd"
)

// Actions that S3 Control and the access point lifecycle share with FSx.
const (
	CreateAccessPoint    = "s3:CreateAccessPoint"
	DeleteAccessPoint    = "s3:DeleteAccessPoint"
	PutAccessPointPolicy = "s3:PutAccessPointPolicy"
)

// FSxAction returns the actions an FSx operation needs, first its own
// fsx:<Op>. Attaching an access point creates an S3 access point, and
// detaching deletes one, so those need the S3 action too (docs/decisions.md,
// "Actions needed to attach and detach an access point"); a policy in the
// request needs FSxPolicyAction as well.
func FSxAction(op string) []string {
	switch op {
	case fsxd.OpCreateAndAttachS3AccessPoint:
		return []string{"fsx:" + op, CreateAccessPoint}
	case fsxd.OpDetachAndDeleteS3AccessPoint:
		return []string{"fsx:" + op, DeleteAccessPoint}
	}
	return []string{"fsx:" + op}
}

// FSxPolicyAction is the extra action an FSx operation needs when its
// request carries an access point policy, or "" if none.
func FSxPolicyAction(op string) string {
	if op == fsxd.OpCreateAndAttachS3AccessPoint {
		return PutAccessPointPolicy
	}
	return ""
}

// S3ControlAction maps an S3 Control operation (GetAccessPoint,
// PutAccessPointPolicy, ListAccessPoints, ...) to its action: S3 names
// them after the operation.
func S3ControlAction(op string) string { return "s3:" + op }

// IAMAction maps an IAM operation to its action ("iam:CreateUser").
func IAMAction(op string) string { return "iam:" + op }

// STSAction maps an STS operation to its action ("sts:GetCallerIdentity").
func STSAction(op string) string { return "sts:" + op }

// S3Resource is the ARN an S3 request through an access point acts on:
// the access point for bucket-level actions (key ""), else the object
// beneath it, "<ap-arn>/object/<key>".
func S3Resource(accessPointARN, key string) string {
	if key == "" {
		return accessPointARN
	}
	return accessPointARN + "/object/" + key
}

// FSxTarget is what an FSx request names, as far as the request says.
// Fill what is known; the most specific wins.
type FSxTarget struct {
	ResourceARN  string // TagResource, UntagResource, ListTagsForResource
	FileSystemID string
	VolumeID     string // needs FileSystemID for the ARN
	SVMID        string // needs FileSystemID for the ARN
	// SnapshotID names a snapshot when the request names no volume
	// (UpdateSnapshot, DeleteSnapshot); its ARN needs SnapshotVolumeID.
	SnapshotID, SnapshotVolumeID string
	BackupID                     string // DeleteBackup, CopyBackup, Create*FromBackup
}

// FSxResource is the ARN an FSx request acts on, or "*" when the request
// names none (Describe* of everything, Create*) or not enough to build it.
func FSxResource(a fsxd.Account, t FSxTarget) string {
	switch {
	case t.ResourceARN != "":
		return t.ResourceARN
	case t.SnapshotID != "" && t.SnapshotVolumeID != "":
		return a.SnapshotARN(t.SnapshotVolumeID, t.SnapshotID)
	case t.BackupID != "":
		return a.BackupARN(t.BackupID)
	case t.VolumeID != "" && t.FileSystemID != "":
		return a.VolumeARN(t.FileSystemID, t.VolumeID)
	case t.SVMID != "" && t.FileSystemID != "":
		return a.SVMARN(t.FileSystemID, t.SVMID)
	case t.VolumeID == "" && t.SVMID == "" && t.FileSystemID != "":
		return a.FileSystemARN(t.FileSystemID)
	}
	return "*"
}

// Need is one permission: an action on a resource. Context adds condition
// keys that belong to this resource only (aws:ResourceTag/<key> of the
// resource the request names), on top of the request's own.
type Need struct {
	Action, Resource string
	Context          map[string][]string
}

// AttachmentNeeds lists every permission an access point attachment
// operation needs: the fsx: action on the volume (or "*"), and the s3:
// actions on the access point it creates or deletes. hasPolicy adds
// s3:PutAccessPointPolicy.
func AttachmentNeeds(a fsxd.Account, op, name string, vol FSxTarget, hasPolicy bool) []Need {
	apARN := a.AccessPointARN(name)
	var out []Need
	for i, act := range FSxAction(op) {
		res := apARN
		if i == 0 {
			res = FSxResource(a, vol)
		}
		out = append(out, Need{Action: act, Resource: res})
	}
	if pa := FSxPolicyAction(op); pa != "" && hasPolicy {
		out = append(out, Need{Action: pa, Resource: apARN})
	}
	return out
}

// FSxNeeds lists every permission an FSx operation needs: the attachment
// operations' (AttachmentNeeds, on accessPoint), else each of
// FSxAction(op) on the resource t names.
func FSxNeeds(a fsxd.Account, op string, t FSxTarget, accessPoint string, hasPolicy bool) []Need {
	switch op {
	case fsxd.OpCreateAndAttachS3AccessPoint, fsxd.OpDetachAndDeleteS3AccessPoint:
		return AttachmentNeeds(a, op, accessPoint, t, hasPolicy)
	}
	var needs []Need
	for _, act := range FSxAction(op) {
		needs = append(needs, Need{Action: act, Resource: FSxResource(a, t)})
	}
	return needs
}

// CheckAll checks each need in turn and returns the first refusal: an
// operation that needs several permissions needs all of them.
func (c *Checker) CheckAll(ctx context.Context, base Request, needs []Need) error {
	for _, n := range needs {
		req := base
		req.Action, req.Resource = n.Action, n.Resource
		if len(n.Context) > 0 {
			req.Context = merged(base.Context, n.Context)
		}
		if err := c.decide(ctx, req); err != nil {
			return dryRun(ctx, err)
		}
	}
	return dryRun(ctx, nil)
}

// merged is a copy of a with b's keys added (b wins).
func merged(a, b map[string][]string) map[string][]string {
	m := make(map[string][]string, len(a)+len(b))
	for k, v := range a {
		m[k] = v
	}
	for k, v := range b {
		m[k] = v
	}
	return m
}
