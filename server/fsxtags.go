package server

// Tag condition keys of FSx requests, as AWS passes them, so a policy can
// govern tags (e.g. deny the fsxd:import-path tag):
//
//	aws:RequestTag/<key>   each tag the request carries (Tags)
//	aws:TagKeys            the keys of those tags, or the keys
//	                       UntagResource removes (TagKeys)
//	aws:ResourceTag/<key>  each tag of the existing resource the request
//	                       names, on the needs that act on that resource

import (
	"context"

	"github.com/fsxd/fsxd/auth"
	"github.com/fsxd/fsxd/authz"
)

// fsxTagKeys returns the request's tag keys and adds the named resource's
// tags to the needs whose resource it is. The root user's requests skip
// it: no identity policy binds root, and FSx has no resource policies.
func (s *Server) fsxTagKeys(ctx context.Context, p *auth.Principal, t *fsxTarget, resource string, needs []authz.Need) (map[string][]string, error) {
	if p.IsRoot {
		return nil, nil
	}
	if resource != "*" {
		if err := s.addResourceTags(ctx, resource, needs); err != nil {
			return nil, err
		}
	}
	return requestTagKeys(t), nil
}

// requestTagKeys are aws:RequestTag/<key> and aws:TagKeys of the request,
// nil when it carries no tags.
func requestTagKeys(t *fsxTarget) map[string][]string {
	if len(t.Tags) == 0 && len(t.TagKeys) == 0 {
		return nil
	}
	m := map[string][]string{}
	keys := append([]string(nil), t.TagKeys...)
	for _, tag := range t.Tags {
		if tag.Key == nil {
			continue // validation refuses it next
		}
		value := ""
		if tag.Value != nil {
			value = *tag.Value
		}
		m["aws:RequestTag/"+*tag.Key] = []string{value}
		keys = append(keys, *tag.Key)
	}
	m["aws:TagKeys"] = keys
	return m
}

// addResourceTags gives every need on resource its aws:ResourceTag keys.
func (s *Server) addResourceTags(ctx context.Context, resource string, needs []authz.Need) error {
	tags, err := s.fsxSvc.ResourceTags(ctx, resource)
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
