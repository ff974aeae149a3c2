package iamapi

// STS GetCallerIdentity: who am I. Every authenticated caller may ask, as
// on AWS, so there is no authorization.

type callerIdentityXML struct {
	UserID  string `xml:"UserId"`
	Account string
	Arn     string
}

func (c *call) getCallerIdentity() (any, error) {
	p := c.caller
	return callerIdentityXML{UserID: p.UserID, Account: p.AccountID, Arn: p.ARN}, nil
}
