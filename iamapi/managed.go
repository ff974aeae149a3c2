package iamapi

// Customer managed policies: CreatePolicy, GetPolicy, ListPolicies,
// DeletePolicy and their versions (at most five; ids never reused). fsxd
// has no AWS managed policies: Scope=AWS lists nothing.

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/identity"
	"github.com/fsxd/fsxd/store"
)

type managedRec = identity.ManagedPolicy

func managed(tx *store.Tx) store.Table[managedRec] { return identity.Policies(tx) }

var (
	pPolicyArn    = newParam("PolicyArn", "policyArn", 20, 2048, pRoleArn.pattern)
	pVersionID    = newParam("VersionId", "versionId", 1, 128, `v[1-9][0-9]*(\.[A-Za-z0-9-]*)?`)
	pPolicyPath   = newParam("Path", "path", 1, 512, `((/[A-Za-z0-9\.,\+@=_-]+)*)/`)
	pPolicyPrefix = newParam("PathPrefix", "pathPrefix", 1, 512, `((/[A-Za-z0-9\.,\+@=_-]+)*)/`)
)

type policyMetaXML struct {
	PolicyName                    string
	DefaultVersionID              string `xml:"DefaultVersionId"`
	PolicyID                      string `xml:"PolicyId"`
	Path                          string
	Arn                           string
	AttachmentCount               int
	PermissionsBoundaryUsageCount int
	IsAttachable                  bool
	Description                   string `xml:",omitempty"`
	CreateDate                    string
	UpdateDate                    string
	Tags                          *members[tagXML] `xml:",omitempty"`
}

// managedXML renders p; full adds what only Create/GetPolicy return
// (description, tags).
func (s *Service) managedXML(p *managedRec, attachments int, full bool) policyMetaXML {
	x := policyMetaXML{PolicyName: p.Name, DefaultVersionID: p.DefaultVersion, PolicyID: p.ID, Path: p.Path,
		Arn: s.dir.PolicyARN(p.Path, p.Name), AttachmentCount: attachments, IsAttachable: true,
		CreateDate: isoTime(p.Created), UpdateDate: isoTime(p.Updated)}
	if full {
		x.Description = p.Description
		x.Tags = tagsXML(p.Tags)
	}
	return x
}

func noPolicy(arn string) *awserr.Error {
	return awserr.NoSuchEntity.Err("Policy %s does not exist or is not attachable.", arn)
}

// policyARN reads PolicyArn: a policy ARN of this account's shape, else
// InvalidInput.
func (c *call) policyARN() (string, error) {
	arn, err := c.f.required(pPolicyArn)
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(arn, "arn:") || strings.Count(arn, ":") != 5 || !strings.Contains(arn, ":policy/") {
		return "", awserr.InvalidInput.Err("ARN %s is not valid.", arn)
	}
	return arn, nil
}

// loadPolicy reads the policy arn names in tx; NoSuchEntity if none.
func (c *call) loadPolicy(tx *store.Tx, arn string) (*managedRec, error) {
	p, err := c.s.dir.PolicyByARN(tx, arn)
	if errors.Is(err, store.ErrNotFound) {
		return nil, noPolicy(arn)
	}
	return p, err
}

// managedDocument validates a managed policy document: an identity
// policy of at most 6,144 characters, whitespace not counted.
func managedDocument(text string) error {
	d, err := parsePolicy(text)
	if err != nil {
		return err
	}
	if d.Size() > identity.MaxManagedPolicySize {
		return awserr.LimitExceeded.Err("Cannot exceed quota for PolicySize: %d", identity.MaxManagedPolicySize)
	}
	return nil
}

func (c *call) createManagedPolicy() (any, error) {
	name, err := c.f.required(pPolicyName)
	if err != nil {
		return nil, err
	}
	path, err := c.f.optional(pPolicyPath, "/")
	if err != nil {
		return nil, err
	}
	doc, err := c.f.required(pPolicyDocument)
	if err != nil {
		return nil, err
	}
	desc, err := c.f.optional(pDescription, "")
	if err != nil {
		return nil, err
	}
	tags, err := c.tags()
	if err != nil {
		return nil, err
	}
	if err := managedDocument(doc); err != nil {
		return nil, err
	}
	if err := c.authorize("iam:CreatePolicy", c.s.dir.PolicyARN(path, name)); err != nil {
		return nil, err
	}
	now := c.s.now()
	p := &managedRec{Name: name, Path: path, ID: randomID("ANPA", 17), Created: now, Updated: now, Description: desc,
		Tags: tags, DefaultVersion: "v1", LastVersion: 1, Versions: []identity.PolicyVersion{{ID: "v1", Document: doc, Created: now}}}
	err = c.s.dir.Store().Update(c.ctx, func(tx *store.Tx) error {
		if err := managed(tx).Insert(nameKey(name), p); errors.Is(err, store.ErrExists) {
			return awserr.EntityAlreadyExists.Err("A policy called %s already exists. Duplicate names are not allowed.", name)
		} else if err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return struct{ Policy policyMetaXML }{c.s.managedXML(p, 0, true)}, nil
}

// readPolicy authorizes action on PolicyArn and reads the policy with
// its attachment count.
func (c *call) readPolicy(action string) (*managedRec, int, error) {
	arn, err := c.policyARN()
	if err != nil {
		return nil, 0, err
	}
	if err := c.authorize(action, arn); err != nil {
		return nil, 0, err
	}
	var p *managedRec
	var n int
	err = c.s.dir.Store().View(c.ctx, func(tx *store.Tx) (err error) {
		if p, err = c.loadPolicy(tx, arn); err != nil {
			return err
		}
		n, err = attachmentCount(tx, arn)
		return err
	})
	return p, n, err
}

func (c *call) getManagedPolicy() (any, error) {
	p, n, err := c.readPolicy("iam:GetPolicy")
	if err != nil {
		return nil, err
	}
	return struct{ Policy policyMetaXML }{c.s.managedXML(p, n, true)}, nil
}

type listManagedResult struct {
	Policies    members[policyMetaXML]
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

func (c *call) listManagedPolicies() (any, error) {
	scope := c.f["Scope"]
	switch scope {
	case "", "All", "Local", "AWS":
	default:
		return nil, invalid("scope", scope, "Member must satisfy enum value set: [All, AWS, Local]")
	}
	onlyAttached := c.f["OnlyAttached"] == "true"
	prefix, err := c.f.optional(pPolicyPrefix, "/")
	if err != nil {
		return nil, err
	}
	pg, err := c.page()
	if err != nil {
		return nil, err
	}
	if err := c.authorize("iam:ListPolicies", "*"); err != nil {
		return nil, err
	}
	var res listManagedResult
	if scope == "AWS" {
		return res, nil // fsxd has no AWS managed policies
	}
	var list []*managedRec
	counts := map[string]int{}
	err = c.s.dir.Store().View(c.ctx, func(tx *store.Tx) (err error) {
		if counts, err = attachmentCounts(tx); err != nil {
			return err
		}
		list, _, err = managed(tx).List(pg.after, pg.max+1, func(p *managedRec) bool {
			return strings.HasPrefix(p.Path, prefix) && (!onlyAttached || counts[c.s.dir.PolicyARN(p.Path, p.Name)] > 0)
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	list, res.IsTruncated, res.Marker = cut(list, pg.max, func(p *managedRec) string { return nameKey(p.Name) })
	for _, p := range list {
		res.Policies.Member = append(res.Policies.Member, c.s.managedXML(p, counts[c.s.dir.PolicyARN(p.Path, p.Name)], false))
	}
	return res, nil
}

// changePolicy authorizes action on PolicyArn and runs fn on the policy
// in one transaction; fn returns whether to store it back.
func (c *call) changePolicy(action string, fn func(tx *store.Tx, arn string, p *managedRec) (bool, error)) error {
	arn, err := c.policyARN()
	if err != nil {
		return err
	}
	if err := c.authorize(action, arn); err != nil {
		return err
	}
	return c.s.dir.Store().Update(c.ctx, func(tx *store.Tx) error {
		p, err := c.loadPolicy(tx, arn)
		if err != nil {
			return err
		}
		save, err := fn(tx, arn, p)
		if err != nil || !save {
			return err
		}
		p.Updated = c.s.now()
		return managed(tx).Put(nameKey(p.Name), p)
	})
}

func (c *call) deleteManagedPolicy() (any, error) {
	return nil, c.changePolicy("iam:DeletePolicy", func(tx *store.Tx, arn string, p *managedRec) (bool, error) {
		n, err := attachmentCount(tx, arn)
		switch {
		case err != nil:
			return false, err
		case n > 0:
			return false, awserr.DeleteConflict.Err("Cannot delete a policy attached to entities.")
		case len(p.Versions) > 1:
			return false, awserr.DeleteConflict.Err("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
		}
		return false, managed(tx).Delete(nameKey(p.Name))
	})
}

type policyVersionXML struct {
	Document         string `xml:",omitempty"`
	VersionID        string `xml:"VersionId"`
	IsDefaultVersion bool
	CreateDate       string
}

func versionXML(p *managedRec, v *identity.PolicyVersion, withDoc bool) policyVersionXML {
	x := policyVersionXML{VersionID: v.ID, IsDefaultVersion: v.ID == p.DefaultVersion, CreateDate: isoTime(v.Created)}
	if withDoc {
		x.Document = urlEncode(v.Document)
	}
	return x
}

func (c *call) createPolicyVersion() (any, error) {
	doc, err := c.f.required(pPolicyDocument)
	if err != nil {
		return nil, err
	}
	setDefault := c.f["SetAsDefault"] == "true"
	if _, err := c.policyARN(); err != nil {
		return nil, err
	}
	if err := managedDocument(doc); err != nil {
		return nil, err
	}
	var res policyVersionXML
	err = c.changePolicy("iam:CreatePolicyVersion", func(tx *store.Tx, _ string, p *managedRec) (bool, error) {
		if len(p.Versions) >= identity.MaxPolicyVersions {
			return false, awserr.LimitExceeded.Err("A managed policy can have up to %d versions. Before you create a new version, you must delete an existing version.", identity.MaxPolicyVersions)
		}
		p.LastVersion++
		v := identity.PolicyVersion{ID: "v" + strconv.Itoa(p.LastVersion), Document: doc, Created: c.s.now()}
		p.Versions = append(p.Versions, v)
		if setDefault {
			p.DefaultVersion = v.ID
		}
		res = versionXML(p, &v, false)
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	return struct{ PolicyVersion policyVersionXML }{res}, nil
}

// version reads VersionId and finds it in p.
func (c *call) version(arn string, p *managedRec) (*identity.PolicyVersion, error) {
	id := c.f["VersionId"]
	if v := identity.Version(p, id); v != nil {
		return v, nil
	}
	return nil, awserr.NoSuchEntity.Err("Policy %s version %s does not exist or is not attachable.", arn, id)
}

func (c *call) getPolicyVersion() (any, error) {
	if _, err := c.f.required(pVersionID); err != nil {
		return nil, err
	}
	arn, err := c.policyARN()
	if err != nil {
		return nil, err
	}
	p, _, err := c.readPolicy("iam:GetPolicyVersion")
	if err != nil {
		return nil, err
	}
	v, err := c.version(arn, p)
	if err != nil {
		return nil, err
	}
	return struct{ PolicyVersion policyVersionXML }{versionXML(p, v, true)}, nil
}

type listVersionsResult struct {
	Versions    members[policyVersionXML]
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

func (c *call) listPolicyVersions() (any, error) {
	pg, err := c.page()
	if err != nil {
		return nil, err
	}
	p, _, err := c.readPolicy("iam:ListPolicyVersions")
	if err != nil {
		return nil, err
	}
	// Newest first, as IAM lists them; the sort key keeps that order.
	key := func(v identity.PolicyVersion) string { return fmt.Sprintf("%010d", 1<<30-versionNumber(v.ID)) }
	list, truncated, marker := pageOf(append([]identity.PolicyVersion(nil), p.Versions...), pg, key)
	res := listVersionsResult{IsTruncated: truncated, Marker: marker}
	for i := range list {
		res.Versions.Member = append(res.Versions.Member, versionXML(p, &list[i], false))
	}
	return res, nil
}

func versionNumber(id string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(id, "v"))
	return n
}

func (c *call) setDefaultPolicyVersion() (any, error) {
	if _, err := c.f.required(pVersionID); err != nil {
		return nil, err
	}
	return nil, c.changePolicy("iam:SetDefaultPolicyVersion", func(tx *store.Tx, arn string, p *managedRec) (bool, error) {
		v, err := c.version(arn, p)
		if err != nil {
			return false, err
		}
		p.DefaultVersion = v.ID
		return true, nil
	})
}

func (c *call) deletePolicyVersion() (any, error) {
	if _, err := c.f.required(pVersionID); err != nil {
		return nil, err
	}
	return nil, c.changePolicy("iam:DeletePolicyVersion", func(tx *store.Tx, arn string, p *managedRec) (bool, error) {
		v, err := c.version(arn, p)
		if err != nil {
			return false, err
		}
		if v.ID == p.DefaultVersion {
			return false, awserr.DeleteConflict.Err("Cannot delete the default version of a policy.")
		}
		for i := range p.Versions {
			if p.Versions[i].ID == v.ID {
				p.Versions = append(p.Versions[:i], p.Versions[i+1:]...)
				break
			}
		}
		return true, nil
	})
}
