package policy

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// wrap puts one statement's members into an otherwise valid document.
func wrap(members string) string {
	return `{"Version":"2012-10-17","Statement":{` + members + `}}`
}

const okAct = `"Effect":"Allow","Action":"s3:GetObject","Resource":"*"`

var parseErrors = []struct {
	text string
	kind Kind
	msg  string
}{
	{``, 0, msgFirstByte},
	{`[]`, 0, msgFirstByte},
	{`"x"`, 0, msgFirstByte},
	{`{`, 0, msgInvalidJSON},
	{`{"Statement":` + `{` + okAct + `}} trailing`, 0, msgInvalidJSON},
	{`{"Statement":{` + okAct + `}}{}`, 0, msgInvalidJSON},
	{`{"Statement":{` + okAct + `},}`, 0, msgInvalidJSON},
	{`{}`, 0, "Missing required field Statement"},
	{`{"Statement":[]}`, 0, "Missing required field Statement"},
	{`{"Version":"2012-10-18","Statement":{` + okAct + `}}`, 0, "The policy must contain a valid version string"},
	{`{"Version":2012,"Statement":{` + okAct + `}}`, 0, "The policy must contain a valid version string"},
	{`{"Id":5,"Statement":{` + okAct + `}}`, 0, "Invalid Id"},
	{`{"Statment":{` + okAct + `}}`, 0, "Unknown field Statment"},
	{`{"Statement":{` + okAct + `},"Statement":{` + okAct + `}}`, 0, "Duplicate key Statement"},
	{wrap(okAct + `,"Effect":"Deny"`), 0, "Duplicate key Effect"},
	{`{"Statement":["x"]}`, 0, "Statement must be an object"},
	{strings.Repeat(`{"a":`, 40) + `1` + strings.Repeat(`}`, 40), 0, msgInvalidJSON},
	{wrap(`"Action":"s3:GetObject","Resource":"*"`), 0, "Missing required field Effect"},
	{wrap(`"Effect":"allow","Action":"s3:GetObject","Resource":"*"`), 0, "Invalid effect: allow"},
	{wrap(`"Effect":"Permit","Action":"s3:GetObject","Resource":"*"`), 0, "Invalid effect: Permit"},
	{wrap(`"Effect":"Allow","Resource":"*"`), 0, "Missing required field Action"},
	{wrap(okAct + `,"NotAction":"s3:PutObject"`), 0, "Statement cannot contain both Action and NotAction"},
	{wrap(`"Effect":"Allow","Action":"s3GetObject","Resource":"*"`), 0, "Policy has invalid action"},
	{wrap(`"Effect":"Allow","Action":"s3:","Resource":"*"`), 0, "Policy has invalid action"},
	{wrap(`"Effect":"Allow","Action":":GetObject","Resource":"*"`), 0, "Policy has invalid action"},
	{wrap(`"Effect":"Allow","Action":"s3:Get:Object","Resource":"*"`), 0, "Policy has invalid action"},
	{wrap(`"Effect":"Allow","Action":"s3:Get Object","Resource":"*"`), 0, "Policy has invalid action"},
	{wrap(`"Effect":"Allow","Action":"","Resource":"*"`), 0, "Policy has invalid action"},
	{wrap(`"Effect":"Allow","Action":[],"Resource":"*"`), 0, "Policy has invalid action"},
	{wrap(`"Effect":"Allow","Action":["s3:GetObject",7],"Resource":"*"`), 0, "Policy has invalid action"},
	{wrap(`"Effect":"Allow","Action":"s3:GetObject"`), 0, "Missing required field Resource"},
	{wrap(`"Effect":"Allow","Action":"s3:GetObject","Resource":"bucket/*"`), 0, "Policy has invalid resource"},
	{wrap(`"Effect":"Allow","Action":"s3:GetObject","Resource":["*",""]`), 0, "Policy has invalid resource"},
	{wrap(okAct + `,"NotResource":"*"`), 0, "Statement cannot contain both Resource and NotResource"},
	{wrap(okAct + `,"Principal":"arn:aws:iam::111122223333:root"`), 0, msgBadPrincipal},
	{wrap(okAct + `,"Principal":{}`), 0, msgBadPrincipal},
	{wrap(okAct + `,"Principal":{"AWS":"12345"}`), 0, msgBadPrincipal},
	{wrap(okAct + `,"Principal":{"AWS":"arn:aws:iam::12345:user/x"}`), 0, msgBadPrincipal},
	{wrap(okAct + `,"Principal":{"AWS":"arn:aws:iam::111122223333:user/*"}`), 0, msgBadPrincipal},
	{wrap(okAct + `,"Principal":{"AWS":"arn:aws:s3:::bucket"}`), 0, msgBadPrincipal},
	{wrap(okAct + `,"Principal":{"AWS":"AIDA12"}`), 0, msgBadPrincipal},
	{wrap(okAct + `,"Principal":{"AWS":"AIDAjqablzs4a3qdu576q"}`), 0, msgBadPrincipal},
	{wrap(okAct + `,"Principal":{"AWS":"AKIAJQABLZS4A3QDU576Q"}`), 0, msgBadPrincipal},
	{wrap(okAct + `,"Principal":{"Group":"x"}`), 0, msgBadPrincipal},
	{wrap(okAct + `,"Principal":"*","NotPrincipal":"*"`), 0, "Statement cannot contain both Principal and NotPrincipal"},
	{wrap(okAct + `,"Sid":1`), 0, "Invalid Sid"},
	{wrap(okAct + `,"Condtion":{}`), 0, "Unknown field Condtion"},
	{`{"Statement":[{"Sid":"a",` + okAct + `},{"Sid":"a",` + okAct + `}]}`, 0, "Statement IDs (SID) in a single policy must be unique"},
	{`{"Statement":[{"Sid":"a",` + okAct + `},{"Sid":"b",` + okAct + `},{"Sid":"a",` + okAct + `}]}`, 0, "Statement IDs (SID) in a single policy must be unique"},
	{wrap(okAct + `,"Condition":[]`), 0, "Invalid Condition element"},
	{wrap(okAct + `,"Condition":{"StringEqualz":{"k":"v"}}`), 0, "Invalid Condition type : StringEqualz"},
	{wrap(okAct + `,"Condition":{"NullIfExists":{"k":"true"}}`), 0, "Invalid Condition type : NullIfExists"},
	{wrap(okAct + `,"Condition":{"ForAnyValue:Null":{"k":"true"}}`), 0, "Invalid Condition type : ForAnyValue:Null"},
	{wrap(okAct + `,"Condition":{"ForSomeValues:StringEquals":{"k":"v"}}`), 0, "Invalid Condition type : ForSomeValues:StringEquals"},
	{wrap(okAct + `,"Condition":{"StringEquals":{}}`), 0, "Invalid Condition block for StringEquals"},
	{wrap(okAct + `,"Condition":{"StringEquals":"v"}`), 0, "Invalid Condition block for StringEquals"},
	{wrap(okAct + `,"Condition":{"StringEquals":{"k":null}}`), 0, "Invalid Condition value for StringEquals: k"},
	{wrap(okAct + `,"Condition":{"StringEquals":{"k":{"a":"b"}}}`), 0, "Invalid Condition value for StringEquals: k"},
	{wrap(okAct + `,"Condition":{"StringEquals":{"k":[]}}`), 0, "Invalid Condition value for StringEquals: k"},
	{wrap(okAct + `,"Condition":{"NumericLessThan":{"k":"ten"}}`), 0, "Invalid Condition value for NumericLessThan: ten"},
	{wrap(okAct + `,"Condition":{"NumericLessThan":{"k":"${aws:username}"}}`), 0, "Invalid Condition value for NumericLessThan: ${aws:username}"},
	{wrap(okAct + `,"Condition":{"DateLessThan":{"k":"yesterday"}}`), 0, "Invalid Condition value for DateLessThan: yesterday"},
	{wrap(okAct + `,"Condition":{"Bool":{"k":"yes"}}`), 0, "Invalid Condition value for Bool: yes"},
	{wrap(okAct + `,"Condition":{"Null":{"k":1}}`), 0, "Invalid Condition value for Null: 1"},
	{wrap(okAct + `,"Condition":{"BinaryEquals":{"k":"!!"}}`), 0, "Invalid Condition value for BinaryEquals: !!"},
	{wrap(okAct + `,"Condition":{"IpAddress":{"k":"300.1.1.1"}}`), 0, "Invalid Condition value for IpAddress: 300.1.1.1"},
	{wrap(okAct + `,"Condition":{"IpAddress":{"k":"10.0.0.0/33"}}`), 0, "Invalid Condition value for IpAddress: 10.0.0.0/33"},
	{wrap(okAct), ResourcePolicy, "Missing required field Principal"},
	{wrap(okAct + `,"Principal":"*"`), IdentityPolicy, "Has prohibited field Principal"},
	{wrap(okAct + `,"NotPrincipal":{"AWS":"111122223333"}`), IdentityPolicy, "Has prohibited field NotPrincipal"},
	{`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/a"}}}`, TrustPolicy, "NotPrincipal may be used only with Deny in a trust policy"},
}

func TestParseErrors(t *testing.T) {
	for _, c := range parseErrors {
		d, err := ParseKind([]byte(c.text), c.kind)
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Msg != c.msg {
			t.Errorf("ParseKind(%s, %d) = %v, %v; want ParseError %q", c.text, c.kind, d, err, c.msg)
		}
	}
}

func TestParseAccepts(t *testing.T) {
	for _, text := range []string{
		wrap(okAct),
		`{"Version":"2008-10-17","Id":"x","Statement":[{"Sid":"1",` + okAct + `},{"Sid":"2",` + okAct + `}]}`,
		`{"Statement":[{"Sid":"",` + okAct + `},{` + okAct + `},{"Sid":"",` + okAct + `}]}`, // no Sid is not a Sid
		wrap(okAct + `,"Principal":{"AWS":["111122223333","arn:aws:sts::111122223333:assumed-role/R/s"],"Service":"s3.amazonaws.com"}`),
		wrap(`"Effect":"Deny","NotAction":["s3:*"],"NotResource":["arn:aws:s3:::b"]`),
		wrap(okAct + `,"Condition":{"ForAllValues:StringLikeIfExists":{"aws:TagKeys":["a*",1,true]}}`),
		wrap(okAct + `,"Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32","::ffff:10.0.0.1"]}}`),
	} {
		if _, err := Parse([]byte(text)); err != nil {
			t.Errorf("Parse(%s): %v", text, err)
		}
	}
	for _, k := range []Kind{IdentityPolicy, ResourcePolicy} {
		if _, err := ParseKind([]byte(exDelegate), k); (err == nil) != (k == ResourcePolicy) {
			t.Errorf("ParseKind(delegation policy, %d): %v", k, err)
		}
	}
}

func TestSizeAndActions(t *testing.T) {
	pretty := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\n    \"Sid\": \"with spaces \\\" inside\",\n" +
		"    \"Effect\": \"Allow\",\n    \"Action\": [\"s3:GetObject\", \"s3:GetBucketLocation\"],\n    \"Resource\": \"*\"\n  },\n" +
		"  {\"Effect\": \"Deny\", \"NotAction\": \"s3:ListBucketMultipartUploads\", \"Resource\": \"*\"}]\n}\n"
	d := mustParse(t, pretty, 0)
	min := `{"Version":"2012-10-17","Statement":[{"Sid":"with spaces \" inside","Effect":"Allow",` +
		`"Action":["s3:GetObject","s3:GetBucketLocation"],"Resource":"*"},` +
		`{"Effect":"Deny","NotAction":"s3:ListBucketMultipartUploads","Resource":"*"}]}`
	if got := string(Normalize([]byte(pretty))); got != min {
		t.Errorf("Normalize:\n got %s\nwant %s", got, min)
	}
	if d.Size() != len(min) {
		t.Errorf("Size() = %d, want %d", d.Size(), len(min))
	}
	want := []string{"s3:GetObject", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"}
	if got := d.Actions(); !slices.Equal(got, want) {
		t.Errorf("Actions() = %q, want %q", got, want)
	}
	d.Actions()[0] = "changed"
	if d.Actions()[0] != "s3:GetObject" {
		t.Error("Actions() exposes the document's slice")
	}
	if d.Version() != "2012-10-17" {
		t.Errorf("Version() = %q", d.Version())
	}
}

// TestPrincipalNames: the ARNs and unique ids a document names, each once,
// across statements and NotPrincipal; account roots and "*" are neither.
func TestPrincipalNames(t *testing.T) {
	const u, r = "arn:aws:iam::111122223333:user/u", "arn:aws:iam::111122223333:role/r"
	const uid, rid = "AIDAEXAMPLEUSER0001", "AROAEXAMPLEROLE0001"
	for _, tc := range []struct {
		text      string
		arns, ids []string
	}{
		{wrap(okAct), nil, nil},
		{wrap(okAct + `,"Principal":"*"`), nil, nil},
		{wrap(okAct + `,"Principal":{"AWS":["111122223333","arn:aws:iam::111122223333:root"]}`), nil, nil},
		{wrap(okAct + `,"Principal":{"AWS":["` + u + `","` + uid + `","` + u + `"]}`), []string{u}, []string{uid}},
		{`{"Version":"2012-10-17","Statement":[{` + okAct + `,"Principal":{"AWS":"` + r + `"}},{"Effect":"Deny","Action":"*","Resource":"*","NotPrincipal":{"AWS":["` + u + `","` + rid + `","` + r + `"]}}]}`,
			[]string{r, u}, []string{rid}},
	} {
		d, err := Parse([]byte(tc.text))
		if err != nil {
			t.Fatalf("Parse(%s): %v", tc.text, err)
		}
		if got := d.PrincipalARNs(); !slices.Equal(got, tc.arns) {
			t.Errorf("PrincipalARNs(%s) = %q, want %q", tc.text, got, tc.arns)
		}
		if got := d.PrincipalIDs(); !slices.Equal(got, tc.ids) {
			t.Errorf("PrincipalIDs(%s) = %q, want %q", tc.text, got, tc.ids)
		}
	}
}
