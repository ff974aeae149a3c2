package console

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/fsx/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/identity"
	"github.com/fsxd/fsxd/policy"
)

func (c *Console) accessPoints(w http.ResponseWriter, r *http.Request, ss *session) {
	v := c.newView(r, ss, "Access points", "ap")
	ctx, cl := withRemote(r.Context(), r.RemoteAddr), c.clientsFor(r, ss)
	out, err := cl.fsx.DescribeS3AccessPointAttachments(ctx, &fsx.DescribeS3AccessPointAttachmentsInput{})
	if err != nil {
		v.Denied, v.Data = apiMessage(err), apPage{}
		c.render(w, "ap", v)
		return
	}
	for _, a := range out.S3AccessPointAttachments {
		if a.Lifecycle == types.S3AccessPointAttachmentLifecycleCreating || a.Lifecycle == types.S3AccessPointAttachmentLifecycleDeleting {
			v.Refresh = 2 // until it settles
		}
	}
	v.Data = apPage{List: out.S3AccessPointAttachments, Resolved: c.resolved(ctx, out.S3AccessPointAttachments)}
	v.Deny = probeAccessPoints(ctx, cl, out.S3AccessPointAttachments)
	c.render(w, "ap", v)
}

// apPage is the access point list: the attachments as Describe returned
// them and, by name, what each ONTAP user name resolves to.
type apPage struct {
	List     []types.S3AccessPointAttachment
	Resolved map[string]string
}

func (c *Console) resolved(ctx context.Context, aps []types.S3AccessPointAttachment) map[string]string {
	out := map[string]string{}
	for _, a := range aps {
		if c.cfg.Resolved == nil || a.OntapConfiguration == nil || a.Lifecycle != types.S3AccessPointAttachmentLifecycleAvailable {
			continue
		}
		if id := c.cfg.Resolved(ctx, aws.ToString(a.Name)); id != nil {
			out[aws.ToString(a.Name)] = posixText(*id)
		}
	}
	return out
}

// posixText reads "uid 3001, gid 3001, groups 3100 3200".
func posixText(id fsxd.PosixIdentity) string {
	s := fmt.Sprintf("uid %d, gid %d", id.UID, id.GID)
	if len(id.Groups) > 0 {
		s += ", groups " + strings.Trim(fmt.Sprint(id.Groups), "[]")
	}
	return s
}

// probeAccessPoints asks whether the user may create an access point (one
// named "new", on no particular volume) and detach each one.
func probeAccessPoints(ctx context.Context, cl *clients, aps []types.S3AccessPointAttachment) denials {
	p := newProber(ctx)
	p.ask("ap/create", func(ctx context.Context) error {
		_, err := cl.fsx.CreateAndAttachS3AccessPoint(ctx, &fsx.CreateAndAttachS3AccessPointInput{Name: aws.String("new"), Type: types.S3AccessPointAttachmentTypeOpenzfs})
		return err
	})
	for _, a := range aps {
		p.ask("ap/detach "+aws.ToString(a.Name), func(ctx context.Context) error {
			_, err := cl.fsx.DetachAndDeleteS3AccessPoint(ctx, &fsx.DetachAndDeleteS3AccessPointInput{Name: a.Name})
			return err
		})
	}
	return p.out
}

// createAccessPoint builds CreateAndAttachS3AccessPoint from the form: the
// identity kind picks POSIX (OpenZFS), UNIX or Windows (ONTAP).
func (c *Console) createAccessPoint(w http.ResponseWriter, r *http.Request, ss *session) {
	in, err := attachInput(r)
	if err == nil {
		_, err = c.clientsFor(r, ss).fsx.CreateAndAttachS3AccessPoint(withRemote(r.Context(), r.RemoteAddr), in.CreateAndAttachS3AccessPointInput)
	}
	back(w, r, "accesspoints", "Creating access point "+in.GetName(), err)
}

type attachIn struct {
	*fsx.CreateAndAttachS3AccessPointInput
}

func (a attachIn) GetName() string { return aws.ToString(a.Name) }

func attachInput(r *http.Request) (attachIn, error) {
	in := &fsx.CreateAndAttachS3AccessPointInput{Name: aws.String(r.PostFormValue("name"))}
	vol := aws.String(r.PostFormValue("volume"))
	if p := strings.TrimSpace(r.PostFormValue("policy")); p != "" {
		in.S3AccessPoint = &types.CreateAndAttachS3AccessPointS3Configuration{Policy: aws.String(p)}
	}
	if vpc := r.PostFormValue("vpc"); vpc != "" {
		if in.S3AccessPoint == nil {
			in.S3AccessPoint = &types.CreateAndAttachS3AccessPointS3Configuration{}
		}
		in.S3AccessPoint.VpcConfiguration = &types.S3AccessPointVpcConfiguration{VpcId: aws.String(vpc)}
	}
	switch kind := r.PostFormValue("identity"); kind {
	case "POSIX":
		uid, err1 := strconv.ParseInt(r.PostFormValue("uid"), 10, 64)
		gid, err2 := strconv.ParseInt(r.PostFormValue("gid"), 10, 64)
		if err := errors.Join(err1, err2); err != nil {
			return attachIn{in}, errors.New("UID and GID must be numbers")
		}
		var groups []int64
		for _, g := range strings.FieldsFunc(r.PostFormValue("gids"), func(r rune) bool { return r == ',' || r == ' ' }) {
			n, err := strconv.ParseInt(g, 10, 64)
			if err != nil {
				return attachIn{in}, fmt.Errorf("secondary GID %q is not a number", g)
			}
			groups = append(groups, n)
		}
		in.Type = types.S3AccessPointAttachmentTypeOpenzfs
		in.OpenZFSConfiguration = &types.CreateAndAttachS3AccessPointOpenZFSConfiguration{VolumeId: vol,
			FileSystemIdentity: &types.OpenZFSFileSystemIdentity{Type: types.OpenZFSFileSystemUserTypePosix,
				PosixUser: &types.OpenZFSPosixFileSystemUser{Uid: aws.Int64(uid), Gid: aws.Int64(gid), SecondaryGids: groups}}}
	case "UNIX", "WINDOWS":
		id := &types.OntapFileSystemIdentity{Type: types.OntapFileSystemUserType(kind)}
		if kind == "UNIX" {
			id.UnixUser = &types.OntapUnixFileSystemUser{Name: aws.String(r.PostFormValue("user"))}
		} else {
			id.WindowsUser = &types.OntapWindowsFileSystemUser{Name: aws.String(r.PostFormValue("user"))}
		}
		in.Type = types.S3AccessPointAttachmentTypeOntap
		in.OntapConfiguration = &types.CreateAndAttachS3AccessPointOntapConfiguration{VolumeId: vol, FileSystemIdentity: id}
	default:
		return attachIn{in}, errors.New("choose an identity kind")
	}
	return attachIn{in}, nil
}

func (c *Console) detachAccessPoint(w http.ResponseWriter, r *http.Request, ss *session) {
	name := r.PostFormValue("name")
	_, err := c.clientsFor(r, ss).fsx.DetachAndDeleteS3AccessPoint(withRemote(r.Context(), r.RemoteAddr),
		&fsx.DetachAndDeleteS3AccessPointInput{Name: aws.String(name)})
	back(w, r, "accesspoints", "Detaching "+name, err)
}

// policyPage is the access point policy editor's data.
type policyPage struct {
	Name, Policy string
	Problem      string
}

// accessPointPolicy shows (GET) or replaces (POST) an access point's
// policy through S3 Control. A POST is first checked with the parser the
// API uses, so a mistake is reported with its line and column when it
// is a JSON syntax error, and with the API's own message otherwise.
func (c *Console) accessPointPolicy(w http.ResponseWriter, r *http.Request, ss *session) {
	v := c.newView(r, ss, "Access point policy", "ap")
	cl := c.clientsFor(r, ss)
	ctx := withRemote(r.Context(), r.RemoteAddr)
	p := policyPage{Name: r.FormValue("name")}
	if r.Method == http.MethodPost {
		p.Policy = r.PostFormValue("policy")
		if p.Problem = checkPolicy(r.Context(), p.Policy, policy.ResourcePolicy); p.Problem == "" {
			_, err := cl.s3control.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{
				AccountId: aws.String(cl.account), Name: aws.String(p.Name), Policy: aws.String(p.Policy)})
			if err == nil {
				back(w, r, "ap/policy?name="+p.Name, "Policy saved", nil)
				return
			}
			p.Problem = apiMessage(err)
		}
	} else {
		out, err := cl.s3control.GetAccessPointPolicy(ctx, &s3control.GetAccessPointPolicyInput{AccountId: aws.String(cl.account), Name: aws.String(p.Name)})
		if err != nil && isDenied(err) {
			v.Denied = apiMessage(err)
		} else if err == nil {
			p.Policy = aws.ToString(out.Policy)
		}
		pr := newProber(ctx)
		pr.ask("ap/policy", func(ctx context.Context) error {
			_, err := cl.s3control.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{
				AccountId: aws.String(cl.account), Name: aws.String(p.Name), Policy: aws.String(`{"Version":"2012-10-17","Statement":[]}`)})
			return err
		})
		v.Deny = pr.out
	}
	v.Data = p
	c.render(w, "policy", v)
}

// checkPolicy returns "" for a policy the API would accept, else where and
// what is wrong. It runs before the API checks any permission, so a
// document larger than any API accepts is refused before it is parsed.
func checkPolicy(ctx context.Context, text string, k policy.Kind) string {
	if n, most := policy.MinifiedLen([]byte(text)), maxPolicySize(k); n > most {
		return fmt.Sprintf("The policy is %d characters long without white space; the largest accepted is %d.", n, most)
	}
	var any json.RawMessage
	if err := json.Unmarshal([]byte(text), &any); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line, col := lineCol(text, int(se.Offset))
			return fmt.Sprintf("line %d, column %d: %s", line, col, se.Error())
		}
		return err.Error()
	}
	if _, err := parseKind([]byte(text), k); err != nil {
		return statementAt(ctx, text, k) + err.Error()
	}
	return ""
}

// maxPolicySize is the largest document of kind k some API takes, counted
// as they count it (policy.MinifiedLen): an access point policy's 20 KB,
// or, for identity policies, a role's inline policies' 10,240 (a user's
// are 2,048, a managed policy's 6,144: the API refuses those itself).
func maxPolicySize(k policy.Kind) int {
	if k == policy.IdentityPolicy {
		return max(identity.MaxUserPolicySize, identity.MaxGroupPolicySize, identity.MaxManagedPolicySize, identity.MaxRolePolicySize)
	}
	return policy.MaxAccessPointPolicySize
}

// lineCol turns a json.SyntaxError offset (bytes read, the bad one
// included) into the 1-based line and column of the bad byte.
func lineCol(text string, off int) (int, int) {
	off = max(min(off, len(text))-1, 0)
	line := 1 + strings.Count(text[:off], "\n")
	return line, off - strings.LastIndexByte(text[:off], '\n')
}
