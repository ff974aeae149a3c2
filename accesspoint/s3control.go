package accesspoint

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awserr"
)

// S3 Control (REST-XML, /v20180820/...) for the access points attached to
// FSx volumes, the only access points fsxd has. Requests name the account
// in x-amz-account-id; it must be this fsxd's account and the signer's.

// s3cRoute is one S3 Control operation: its name and handler.
type s3cRoute struct {
	op    string
	serve func(s *Service, w http.ResponseWriter, r *http.Request, name string) error
}

// s3cRoutes maps "<method> <path shape>" to an operation; {} stands for the
// access point name.
var s3cRoutes = map[string]s3cRoute{
	"GET accesspoint":                 {"ListAccessPoints", (*Service).listAccessPoints},
	"GET accesspoint/{}":              {"GetAccessPoint", (*Service).getAccessPoint},
	"PUT accesspoint/{}":              {"CreateAccessPoint", (*Service).createAccessPoint},
	"DELETE accesspoint/{}":           {"DeleteAccessPoint", (*Service).deleteAccessPoint},
	"GET accesspoint/{}/policy":       {"GetAccessPointPolicy", (*Service).getPolicy},
	"PUT accesspoint/{}/policy":       {"PutAccessPointPolicy", (*Service).putPolicy},
	"DELETE accesspoint/{}/policy":    {"DeleteAccessPointPolicy", (*Service).deletePolicy},
	"GET accesspoint/{}/policyStatus": {"GetAccessPointPolicyStatus", (*Service).getPolicyStatus},
}

// route splits r's path into the route key and the access point name. A
// name given as an access point ARN (URL-encoded, as SDKs send ARNs in a
// path segment) is reduced to the name; its account must be ours.
func route(r *http.Request) (key, name string, ok bool) {
	rest, found := strings.CutPrefix(r.URL.EscapedPath(), "/v20180820/")
	if !found {
		return "", "", false
	}
	segs := strings.Split(strings.TrimSuffix(rest, "/"), "/")
	if len(segs) > 1 {
		name, _ = url.PathUnescape(segs[1])
		segs[1] = "{}"
	}
	key = r.Method + " " + strings.Join(segs, "/")
	_, ok = s3cRoutes[key]
	return key, name, ok
}

// Operation names r's S3 Control operation, for metrics and logs.
func (s *Service) Operation(r *http.Request) string {
	key, _, ok := route(r)
	if !ok {
		return "Unsupported"
	}
	return s3cRoutes[key].op
}

// ServeS3Control answers one S3 Control request. It writes the response or
// the S3 XML error and returns the error for the access log.
func (s *Service) ServeS3Control(w http.ResponseWriter, r *http.Request) error {
	err := s.serveS3Control(w, r)
	if err != nil {
		writeControlError(w, r, awserr.From(err, awserr.InternalError))
	}
	return err
}

func (s *Service) serveS3Control(w http.ResponseWriter, r *http.Request) error {
	p, err := s.cfg.Authenticate(r)
	if err != nil {
		return err
	}
	if p.AccountID != s.acc.ID {
		return awserr.AccessDenied.Err("")
	}
	account := r.Header.Get("x-amz-account-id")
	if account == "" {
		return awserr.InvalidRequestS3.Err("Missing required header for this request: x-amz-account-id")
	}
	if account != s.acc.ID {
		return awserr.AccessDenied.Err("")
	}
	key, name, ok := route(r)
	if !ok {
		return awserr.NotImplemented.Err("This S3 Control operation is not implemented by fsxd; it serves the access points attached to FSx volumes.")
	}
	name, err = s.apName(name)
	if err != nil {
		return err
	}
	if s.cfg.Authorize != nil {
		resource := "*" // ListAccessPoints names no access point
		if name != "" {
			resource = s.acc.AccessPointARN(name)
		}
		if err := s.cfg.Authorize(r.Context(), p, "s3:"+s3cRoutes[key].op, resource); err != nil {
			return err
		}
	}
	return s3cRoutes[key].serve(s, w, r, name)
}

// apName accepts a name or an access point ARN of this account and Region.
func (s *Service) apName(name string) (string, error) {
	if !strings.HasPrefix(name, "arn:") {
		return name, nil
	}
	arn, ok := fsxd.ParseARN(name)
	apName, isAP := arn.ResourceID("accesspoint")
	if !ok || arn.Partition != s.acc.Partition || arn.Service != "s3" || arn.Region != s.acc.Region || !isAP {
		return "", awserr.InvalidArgument.Err("The access point ARN %s is not valid here.", name)
	}
	if arn.Account != s.acc.ID {
		return "", awserr.AccessDenied.Err("")
	}
	return apName, nil
}
