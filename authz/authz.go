// Package authz decides whether a request may proceed: the access point's
// VPC rule, then the caller's identity policies and the access point's
// resource policy combined as AWS does (package policy). It does no I/O of
// its own: identity policies come through a loader the server passes in,
// the access point's policy with the request. Front ends render ErrDenied
// in their own vocabulary (S3 AccessDenied, FSx AccessDeniedException, IAM
// AccessDenied) and never the reason, which may describe others' policies.
package authz

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/policy"
)

// ErrDenied is the refusal. Check returns a *Denial, which matches it with
// errors.Is and carries the reason for the log.
var ErrDenied = errors.New("authz: access denied")

// Denial is a refusal with its reason, the action and resource refused
// and the layer that refused. All of it is for operators' logs and the
// audit log only: clients see AccessDenied and nothing else.
type Denial struct {
	Reason   string
	Layer    Layer
	Action   string
	Resource string
}

func (d *Denial) Error() string        { return "access denied: " + d.Reason }
func (d *Denial) Is(target error) bool { return target == ErrDenied }

// Layer names what refused a request, so an operator can tell which
// policy or rule to look at.
type Layer string

const (
	// LayerIdentity: the caller's identity (IAM user and group) policies
	// explicitly deny, or allow nothing and no resource policy helps.
	LayerIdentity Layer = "identity-policy"
	// LayerAccessPoint: the access point's policy explicitly denies.
	LayerAccessPoint Layer = "access-point-policy"
	// LayerNoAllow: neither the identity policies nor the access point
	// policy allow (either one would have been enough).
	LayerNoAllow Layer = "identity-policy+access-point-policy"
	// LayerVPC: the request comes from outside the access point's VPC.
	LayerVPC Layer = "vpc"
	// LayerFileSystem: the access point's file-system identity lacks the
	// permission on the file (mode bits, ACLs); found by the volume, not
	// here, and named here so every layer has one vocabulary.
	LayerFileSystem Layer = "file-system-identity"
)

func deny(req *Request, layer Layer, format string, args ...any) error {
	return &Denial{Reason: fmt.Sprintf(format, args...), Layer: layer, Action: req.Action, Resource: req.Resource}
}

// Request is one authorization question: may Principal do Action on
// Resource?
type Request struct {
	Principal *fsxd.Principal
	Action    string // "s3:GetObject", "fsx:CreateVolume", "iam:CreateUser"
	Resource  string // ARN, or "*" when the operation names no resource
	// Context holds operation-specific condition keys (s3:prefix,
	// s3:ExistingObjectTag/<k>, ...), any case; Check adds the global ones.
	Context         map[string][]string
	SourceIP        string // from auth.Info
	SecureTransport bool
	// AccessPoint is nil unless the request goes through an access point.
	AccessPoint *AccessPointInfo
	// Trust is the trust policy of the role an sts:AssumeRole asks for,
	// nil otherwise. It is weighed as a resource policy: an Allow naming
	// the caller needs no identity Allow beside it, one naming only the
	// account does (policy.Evaluate), as on AWS.
	Trust *TrustInfo
}

// TrustInfo is a role's trust policy, as authorization needs it.
type TrustInfo struct {
	Policy    *policy.Document
	AccountID string
	// Bound binds the user and role ARNs Policy names (policy.Request.Bound).
	Bound map[string]string
}

// AccessPointInfo is what authorization needs to know of an access point.
type AccessPointInfo struct {
	Name      string
	ARN       string
	AccountID string
	VpcID     string           // "" = Internet origin
	Policy    *policy.Document // nil = no access point policy
	// Bound binds the user and role ARNs Policy names (policy.Request.Bound).
	Bound map[string]string
}

// Checker holds what stays fixed between requests: the identity policy
// loader, the declared VPCs and the clock.
type Checker struct {
	// Identity returns the caller's identity policies (inline user policies
	// and those of its groups). It is not called for the root user.
	Identity func(ctx context.Context, p *fsxd.Principal) ([]*policy.Document, error)
	// Session returns the policies a temporary session was made with
	// (STS Policy and PolicyArns): nil when there are none, else the
	// session may do only what one of them allows as well; an empty,
	// non-nil list allows nothing (its managed policies are gone). A nil
	// func: sessions are not narrowed.
	Session func(ctx context.Context, p *fsxd.Principal) ([]*policy.Document, error)
	// VPCs are the operator's declared VPCs: id -> the networks its
	// clients come from.
	VPCs map[string][]*net.IPNet
	Now  func() time.Time
	// Region is aws:RequestedRegion for every action but IAM's, which is
	// global and reports us-east-1, as on AWS. "" leaves the key out.
	Region string
}

// NewChecker parses the declared VPCs (CIDRs, or single addresses) and
// returns a Checker. identity may be nil when there are no IAM users.
func NewChecker(identity func(context.Context, *fsxd.Principal) ([]*policy.Document, error),
	vpcs map[string][]string, now func() time.Time) (*Checker, error) {
	parsed, err := ParseVPCs(vpcs)
	if err != nil {
		return nil, err
	}
	if now == nil {
		now = time.Now
	}
	return &Checker{Identity: identity, VPCs: parsed, Now: now}, nil
}

// ParseVPCs parses the operator's VPC declarations. Ids must look like
// AWS's (vpc- and at least 8 lowercase hex digits) because FSx validates
// VpcId that way; a bare address counts as a one-address network.
func ParseVPCs(vpcs map[string][]string) (map[string][]*net.IPNet, error) {
	out := make(map[string][]*net.IPNet, len(vpcs))
	for id, cidrs := range vpcs {
		if !ValidVpcID(id) {
			return nil, fmt.Errorf("vpc %q: want vpc- followed by 8 to 17 lowercase hex digits", id)
		}
		if len(cidrs) == 0 {
			return nil, fmt.Errorf("vpc %s: no CIDR ranges", id)
		}
		for _, c := range cidrs {
			n, err := parseNet(strings.TrimSpace(c))
			if err != nil {
				return nil, fmt.Errorf("vpc %s: %w", id, err)
			}
			out[id] = append(out[id], n)
		}
	}
	return out, nil
}

func parseNet(s string) (*net.IPNet, error) {
	if _, n, err := net.ParseCIDR(s); err == nil {
		return n, nil
	}
	ip := net.ParseIP(s)
	if ip == nil {
		return nil, fmt.Errorf("%q is neither a CIDR range nor an address", s)
	}
	bits := 128
	if ip4 := ip.To4(); ip4 != nil {
		ip, bits = ip4, 32
	}
	return &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)}, nil
}

// ValidVpcID reports whether id has the shape FSx accepts for VpcId.
func ValidVpcID(id string) bool {
	hex, ok := strings.CutPrefix(id, "vpc-")
	if !ok || len(hex) < 8 || len(hex) > 17 {
		return false
	}
	for _, c := range []byte(hex) {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// HasVPC reports whether id is declared; access points may only name
// declared VPCs (else InvalidRequest).
func (c *Checker) HasVPC(id string) bool {
	_, ok := c.VPCs[id]
	return ok
}

// InVPC reports whether ip lies in one of the VPC's networks.
func (c *Checker) InVPC(vpcID, ip string) bool {
	addr := net.ParseIP(ip)
	if addr == nil {
		return false
	}
	for _, n := range c.VPCs[vpcID] {
		if n.Contains(addr) {
			return true
		}
	}
	return false
}

// sourceVPC is the declared VPC the address belongs to: prefer is tried
// first (the access point's own VPC), then the others in id order, so the
// answer doesn't depend on map iteration.
func (c *Checker) sourceVPC(ip, prefer string) string {
	if prefer != "" && c.InVPC(prefer, ip) {
		return prefer
	}
	ids := make([]string, 0, len(c.VPCs))
	for id := range c.VPCs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if c.InVPC(id, ip) {
			return id
		}
	}
	return ""
}
