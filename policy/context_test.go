package policy

import "testing"

func TestReadsContext(t *testing.T) {
	for _, c := range []struct {
		doc  string
		want bool
	}{
		{`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`, false},
		{`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"}}`, true},
		{`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:sourceip, 'x'}"}}`, true},
		{`{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}"}}`, false}, // literal text in 2008
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"},
			{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`, true},
	} {
		d, err := ParseKind([]byte(c.doc), IdentityPolicy)
		if err != nil {
			t.Fatalf("%s: %v", c.doc, err)
		}
		if d.ReadsContext() != c.want {
			t.Errorf("%s: ReadsContext %v, want %v", c.doc, !c.want, c.want)
		}
	}
}
