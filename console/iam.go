package console

import (
	"context"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/fsxd/fsxd/policy"
)

type iamUser struct {
	User     types.User
	Keys     []types.AccessKeyMetadata
	Policies []string
}

type iamPage struct {
	Users     []iamUser
	Groups    []types.Group
	NewKey    *types.AccessKey // shown once, on the page after CreateAccessKey
	Problem   string           // a policy editor error
	PolicyFor string
	Policy    string
	Access    *iamAccess // roles and managed policies (roles.go)
}

func (c *Console) iamPage(w http.ResponseWriter, r *http.Request, ss *session) {
	v := c.newView(r, ss, "IAM", "iam")
	c.fillIAM(r.Context(), r, ss, &v, &iamPage{NewKey: ss.once.take()})
	c.render(w, "iam", v)
}

func (c *Console) fillIAM(ctx context.Context, r *http.Request, ss *session, v *view, p *iamPage) {
	cl := c.clientsFor(r, ss)
	ctx = withRemote(ctx, r.RemoteAddr)
	users, err := cl.iam.ListUsers(ctx, &iam.ListUsersInput{})
	if err != nil {
		v.Denied = apiMessage(err)
		v.Data = p
		return
	}
	for _, u := range users.Users {
		iu := iamUser{User: u}
		if k, err := cl.iam.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: u.UserName}); err == nil {
			iu.Keys = k.AccessKeyMetadata
		}
		if ps, err := cl.iam.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: u.UserName}); err == nil {
			iu.Policies = ps.PolicyNames
		}
		p.Users = append(p.Users, iu)
	}
	if g, err := cl.iam.ListGroups(ctx, &iam.ListGroupsInput{}); err == nil {
		p.Groups = g.Groups
	}
	p.Access = fillAccess(ctx, cl)
	v.Data, v.Deny = p, probeIAM(ctx, cl, p.Users)
}

// probeIAM asks whether the user may create users and groups, and create,
// deactivate and delete each listed user's keys.
func probeIAM(ctx context.Context, cl *clients, users []iamUser) denials {
	pr := newProber(ctx)
	pr.ask("iam/create-user", func(ctx context.Context) error {
		_, err := cl.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("new-user")})
		return err
	})
	pr.ask("iam/create-group", func(ctx context.Context) error {
		_, err := cl.iam.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("new-group")})
		return err
	})
	for _, u := range users {
		name := u.User.UserName
		pr.ask("iam/create-key "+aws.ToString(name), func(ctx context.Context) error {
			_, err := cl.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: name})
			return err
		})
		for _, k := range u.Keys {
			pr.ask("iam/deactivate-key "+aws.ToString(k.AccessKeyId), func(ctx context.Context) error {
				_, err := cl.iam.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: name, AccessKeyId: k.AccessKeyId, Status: types.StatusTypeInactive})
				return err
			})
			pr.ask("iam/delete-key "+aws.ToString(k.AccessKeyId), func(ctx context.Context) error {
				_, err := cl.iam.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: name, AccessKeyId: k.AccessKeyId})
				return err
			})
		}
	}
	return pr.out
}

// iamDo performs one IAM change from a form; CreateAccessKey's secret is
// kept in the session until the page it redirects to shows it, once.
func (c *Console) iamDo(w http.ResponseWriter, r *http.Request, ss *session) {
	cl := c.clientsFor(r, ss)
	ctx := withRemote(r.Context(), r.RemoteAddr)
	user := aws.String(r.PostFormValue("user"))
	key := aws.String(r.PostFormValue("key"))
	var err error
	switch r.PostFormValue("op") {
	case "create-user":
		_, err = cl.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: user})
	case "create-group":
		_, err = cl.iam.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(r.PostFormValue("group"))})
	case "create-key":
		out, err := cl.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: user})
		if err == nil {
			ss.once.put(out.AccessKey)
		}
		back(w, r, "iam", "Access key created", err)
		return
	case "deactivate-key":
		_, err = cl.iam.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: user, AccessKeyId: key, Status: types.StatusTypeInactive})
	case "delete-key":
		_, err = cl.iam.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: user, AccessKeyId: key})
	case "put-policy":
		doc := r.PostFormValue("policy")
		if problem := checkPolicy(r.Context(), doc, policy.IdentityPolicy); problem != "" {
			v := c.newView(r, ss, "IAM", "iam")
			c.fillIAM(r.Context(), r, ss, &v, &iamPage{Problem: problem, PolicyFor: *user, Policy: doc})
			w.WriteHeader(http.StatusBadRequest)
			c.render(w, "iam", v)
			return
		}
		_, err = cl.iam.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: user, PolicyName: aws.String(r.PostFormValue("name")), PolicyDocument: aws.String(doc)})
	default:
		http.Error(w, "unknown op", http.StatusBadRequest)
		return
	}
	back(w, r, "iam", "Done", err)
}
