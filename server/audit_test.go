package server

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

func TestIsMutation(t *testing.T) {
	for _, tc := range []struct {
		api, op string
		want    bool
	}{
		{"fsx", "CreateVolume", true},
		{"fsx", "DetachAndDeleteS3AccessPoint", true},
		{"fsx", "TagResource", true},
		{"fsx", "DescribeVolumes", false},
		{"fsx", "ListTagsForResource", false},
		{"fsx", "", false},
		{"s3control", "PutAccessPointPolicy", true},
		{"s3control", "DeleteAccessPoint", true},
		{"s3control", "GetAccessPointPolicy", false},
		{"s3control", "Unsupported", false},
		{"iam", "CreateAccessKey", true},
		{"iam", "GetCallerIdentity", false},
		{"s3", "PutObject", false}, // data events: only refusals
	} {
		if got := isMutation(tc.api, tc.op); got != tc.want {
			t.Errorf("isMutation(%s, %s) = %v, want %v", tc.api, tc.op, got, tc.want)
		}
	}
}

// TestScrubMasksSecretsAtAnyDepth: every parameter named like a password
// or secret is masked, in objects and in arrays of objects.
func TestScrubMasksSecretsAtAnyDepth(t *testing.T) {
	var in map[string]any
	json.Unmarshal([]byte(`{"Name":"svm1","SvmAdminPassword":"pw1",
		"ActiveDirectoryConfiguration":{"SelfManagedActiveDirectoryConfiguration":{"UserName":"admin","Password":"pw2"}},
		"Things":[{"ClientSecret":"pw3","Keep":"x"}]}`), &in)
	out, _ := json.Marshal(scrub(in))
	s := string(out)
	for _, pw := range []string{"pw1", "pw2", "pw3"} {
		if strings.Contains(s, pw) {
			t.Errorf("%s survives: %s", pw, s)
		}
	}
	for _, want := range []string{`"svmAdminPassword":"HIDDEN_DUE_TO_SECURITY_REASONS"`, `"password":"HIDDEN_DUE_TO_SECURITY_REASONS"`,
		`"name":"svm1"`, `"userName":"admin"`, `"keep":"x"`} {
		if !strings.Contains(s, want) {
			t.Errorf("scrubbed %s lacks %s", s, want)
		}
	}
}

// TestAccessPointLabelsBounded: beyond maxAPLabels names, requests count
// under otherAP, and known names keep their own series.
func TestAccessPointLabelsBounded(t *testing.T) {
	a := apSeries{vec: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "x"}, []string{"access_point"})}
	for i := range maxAPLabels + 50 {
		a.counter(fmt.Sprintf("ap-%d", i)).Inc()
	}
	a.counter("ap-0").Inc()
	if n := countSeries(a.vec); n != maxAPLabels+1 {
		t.Errorf("%d series, want %d", n, maxAPLabels+1)
	}
	if v := counterValue(a.vec.WithLabelValues(otherAP)); v != 50 {
		t.Errorf("%s = %v, want 50", otherAP, v)
	}
	if v := counterValue(a.vec.WithLabelValues("ap-0")); v != 2 {
		t.Errorf("ap-0 = %v, want 2", v)
	}
}

func counterValue(c prometheus.Counter) float64 {
	var m dto.Metric
	c.Write(&m)
	return m.GetCounter().GetValue()
}

func countSeries(c prometheus.Collector) int {
	ch := make(chan prometheus.Metric, 1024)
	c.Collect(ch)
	close(ch)
	return len(ch)
}
