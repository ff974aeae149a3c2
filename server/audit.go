package server

// The audit log (--audit-log): one JSON line per event in CloudTrail's
// event shape, for every control-plane change (FSx, S3 Control, IAM/STS
// mutations, whether they succeeded or not) and every refused request of
// any API, so an operator can answer "who detached this access point" or
// "who changed this policy". Successful reads are not audited (they are in
// the access log). Secrets never are: request bodies of objects are never
// kept, and parameters named like a password or a secret are masked as
// CloudTrail masks them. The writer is auditlog.go.

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"

	"github.com/fsxd/fsxd/auth"
	"github.com/fsxd/fsxd/authz"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/sigv4"
)

// auditEvent is a CloudTrail record (eventVersion 1.09). fsxd's own facts
// (which layer refused, this node) go in additionalEventData, where
// CloudTrail puts service-specific details.
type auditEvent struct {
	EventVersion        string            `json:"eventVersion"`
	UserIdentity        userIdentity      `json:"userIdentity"`
	EventTime           string            `json:"eventTime"`
	EventSource         string            `json:"eventSource"`
	EventName           string            `json:"eventName"`
	AWSRegion           string            `json:"awsRegion"`
	SourceIPAddress     string            `json:"sourceIPAddress"`
	UserAgent           string            `json:"userAgent"`
	ErrorCode           string            `json:"errorCode,omitempty"`
	ErrorMessage        string            `json:"errorMessage,omitempty"`
	RequestParameters   map[string]any    `json:"requestParameters"`
	ResponseElements    map[string]any    `json:"responseElements"`
	AdditionalEventData map[string]string `json:"additionalEventData,omitempty"`
	RequestID           string            `json:"requestID"`
	EventID             string            `json:"eventID"`
	ReadOnly            bool              `json:"readOnly"`
	EventType           string            `json:"eventType"`
	ManagementEvent     bool              `json:"managementEvent"`
	RecipientAccountID  string            `json:"recipientAccountId"`
}

type userIdentity struct {
	Type        string `json:"type"`
	PrincipalID string `json:"principalId,omitempty"`
	ARN         string `json:"arn,omitempty"`
	AccountID   string `json:"accountId,omitempty"`
	AccessKeyID string `json:"accessKeyId,omitempty"`
	UserName    string `json:"userName,omitempty"`
}

// audit records x if it changed the control plane or was refused.
func (s *Server) audit(x *outcome) {
	if s.auditLog == nil {
		return
	}
	mutation, denied := isMutation(x.a.name, x.op), isRefusal(x.code)
	if !mutation && !denied {
		return
	}
	line, err := json.Marshal(s.auditEvent(x, mutation))
	if err != nil { // cannot happen: maps of JSON values and strings
		s.log.Error("audit: cannot encode event", "request_id", x.id, "err", err)
		return
	}
	s.auditLog.append(append(line, '\n'))
}

// isMutation: control-plane operations other than reads. Unknown
// operations ("" or "Unsupported") changed nothing.
func isMutation(api, op string) bool {
	if api == "s3" || op == "" || op == "Unsupported" {
		return false
	}
	for _, read := range [...]string{"Describe", "List", "Get"} {
		if strings.HasPrefix(op, read) {
			return false
		}
	}
	return true
}

// isRefusal: the error codes of a refused request, by a policy or the
// file system (AccessDenied, FSx's AccessDeniedException) or because the
// signature or key was not accepted.
func isRefusal(code string) bool {
	switch code {
	case "AccessDenied", "AccessDeniedException", "InvalidAccessKeyId", "SignatureDoesNotMatch",
		"InvalidClientTokenId", "UnrecognizedClientException", "InvalidSignatureException":
		return true
	}
	return false
}

func (s *Server) auditEvent(x *outcome, mutation bool) *auditEvent {
	info := &x.w.info
	src, _ := authz.SourceFrom(x.r.Context())
	ev := &auditEvent{
		EventVersion:       "1.09",
		UserIdentity:       identityOf(info.principal, x.r),
		EventTime:          s.cfg.Now().UTC().Format("2006-01-02T15:04:05Z"),
		EventSource:        eventSource(x.a.name, x.r),
		EventName:          x.op,
		AWSRegion:          s.cfg.Region,
		SourceIPAddress:    src.SourceIP,
		UserAgent:          x.r.UserAgent(),
		RequestParameters:  requestParameters(x),
		RequestID:          x.id,
		EventID:            newEventID(),
		ReadOnly:           !mutation,
		EventType:          "AwsApiCall",
		ManagementEvent:    x.a.name != "s3",
		RecipientAccountID: s.cfg.AccountID,
	}
	if x.err != nil {
		e := awserr.From(x.err, awserr.InternalError)
		ev.ErrorCode, ev.ErrorMessage = e.Code, e.Message
	}
	ev.AdditionalEventData = map[string]string{"fsxdNode": s.cfg.NodeID}
	if action, resource, layer, ok := denialOf(x.err, info); ok {
		ev.AdditionalEventData["denyLayer"] = string(layer)
		ev.AdditionalEventData["deniedAction"] = action
		ev.AdditionalEventData["deniedResource"] = resource
	}
	return ev
}

// identityOf is CloudTrail's userIdentity: the authenticated principal,
// or for a request whose signature was refused, the key it named.
func identityOf(p *auth.Principal, r *http.Request) userIdentity {
	if p == nil {
		key, _, _, _ := sigv4.ParseScope(r)
		return userIdentity{Type: "Unknown", AccessKeyID: key}
	}
	u := userIdentity{Type: "IAMUser", PrincipalID: p.UserID, ARN: p.ARN, AccountID: p.AccountID,
		AccessKeyID: p.AccessKeyID, UserName: p.UserName}
	if p.IsRoot {
		u.Type = "Root"
	}
	return u
}

func eventSource(api string, r *http.Request) string {
	switch api {
	case "fsx":
		return "fsx.amazonaws.com"
	case "iam":
		if _, _, svc, _ := sigv4.ParseScope(r); svc == "sts" {
			return "sts.amazonaws.com"
		}
		return "iam.amazonaws.com"
	}
	return "s3.amazonaws.com" // S3 and S3 Control alike, as CloudTrail does
}

// newEventID is a random (version 4) UUID, CloudTrail's eventID shape.
func newEventID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// requestParameters are what the request named, in CloudTrail's
// lowerCamelCase, secrets masked. Object data is never part of them.
func requestParameters(x *outcome) map[string]any {
	info := &x.w.info
	switch x.a.name {
	case "fsx":
		var m map[string]any
		if json.Unmarshal(info.body.kept(), &m) != nil {
			return nil
		}
		return scrub(m)
	case "iam":
		return scrub(formParameters(x.r.URL.RawQuery, info.body.kept()))
	case "s3control":
		return s3ControlParameters(x.r, info)
	}
	m := map[string]any{"Host": x.r.Host}
	if info.accessPoint != "" {
		m["accessPointName"] = info.accessPoint
	}
	if info.key != "" {
		m["key"] = info.key
	}
	return m
}

// formParameters are a Query API request's parameters but its Action,
// Version and presigning fields.
func formParameters(query string, body []byte) map[string]any {
	m := map[string]any{}
	for _, src := range []string{query, string(body)} {
		v, _ := url.ParseQuery(src)
		for k, vs := range v {
			if k == "Action" || k == "Version" || strings.HasPrefix(k, "X-Amz-") || len(vs) == 0 {
				continue
			}
			m[k] = vs[0]
		}
	}
	return m
}

// s3ControlParameters: the account and access point named, and the policy
// document of PutAccessPointPolicy.
func s3ControlParameters(r *http.Request, info *reqInfo) map[string]any {
	m := map[string]any{"accountId": r.Header.Get("X-Amz-Account-Id")}
	if info.accessPoint != "" {
		m["name"] = info.accessPoint
	}
	var put struct{ Policy string }
	if body := info.body.kept(); len(body) > 0 && xml.Unmarshal(body, &put) == nil && put.Policy != "" {
		m["policy"] = put.Policy
	}
	return m
}

// masked is what CloudTrail writes in place of a sensitive parameter.
const masked = "HIDDEN_DUE_TO_SECURITY_REASONS"

// scrub lower-cases each key's first letter, as CloudTrail spells
// parameters, and masks every value whose key names a password or a
// secret, at any depth.
func scrub(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		lk := strings.ToLower(k)
		switch {
		case strings.Contains(lk, "password"), strings.Contains(lk, "secret"):
			v = masked
		default:
			v = scrubValue(v)
		}
		out[lowerFirst(k)] = v
	}
	return out
}

func scrubValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		return scrub(t)
	case []any:
		for i := range t {
			t[i] = scrubValue(t[i])
		}
	}
	return v
}

func lowerFirst(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}
