package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRoleCLIProfile: the AWS CLI with a role_arn + source_profile profile
// assumes the role itself and makes one S3 call through it. The CLI sends
// the AssumeRole call to STS's endpoint, not to --endpoint-url, so an STS
// endpoint rule set in AWS_DATA_PATH points it at this server (CLI 2.9
// has no per-profile endpoint_url).
func TestRoleCLIProfile(t *testing.T) {
	aws := filepath.Join(readmeAWS(t), "aws")
	e := Start(t)
	alias, _ := azAccessPoint(t, e, "role-cli", "")
	u := azUser(t, e, "assumer", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"`+readerRoleARN+`"}}`)
	roleARN := readerRole(t, e, "role-cli")

	data := t.TempDir()
	stsDir := filepath.Join(data, "sts", "2011-06-15")
	if err := os.MkdirAll(stsDir, 0o755); err != nil {
		t.Fatal(err)
	}
	rules, _ := json.Marshal(map[string]any{
		"version": "1.0",
		"parameters": map[string]any{
			"Region":            map[string]any{"builtIn": "AWS::Region", "required": false, "documentation": "", "type": "String"},
			"UseDualStack":      map[string]any{"builtIn": "AWS::UseDualStack", "required": true, "default": false, "documentation": "", "type": "Boolean"},
			"UseFIPS":           map[string]any{"builtIn": "AWS::UseFIPS", "required": true, "default": false, "documentation": "", "type": "Boolean"},
			"Endpoint":          map[string]any{"builtIn": "SDK::Endpoint", "required": false, "documentation": "", "type": "String"},
			"UseGlobalEndpoint": map[string]any{"builtIn": "AWS::STS::UseGlobalEndpoint", "required": true, "default": false, "documentation": "", "type": "Boolean"},
		},
		"rules": []any{map[string]any{"conditions": []any{}, "type": "endpoint",
			"endpoint": map[string]any{"url": e.URL, "properties": map[string]any{}, "headers": map[string]any{}}}},
	})
	if err := os.WriteFile(filepath.Join(stsDir, "endpoint-rule-set-1.json"), rules, 0o644); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	config := "[profile src]\naws_access_key_id = " + u.KeyID + "\naws_secret_access_key = " + u.Secret + "\n" +
		"[profile reader]\nrole_arn = " + roleARN + "\nsource_profile = src\nrole_session_name = cli\n"
	cfgPath := filepath.Join(home, "config")
	if err := os.WriteFile(cfgPath, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"HOME=" + home, "AWS_CONFIG_FILE=" + cfgPath, "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "none"),
		"AWS_DEFAULT_REGION=" + Region, "AWS_DATA_PATH=" + data, "AWS_PROFILE=reader"}
	out := runTool(t, env, aws, "--endpoint-url", e.URL, "s3api", "get-object", "--bucket", alias, "--key", "public/a.txt", filepath.Join(home, "got"))
	if got, err := os.ReadFile(filepath.Join(home, "got")); err != nil || string(got) != "public/a.txt" {
		t.Fatalf("get-object through the role: %q, %v\n%s", got, err, out)
	}
	// The same profile is refused what the role may not do.
	out, err := runToolErr(env, aws, "--endpoint-url", e.URL, "s3api", "put-object", "--bucket", alias, "--key", "x")
	if err == nil || !strings.Contains(out, "AccessDenied") {
		t.Fatalf("put-object through the role: %v\n%s", err, out)
	}
}
