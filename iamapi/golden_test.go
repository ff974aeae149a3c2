package iamapi

import (
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/identity"
	"github.com/fsxd/fsxd/store"
	"github.com/fsxd/fsxd/store/sqlite"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenService is the service with a fixed clock and a fixed root
// caller: the wire format is what is under test.
func goldenService(t testing.TB) *Service {
	b, err := sqlite.Open(filepath.Join(t.TempDir(), "fsxd.db"))
	if err != nil {
		t.Fatal(err)
	}
	st := store.New(b)
	t.Cleanup(func() { st.Close() })
	root := &fsxd.Principal{AccountID: testAccount, ARN: "arn:aws:iam::" + testAccount + ":root", UserID: testAccount, IsRoot: true, AccessKeyID: rootKey}
	now := func() time.Time { return time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC) }
	dir := identity.New(identity.Config{Store: st, Account: testAcct, Secrets: newEnvBox(t), Now: now})
	return New(Config{
		Identity:     dir,
		Now:          now,
		Authenticate: func(*http.Request) (*fsxd.Principal, error) { return root, nil },
	})
}

// Random ids are replaced before comparing.
var randomIDs = regexp.MustCompile(`\b(AIDA|AGPA|ANPA)[A-Z2-7]{17}\b|\bAKIA[A-Z2-7]{16}\b`)

// The managed policy the golden files create.
const (
	policyDoc = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22*%22%7D%7D"
	policyARN = "arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2Fapp%2Fread"
)

// TestGolden replays request/response pairs: testdata/<name>.txt holds
// the request (method, then the form) and, after a "----" line, the
// response status and body.
func TestGolden(t *testing.T) {
	s := goldenService(t)
	for _, c := range []struct{ name, method, form string }{
		{"list_users_empty", "POST", "Action=ListUsers&Version=2010-05-08"},
		{"create_user", "POST", "Action=CreateUser&Version=2010-05-08&UserName=alice&Path=%2Feng%2F&Tags.member.1.Key=team&Tags.member.1.Value=storage"},
		{"get_user_root", "GET", "Action=GetUser&Version=2010-05-08"},
		{"put_user_policy", "POST", "Action=PutUserPolicy&Version=2010-05-08&UserName=alice&PolicyName=read&PolicyDocument=" +
			"%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22*%22%7D%7D"},
		{"get_user_policy", "POST", "Action=GetUserPolicy&Version=2010-05-08&UserName=alice&PolicyName=read"},
		{"create_user_minimal", "POST", "Action=CreateUser&Version=2010-05-08&UserName=bob"},
		{"list_users_page", "POST", "Action=ListUsers&Version=2010-05-08&MaxItems=1"},
		{"list_users_next", "POST", "Action=ListUsers&Version=2010-05-08&MaxItems=1&Marker=YWxpY2U"},
		{"delete_user", "POST", "Action=DeleteUser&Version=2010-05-08&UserName=bob"},
		{"get_caller_identity", "POST", "Action=GetCallerIdentity&Version=2011-06-15"},
		{"error_no_such_entity", "POST", "Action=GetUser&Version=2010-05-08&UserName=nobody"},
		{"error_validation", "POST", "Action=CreateUser&Version=2010-05-08"},
		{"error_invalid_action", "POST", "Action=CreateBucket&Version=2010-05-08"},
		{"error_sts_version", "POST", "Action=GetCallerIdentity&Version=2010-05-08"},
		{"error_duplicate_parameter", "POST", "Action=GetUser&Version=2010-05-08&UserName=a&UserName=b"},
		{"error_malformed_policy", "POST", "Action=PutUserPolicy&Version=2010-05-08&UserName=alice&PolicyName=p&PolicyDocument=%7B%7D"},
		{"create_policy", "POST", "Action=CreatePolicy&Version=2010-05-08&PolicyName=read&Path=%2Fapp%2F&Description=reads&PolicyDocument=" + policyDoc},
		{"create_policy_version", "POST", "Action=CreatePolicyVersion&Version=2010-05-08&PolicyArn=" + policyARN + "&SetAsDefault=true&PolicyDocument=" + policyDoc},
		{"get_policy_version", "POST", "Action=GetPolicyVersion&Version=2010-05-08&PolicyArn=" + policyARN + "&VersionId=v1"},
		{"list_policy_versions", "POST", "Action=ListPolicyVersions&Version=2010-05-08&PolicyArn=" + policyARN},
		{"attach_user_policy", "POST", "Action=AttachUserPolicy&Version=2010-05-08&UserName=alice&PolicyArn=" + policyARN},
		{"get_policy", "POST", "Action=GetPolicy&Version=2010-05-08&PolicyArn=" + policyARN},
		{"list_policies", "POST", "Action=ListPolicies&Version=2010-05-08&Scope=Local"},
		{"list_attached_user_policies", "POST", "Action=ListAttachedUserPolicies&Version=2010-05-08&UserName=alice"},
		{"list_entities_for_policy", "POST", "Action=ListEntitiesForPolicy&Version=2010-05-08&PolicyArn=" + policyARN},
		{"error_delete_policy_attached", "POST", "Action=DeletePolicy&Version=2010-05-08&PolicyArn=" + policyARN},
		{"error_delete_default_version", "POST", "Action=DeletePolicyVersion&Version=2010-05-08&PolicyArn=" + policyARN + "&VersionId=v2"},
		{"error_no_such_policy", "POST", "Action=GetPolicy&Version=2010-05-08&PolicyArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2Fnone"},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(c.method, "/", nil)
			if c.method == "GET" {
				req.URL.RawQuery = c.form
			} else {
				req = httptest.NewRequest(c.method, "/", strings.NewReader(c.form))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			req = req.WithContext(awserr.WithRequestID(req.Context(), "REQ-"+c.name))
			w := httptest.NewRecorder()
			s.Serve(w, req)
			got := c.method + " " + c.form + "\n----\n" + strconv.Itoa(w.Code) + "\n" + randomIDs.ReplaceAllStringFunc(w.Body.String(), func(id string) string {
				return id[:4] + strings.Repeat("X", len(id)-4)
			}) + "\n"
			path := filepath.Join("testdata", c.name+".txt")
			if *update {
				os.MkdirAll("testdata", 0o755)
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create)", err)
			}
			if got != string(want) {
				t.Errorf("response differs from %s:\n got: %s\nwant: %s", path, got, want)
			}
			if ct := w.Header().Get("Content-Type"); ct != "text/xml" {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
}
