package iamapi

// STS GetFederationToken: temporary credentials for a named federated
// user, acting as the calling IAM user (or root) narrowed to the session
// policies passed (Policy, PolicyArns). Unlike AssumeRole, a session
// without session policies may do nothing, as on AWS.

import (
	"time"

	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/identity"
	"github.com/fsxd/fsxd/store"
)

var pFederatedName = newParam("Name", "name", 2, 32, `[\w+=,.@-]*`)

type federationResult struct {
	Credentials   credentialsXML
	FederatedUser struct {
		FederatedUserID string `xml:"FederatedUserId"`
		Arn             string
	}
}

func (c *call) getFederationToken() (any, error) {
	p := c.caller
	name, err := c.f.required(pFederatedName)
	if err != nil {
		return nil, err
	}
	inline, arns, err := c.sessionPolicies()
	if err != nil {
		return nil, err
	}
	dur, err := c.duration(43200, 129600)
	if err != nil {
		return nil, err
	}
	if p.IsRoot { // as AWS: a longer session of root's is cut to one hour
		dur = min(dur, time.Hour)
	}
	if p.Temporary {
		return nil, awserr.IAMAccessDenied.Err("Cannot call GetFederationToken with session credentials")
	}
	arn := c.s.dir.FederatedUserARN(name)
	if err := c.authorize("sts:GetFederationToken", arn); err != nil {
		return nil, err
	}
	s := &identity.Session{UserName: p.UserName, UserID: p.UserID, Root: p.IsRoot, FederatedName: name,
		SessionPolicy: inline, PolicyArns: arns}
	iss, err := c.issue(s, dur, func(tx *store.Tx) error { return c.callerExists(tx) })
	if err != nil {
		return nil, err
	}
	res := federationResult{Credentials: credentialsOf(iss)}
	res.FederatedUser.FederatedUserID, res.FederatedUser.Arn = p.AccountID+":"+name, arn
	return res, nil
}
