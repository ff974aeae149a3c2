package fsxapi

// Authorization of FSx requests: every permission an operation needs
// (authz.FSxNeeds), on the most specific resource its request names
// (targets.go), with the tag condition keys AWS passes, so a policy can
// govern tags (e.g. deny the fsxd:import-path tag):
//
//	aws:RequestTag/<key>   each tag the request carries (Tags)
//	aws:TagKeys            the keys of those tags, or the keys
//	                       UntagResource removes (TagKeys)
//	aws:ResourceTag/<key>  each tag of the existing resource the request
//	                       names, on the needs that act on that resource

import (
	"context"
	"errors"
	"fmt"

	"github.com/fsxd/fsxd/auth"
	"github.com/fsxd/fsxd/authz"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/store"
)

// Authorizer decides FSx requests; its Authorize is the FSx mux's
// (awsjson.Mux.Authorize), for this package's operations and
// accesspoint's alike.
type Authorizer struct {
	Service *Service // completes ARNs and reads resource tags
	Checker *authz.Checker
	// Named, when set, is told the access point an attachment operation
	// names, before the decision (the server logs it).
	Named func(ctx context.Context, accessPoint string)
}

// Authorize checks that the caller may run op with in, the operation's
// typed input as far as its body decodes (a body that does not decode is
// refused after authorization, as AWS does).
func (a *Authorizer) Authorize(ctx context.Context, op string, in any) error {
	p := auth.FromContext(ctx)
	if p == nil {
		return awserr.JSONAccessDenied.Err("")
	}
	needs, keys, err := a.request(ctx, p, op, in)
	if err != nil {
		return err
	}
	err = a.Checker.CheckAll(ctx, authz.Request{Principal: p, Context: keys}, needs)
	switch {
	case errors.Is(err, authz.ErrDenied):
		return awserr.JSONAccessDenied.Err("User: %s is not authorized to perform: %s", p.ARN, firstAction(needs)).Wrap(err)
	case errors.Is(err, authz.ErrDryRun):
		return awserr.DryRunOperation.Err("")
	}
	return err
}

// request is what p asks for by running op with in: the permissions it
// needs and the request's condition keys.
func (a *Authorizer) request(ctx context.Context, p *auth.Principal, op string, in any) ([]authz.Need, map[string][]string, error) {
	named, ok := in.(Targeted)
	if !ok { // fail closed: TestEveryOperationHasATarget keeps this unreachable
		return nil, nil, awserr.InternalServerError.Err("").Wrap(fmt.Errorf("fsxapi: %s (%T) names no target", op, in))
	}
	t := named.Target()
	res := a.Service.resource(ctx, &t)
	if t.AccessPoint != "" && a.Named != nil {
		a.Named(ctx, t.AccessPoint)
	}
	needs := authz.FSxNeeds(a.Service.cfg.Account, op, res, t.AccessPoint, t.Policy)
	keys, err := a.tagKeys(ctx, p, &t, authz.FSxResource(a.Service.cfg.Account, res), needs)
	return needs, keys, err
}

func firstAction(needs []authz.Need) string {
	if len(needs) == 0 {
		return ""
	}
	return needs[0].Action
}

// resource completes what t names: a volume's or SVM's ARN needs its file
// system id, which only the store knows. A volume or SVM that is not
// there leaves the resource "*"; the operation answers its own not-found.
func (s *Service) resource(ctx context.Context, t *Target) authz.FSxTarget {
	out := authz.FSxTarget{ResourceARN: t.ResourceARN, FileSystemID: t.FileSystemID, VolumeID: t.VolumeID, SVMID: t.SVMID,
		SnapshotID: t.SnapshotID, BackupID: t.BackupID}
	if out.FileSystemID != "" || (out.VolumeID == "" && out.SVMID == "" && out.SnapshotID == "") {
		return out
	}
	_ = s.view(ctx, func(tx *store.Tx) error {
		if out.SnapshotID != "" {
			if r, err := snapshots(tx).Get(out.SnapshotID); err == nil {
				out.SnapshotVolumeID = r.VolumeID
			}
		} else if out.VolumeID != "" {
			if v, err := volumes(tx).Get(out.VolumeID); err == nil {
				out.FileSystemID = v.FileSystemID
			}
		} else if v, err := svms(tx).Get(out.SVMID); err == nil {
			out.FileSystemID = v.FileSystemID
		}
		return nil
	})
	return out
}

// tagKeys returns the request's tag keys and adds the named resource's
// tags to the needs whose resource it is. The root user's requests skip
// it: no identity policy binds root, and FSx has no resource policies.
func (a *Authorizer) tagKeys(ctx context.Context, p *auth.Principal, t *Target, resource string, needs []authz.Need) (map[string][]string, error) {
	// Long-term root credentials meet no policy that could read the tags;
	// a root session (GetFederationToken) is narrowed by its session
	// policy, whose tag conditions must see them.
	if p.IsRoot && !p.Temporary {
		return nil, nil
	}
	if resource != "*" {
		if err := a.addResourceTags(ctx, resource, needs); err != nil {
			return nil, err
		}
	}
	return requestTagKeys(t), nil
}

// requestTagKeys are aws:RequestTag/<key> and aws:TagKeys of the request,
// nil when it carries no tags.
func requestTagKeys(t *Target) map[string][]string {
	if len(t.Tags) == 0 && len(t.TagKeys) == 0 {
		return nil
	}
	m := map[string][]string{}
	keys := append([]string(nil), t.TagKeys...)
	for _, tag := range t.Tags {
		if tag.Key == nil {
			continue // validation refuses it next
		}
		m["aws:RequestTag/"+*tag.Key] = []string{val(tag.Value)}
		keys = append(keys, *tag.Key)
	}
	m["aws:TagKeys"] = keys
	return m
}

// addResourceTags gives every need on resource its aws:ResourceTag keys.
func (a *Authorizer) addResourceTags(ctx context.Context, resource string, needs []authz.Need) error {
	tags, err := a.Service.ResourceTags(ctx, resource)
	if err != nil || len(tags) == 0 {
		return err
	}
	keys := make(map[string][]string, len(tags))
	for _, tag := range tags {
		keys["aws:ResourceTag/"+tag.Key] = []string{tag.Value}
	}
	for i := range needs {
		if needs[i].Resource == resource {
			needs[i].Context = keys
		}
	}
	return nil
}
