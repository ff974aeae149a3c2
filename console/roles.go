package console

// The IAM page's read-only lists of roles and customer managed policies.
// Like everything in the console they are API calls signed as the
// signed-in user (iam:ListRoles, iam:ListPolicies and the per-item reads),
// so a user the API would refuse sees the API's refusal instead of a list.

import (
	"context"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// iamAccess is what the roles and managed policies sections show.
type iamAccess struct {
	Roles          []iamRole
	RolesDenied    string // the API's refusal of ListRoles, if any
	Policies       []iamManaged
	PoliciesDenied string // the API's refusal of ListPolicies, if any
}

type iamRole struct {
	Role     types.Role
	Trust    string // the trust policy, decoded
	Attached []types.AttachedPolicy
	Inline   []string
}

type iamManaged struct {
	Policy   types.Policy
	Document string // the default version, decoded; "" if it may not be read
}

// fillAccess lists the roles and managed policies the caller may list.
// ListRoles and ListPolicies answer one page each: the console is for
// looking, the API for the rest.
func fillAccess(ctx context.Context, cl *clients) *iamAccess {
	a := &iamAccess{}
	if out, err := cl.iam.ListRoles(ctx, &iam.ListRolesInput{}); err != nil {
		a.RolesDenied = apiMessage(err)
	} else {
		for _, r := range out.Roles {
			a.Roles = append(a.Roles, roleDetail(ctx, cl, r))
		}
	}
	if out, err := cl.iam.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal}); err != nil {
		a.PoliciesDenied = apiMessage(err)
	} else {
		for _, p := range out.Policies {
			a.Policies = append(a.Policies, managedDetail(ctx, cl, p))
		}
	}
	return a
}

// roleDetail adds what ListRoles leaves out; a part the caller may not
// read stays empty.
func roleDetail(ctx context.Context, cl *clients, r types.Role) iamRole {
	ir := iamRole{Role: r, Trust: decodeDoc(r.AssumeRolePolicyDocument)}
	if out, err := cl.iam.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: r.RoleName}); err == nil {
		ir.Attached = out.AttachedPolicies
	}
	if out, err := cl.iam.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: r.RoleName}); err == nil {
		ir.Inline = out.PolicyNames
	}
	return ir
}

func managedDetail(ctx context.Context, cl *clients, p types.Policy) iamManaged {
	m := iamManaged{Policy: p}
	if out, err := cl.iam.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: p.Arn, VersionId: p.DefaultVersionId}); err == nil {
		m.Document = decodeDoc(out.PolicyVersion.Document)
	}
	return m
}

// decodeDoc undoes IAM's percent-encoding of policy documents.
func decodeDoc(p *string) string {
	if p == nil {
		return ""
	}
	if s, err := url.QueryUnescape(*p); err == nil {
		return s
	}
	return *p
}
