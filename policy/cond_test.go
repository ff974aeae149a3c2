package policy

import "testing"

// condCase is one row of the operator truth table: a Condition block inside
// an Allow-everything statement, the request's context, and whether the
// statement applies (Allow) or not (Deny).
type condCase struct {
	cond string
	ctx  map[string][]string
	want Decision
}

// kv builds a context; repeating a key makes it multi-valued.
func kv(pairs ...string) map[string][]string {
	m := map[string][]string{}
	for i := 0; i+1 < len(pairs); i += 2 {
		m[pairs[i]] = append(m[pairs[i]], pairs[i+1])
	}
	return m
}

const (
	T = Allow // the condition holds
	F = Deny  // it doesn't
)

var (
	none  = map[string][]string(nil)
	empty = map[string][]string{"s3:prefix": {}}
)

var condCases = []condCase{
	// String operators.
	{`"StringEquals":{"s3:prefix":"home/"}`, kv("s3:prefix", "home/"), T},
	{`"StringEquals":{"s3:prefix":"home/"}`, kv("s3:prefix", "Home/"), F},
	{`"StringEquals":{"s3:prefix":"home/"}`, none, F},
	{`"StringEquals":{"s3:prefix":"home/"}`, empty, F},
	{`"StringEquals":{"s3:prefix":["tmp/","home/"]}`, kv("s3:prefix", "home/"), T},
	{`"StringEquals":{"s3:prefix":"home/*"}`, kv("s3:prefix", "home/x"), F},
	{`"StringEquals":{"s3:prefix":"home/*"}`, kv("s3:prefix", "home/*"), T},
	{`"StringEquals":{"s3:prefix":"home/","s3:delimiter":"/"}`, kv("s3:prefix", "home/", "s3:delimiter", "/"), T},
	{`"StringEquals":{"s3:prefix":"home/","s3:delimiter":"/"}`, kv("s3:prefix", "home/"), F},
	{`"StringEquals":{"S3:Prefix":"home/"}`, kv("s3:prefix", "home/"), T},
	{`"stringequals":{"s3:prefix":"home/"}`, kv("s3:prefix", "home/"), T},
	{`"StringNotEquals":{"s3:prefix":"home/"}`, kv("s3:prefix", "home/"), F},
	{`"StringNotEquals":{"s3:prefix":"home/"}`, kv("s3:prefix", "tmp/"), T},
	{`"StringNotEquals":{"s3:prefix":"home/"}`, none, T},
	{`"StringNotEquals":{"s3:prefix":["home/","tmp/"]}`, kv("s3:prefix", "tmp/"), F},
	{`"StringEqualsIgnoreCase":{"s3:prefix":"HOME/"}`, kv("s3:prefix", "home/"), T},
	{`"StringEqualsIgnoreCase":{"s3:prefix":"ÄRGER/"}`, kv("s3:prefix", "ärger/"), T},
	{`"StringEqualsIgnoreCase":{"s3:prefix":"HOME/"}`, kv("s3:prefix", "homes/"), F},
	{`"StringNotEqualsIgnoreCase":{"s3:prefix":"HOME/"}`, kv("s3:prefix", "home/"), F},
	{`"StringNotEqualsIgnoreCase":{"s3:prefix":"HOME/"}`, kv("s3:prefix", "tmp/"), T},
	{`"StringNotEqualsIgnoreCase":{"s3:prefix":"HOME/"}`, none, T},
	{`"StringLike":{"s3:prefix":"home/*"}`, kv("s3:prefix", "home/alice/"), T},
	{`"StringLike":{"s3:prefix":"home/*"}`, kv("s3:prefix", "Home/alice/"), F},
	{`"StringLike":{"s3:prefix":"h?me/"}`, kv("s3:prefix", "home/"), T},
	{`"StringLike":{"s3:prefix":"h?me/"}`, kv("s3:prefix", "hoome/"), F},
	{`"StringLike":{"s3:prefix":"*"}`, kv("s3:prefix", ""), T},
	{`"StringLike":{"s3:prefix":"*/*/*"}`, kv("s3:prefix", "a/b/c"), T},
	{`"StringLike":{"s3:prefix":"*/*/*"}`, kv("s3:prefix", "a/b"), F},
	{`"StringLike":{"s3:prefix":"home/*"}`, none, F},
	{`"StringNotLike":{"s3:prefix":"home/*"}`, kv("s3:prefix", "home/x"), F},
	{`"StringNotLike":{"s3:prefix":"home/*"}`, kv("s3:prefix", "tmp/x"), T},
	{`"StringNotLike":{"s3:prefix":"home/*"}`, none, T},

	// IfExists: a missing key passes; a present one is tested.
	{`"StringEqualsIfExists":{"s3:prefix":"home/"}`, none, T},
	{`"StringEqualsIfExists":{"s3:prefix":"home/"}`, kv("s3:prefix", "tmp/"), F},
	{`"StringEqualsIfExists":{"s3:prefix":"home/"}`, kv("s3:prefix", "home/"), T},
	{`"StringNotEqualsIfExists":{"s3:prefix":"home/"}`, none, T},
	{`"StringNotEqualsIfExists":{"s3:prefix":"home/"}`, kv("s3:prefix", "home/"), F},
	{`"StringLikeIfExists":{"s3:prefix":"home/*"}`, kv("s3:prefix", "tmp/"), F},

	// Multi-valued keys without a set operator: any value may match.
	{`"StringEquals":{"aws:tagkeys":"b"}`, kv("aws:tagkeys", "a", "aws:tagkeys", "b"), T},
	{`"StringNotEquals":{"aws:tagkeys":"b"}`, kv("aws:tagkeys", "a", "aws:tagkeys", "b"), F},
	{`"StringNotEquals":{"aws:tagkeys":"c"}`, kv("aws:tagkeys", "a", "aws:tagkeys", "b"), T},

	// Set operators.
	{`"ForAnyValue:StringEquals":{"aws:tagkeys":["a","x"]}`, kv("aws:tagkeys", "a", "aws:tagkeys", "b"), T},
	{`"ForAnyValue:StringEquals":{"aws:tagkeys":["a","x"]}`, kv("aws:tagkeys", "b", "aws:tagkeys", "c"), F},
	{`"ForAnyValue:StringEquals":{"aws:tagkeys":"a"}`, none, F},
	{`"ForAllValues:StringEquals":{"aws:tagkeys":["a","b"]}`, kv("aws:tagkeys", "a", "aws:tagkeys", "b"), T},
	{`"ForAllValues:StringEquals":{"aws:tagkeys":["a","b"]}`, kv("aws:tagkeys", "a", "aws:tagkeys", "c"), F},
	{`"ForAllValues:StringEquals":{"aws:tagkeys":["a","b"]}`, none, T},
	{`"ForAllValues:StringEquals":{"aws:tagkeys":["a","b"]}`, map[string][]string{"aws:tagkeys": {}}, T},
	{`"ForAnyValue:StringNotEquals":{"aws:tagkeys":"a"}`, kv("aws:tagkeys", "a", "aws:tagkeys", "b"), T},
	{`"ForAnyValue:StringNotEquals":{"aws:tagkeys":"a"}`, kv("aws:tagkeys", "a"), F},
	{`"ForAnyValue:StringNotEquals":{"aws:tagkeys":"a"}`, none, F},
	{`"ForAllValues:StringNotEquals":{"aws:tagkeys":"a"}`, kv("aws:tagkeys", "b", "aws:tagkeys", "c"), T},
	{`"ForAllValues:StringNotEquals":{"aws:tagkeys":"a"}`, kv("aws:tagkeys", "a", "aws:tagkeys", "b"), F},
	{`"ForAllValues:StringNotEquals":{"aws:tagkeys":"a"}`, none, T},
	{`"ForAllValues:StringLike":{"aws:tagkeys":"team/*"}`, kv("aws:tagkeys", "team/a", "aws:tagkeys", "team/b"), T},
	{`"ForAllValues:StringLike":{"aws:tagkeys":"team/*"}`, kv("aws:tagkeys", "team/a", "aws:tagkeys", "x"), F},
	{`"ForAnyValue:StringEqualsIfExists":{"aws:tagkeys":"a"}`, none, T},
	{`"ForAllValues:StringEqualsIgnoreCase":{"aws:tagkeys":["A","B"]}`, kv("aws:tagkeys", "a", "aws:tagkeys", "b"), T},
	{`"forallvalues:stringequals":{"aws:tagkeys":"a"}`, kv("aws:tagkeys", "a"), T},

	// Numeric operators; JSON numbers and strings alike.
	{`"NumericEquals":{"s3:max-keys":10}`, kv("s3:max-keys", "10"), T},
	{`"NumericEquals":{"s3:max-keys":10}`, kv("s3:max-keys", "10.0"), T},
	{`"NumericEquals":{"s3:max-keys":10}`, kv("s3:max-keys", "11"), F},
	{`"NumericEquals":{"s3:max-keys":10}`, kv("s3:max-keys", "ten"), F},
	{`"NumericEquals":{"s3:max-keys":10}`, none, F},
	{`"NumericNotEquals":{"s3:max-keys":10}`, kv("s3:max-keys", "10"), F},
	{`"NumericNotEquals":{"s3:max-keys":10}`, kv("s3:max-keys", "11"), T},
	{`"NumericNotEquals":{"s3:max-keys":10}`, none, T},
	{`"NumericLessThan":{"s3:max-keys":"10"}`, kv("s3:max-keys", "9"), T},
	{`"NumericLessThan":{"s3:max-keys":"10"}`, kv("s3:max-keys", "10"), F},
	{`"NumericLessThanEquals":{"s3:max-keys":10}`, kv("s3:max-keys", "10"), T},
	{`"NumericLessThanEquals":{"s3:max-keys":10}`, kv("s3:max-keys", "11"), F},
	{`"NumericGreaterThan":{"s3:max-keys":10}`, kv("s3:max-keys", "11"), T},
	{`"NumericGreaterThan":{"s3:max-keys":10}`, kv("s3:max-keys", "10"), F},
	{`"NumericGreaterThanEquals":{"s3:max-keys":10}`, kv("s3:max-keys", "10"), T},
	{`"NumericGreaterThanEquals":{"s3:max-keys":10}`, kv("s3:max-keys", "9"), F},
	{`"NumericGreaterThan":{"s3:max-keys":-1.5}`, kv("s3:max-keys", "0"), T},
	{`"NumericLessThan":{"s3:max-keys":10}`, none, F},
	{`"NumericLessThanIfExists":{"s3:max-keys":10}`, none, T},
	{`"NumericLessThanIfExists":{"s3:max-keys":10}`, kv("s3:max-keys", "100"), F},
	{`"NumericEquals":{"s3:max-keys":[5,10]}`, kv("s3:max-keys", "5"), T},

	// Date operators: ISO 8601 and epoch seconds, compared as instants.
	{`"DateLessThan":{"aws:currenttime":"2030-01-01T00:00:00Z"}`, kv("aws:currenttime", "2026-06-01T12:00:00Z"), T},
	{`"DateLessThan":{"aws:currenttime":"2030-01-01T00:00:00Z"}`, kv("aws:currenttime", "2031-01-01T00:00:00Z"), F},
	{`"DateGreaterThan":{"aws:currenttime":1700000000}`, kv("aws:currenttime", "2026-01-01T00:00:00Z"), T},
	{`"DateGreaterThan":{"aws:currenttime":"1700000000"}`, kv("aws:currenttime", "2020-01-01T00:00:00Z"), F},
	{`"DateEquals":{"aws:currenttime":"2026-01-01T00:00:00Z"}`, kv("aws:currenttime", "1767225600"), T},
	{`"DateEquals":{"aws:currenttime":"2026-01-01T00:00:00Z"}`, kv("aws:currenttime", "2026-01-01T01:00:00+01:00"), T},
	{`"DateEquals":{"aws:currenttime":"2026-01-01"}`, kv("aws:currenttime", "2026-01-01T00:00:00.000Z"), T},
	{`"DateNotEquals":{"aws:currenttime":"2026-01-01T00:00:00Z"}`, kv("aws:currenttime", "1767225600"), F},
	{`"DateNotEquals":{"aws:currenttime":"2026-01-01T00:00:00Z"}`, kv("aws:currenttime", "1767225601"), T},
	{`"DateNotEquals":{"aws:currenttime":"2026-01-01T00:00:00Z"}`, none, T},
	{`"DateLessThanEquals":{"aws:currenttime":"2026-01-01T00:00:00Z"}`, kv("aws:currenttime", "2026-01-01T00:00:00Z"), T},
	{`"DateGreaterThanEquals":{"aws:currenttime":"2026-01-01T00:00:00Z"}`, kv("aws:currenttime", "2026-01-01T00:00:00Z"), T},
	{`"DateGreaterThanEquals":{"aws:currenttime":"2026-01-01T00:00:00Z"}`, kv("aws:currenttime", "2025-12-31T23:59:59Z"), F},
	{`"DateLessThan":{"aws:currenttime":"2030-01-01T00:00:00Z"}`, kv("aws:currenttime", "soon"), F},
	{`"DateLessThan":{"aws:currenttime":"2030-01-01T00:00:00Z"}`, none, F},
	{`"DateLessThanIfExists":{"aws:currenttime":"2030-01-01T00:00:00Z"}`, none, T},

	// Bool.
	{`"Bool":{"aws:securetransport":"true"}`, kv("aws:securetransport", "true"), T},
	{`"Bool":{"aws:securetransport":"true"}`, kv("aws:securetransport", "TRUE"), T},
	{`"Bool":{"aws:securetransport":"true"}`, kv("aws:securetransport", "false"), F},
	{`"Bool":{"aws:securetransport":"true"}`, kv("aws:securetransport", "yes"), F},
	{`"Bool":{"aws:securetransport":"true"}`, none, F},
	{`"Bool":{"aws:securetransport":false}`, kv("aws:securetransport", "false"), T},
	{`"BoolIfExists":{"aws:securetransport":false}`, none, T},
	{`"BoolIfExists":{"aws:securetransport":false}`, kv("aws:securetransport", "true"), F},

	// BinaryEquals: the policy holds base64, the request the bytes.
	{`"BinaryEquals":{"s3:key":"QmluYXJ5VmFsdWU="}`, kv("s3:key", "BinaryValue"), T},
	{`"BinaryEquals":{"s3:key":"QmluYXJ5VmFsdWU="}`, kv("s3:key", "Other"), F},
	{`"BinaryEquals":{"s3:key":"QmluYXJ5VmFsdWU="}`, none, F},
	{`"BinaryEqualsIfExists":{"s3:key":"QmluYXJ5VmFsdWU="}`, none, T},

	// IP addresses: CIDR or plain, v4 and v6.
	{`"IpAddress":{"aws:sourceip":"203.0.113.0/24"}`, kv("aws:sourceip", "203.0.113.7"), T},
	{`"IpAddress":{"aws:sourceip":"203.0.113.0/24"}`, kv("aws:sourceip", "198.51.100.1"), F},
	{`"IpAddress":{"aws:sourceip":"203.0.113.9/24"}`, kv("aws:sourceip", "203.0.113.200"), T},
	{`"IpAddress":{"aws:sourceip":"203.0.113.7"}`, kv("aws:sourceip", "203.0.113.7"), T},
	{`"IpAddress":{"aws:sourceip":"203.0.113.7"}`, kv("aws:sourceip", "203.0.113.8"), F},
	{`"IpAddress":{"aws:sourceip":"2001:db8::/32"}`, kv("aws:sourceip", "2001:db8::1"), T},
	{`"IpAddress":{"aws:sourceip":"2001:db8::/32"}`, kv("aws:sourceip", "2001:db9::1"), F},
	{`"IpAddress":{"aws:sourceip":"2001:db8::/32"}`, kv("aws:sourceip", "203.0.113.7"), F},
	{`"IpAddress":{"aws:sourceip":"203.0.113.0/24"}`, kv("aws:sourceip", "::ffff:203.0.113.7"), T},
	{`"IpAddress":{"aws:sourceip":["10.0.0.0/8","203.0.113.0/24"]}`, kv("aws:sourceip", "10.1.2.3"), T},
	{`"IpAddress":{"aws:sourceip":"203.0.113.0/24"}`, kv("aws:sourceip", "bogus"), F},
	{`"IpAddress":{"aws:sourceip":"203.0.113.0/24"}`, none, F},
	{`"NotIpAddress":{"aws:sourceip":"203.0.113.0/24"}`, kv("aws:sourceip", "203.0.113.7"), F},
	{`"NotIpAddress":{"aws:sourceip":"203.0.113.0/24"}`, kv("aws:sourceip", "10.0.0.1"), T},
	{`"NotIpAddress":{"aws:sourceip":"203.0.113.0/24"}`, none, T},
	{`"NotIpAddressIfExists":{"aws:sourceip":"203.0.113.0/24"}`, none, T},

	// ARN operators match field by field; '*' can't cross a colon.
	{`"ArnEquals":{"aws:sourcearn":"` + ap + `"}`, kv("aws:sourcearn", ap), T},
	{`"ArnEquals":{"aws:sourcearn":"` + ap + `"}`, kv("aws:sourcearn", ap+"x"), F},
	{`"ArnLike":{"aws:sourcearn":"arn:aws:s3:*:111122223333:accesspoint/*"}`, kv("aws:sourcearn", "arn:aws:s3:us-west-2:111122223333:accesspoint/x"), T},
	{`"ArnLike":{"aws:sourcearn":"arn:aws:s3:*:111122223333:accesspoint/*"}`, kv("aws:sourcearn", "arn:aws:s3:us-west-2:444455556666:accesspoint/x"), F},
	{`"ArnLike":{"aws:sourcearn":"arn:aws:s3:us-*:111122223333:*"}`, kv("aws:sourcearn", ap), T},
	{`"ArnLike":{"aws:sourcearn":"arn:aws:s3:*:accesspoint/*"}`, kv("aws:sourcearn", ap), F},
	{`"ArnEquals":{"aws:sourcearn":"arn:aws:s3:*:111122223333:accesspoint/ap?"}`, kv("aws:sourcearn", ap), T},
	{`"ArnLike":{"aws:sourcearn":"arn:aws:s3:::bucket/*"}`, kv("aws:sourcearn", "arn:aws:s3:::bucket/a:b"), T},
	{`"ArnLike":{"aws:sourcearn":"arn:aws:s3:::bucket/*"}`, kv("aws:sourcearn", "not-an-arn"), F},
	{`"ArnNotEquals":{"aws:sourcearn":"` + ap + `"}`, kv("aws:sourcearn", ap), F},
	{`"ArnNotLike":{"aws:sourcearn":"arn:aws:s3:*:*:accesspoint/*"}`, kv("aws:sourcearn", ap), F},
	{`"ArnNotLike":{"aws:sourcearn":"arn:aws:s3:*:*:accesspoint/*"}`, kv("aws:sourcearn", "arn:aws:s3:::bucket"), T},
	{`"ArnNotLike":{"aws:sourcearn":"arn:aws:s3:*:*:accesspoint/*"}`, none, T},
	{`"ArnLikeIfExists":{"aws:sourcearn":"arn:aws:s3:*:*:accesspoint/*"}`, none, T},

	// Null: "true" asks for absence, "false" for presence.
	{`"Null":{"aws:sourcevpc":"true"}`, none, T},
	{`"Null":{"aws:sourcevpc":"true"}`, kv("aws:sourcevpc", "vpc-1"), F},
	{`"Null":{"aws:sourcevpc":"false"}`, kv("aws:sourcevpc", "vpc-1"), T},
	{`"Null":{"aws:sourcevpc":"false"}`, none, F},
	{`"Null":{"s3:prefix":true}`, empty, T},

	// Principal-derived keys are condition keys too.
	{`"StringEquals":{"aws:PrincipalAccount":"111122223333"}`, none, T},
	{`"StringEquals":{"aws:username":"Bob"}`, none, F},
	{`"ArnEquals":{"aws:principalarn":"arn:aws:iam::111122223333:user/Alice"}`, none, T},
	{`"StringEquals":{"aws:username":"Bob"}`, kv("aws:username", "Bob"), T},

	// Policy variables in condition values.
	{`"StringEquals":{"s3:prefix":"home/${aws:username}/"}`, kv("s3:prefix", "home/Alice/"), T},
	{`"StringEquals":{"s3:prefix":"home/${aws:username}/"}`, kv("s3:prefix", "home/Bob/"), F},
	{`"StringLike":{"s3:prefix":"home/${aws:username}/*"}`, kv("s3:prefix", "home/Alice/docs/"), T},
	{`"StringLike":{"s3:prefix":"home/${aws:username}/*"}`, kv("s3:prefix", "home/Alicia/docs/"), F},
	{`"StringEqualsIgnoreCase":{"s3:prefix":"${aws:username}"}`, kv("s3:prefix", "alice"), T},
	{`"StringEquals":{"s3:prefix":"${s3:delimiter}"}`, kv("s3:prefix", "/", "s3:delimiter", "/"), T},
	{`"StringEquals":{"s3:prefix":"${s3:delimiter}"}`, kv("s3:prefix", "/", "s3:delimiter", "/", "s3:delimiter", "-"), F},
	{`"StringEquals":{"s3:prefix":"${s3:delimiter, 'none'}"}`, kv("s3:prefix", "none"), T},
	{`"StringNotEquals":{"s3:prefix":"${aws:nosuchkey}"}`, kv("s3:prefix", "x"), F},
	{`"ArnEquals":{"aws:sourcearn":"arn:aws:s3:us-east-1:${aws:PrincipalAccount}:accesspoint/ap1"}`, kv("aws:sourcearn", ap), T},
	{`"StringLike":{"s3:prefix":"a${*}b"}`, kv("s3:prefix", "a*b"), T},
	{`"StringLike":{"s3:prefix":"a${*}b"}`, kv("s3:prefix", "axb"), F},
	{`"StringLike":{"s3:prefix":"a${?}"}`, kv("s3:prefix", "a?"), T},
	{`"StringLike":{"s3:prefix":"a${?}"}`, kv("s3:prefix", "ax"), F},
	{`"StringEquals":{"s3:prefix":"${$}{x}"}`, kv("s3:prefix", "${x}"), T},

	// Several operators are ANDed.
	{`"StringEquals":{"s3:prefix":"home/"},"IpAddress":{"aws:sourceip":"10.0.0.0/8"}`, kv("s3:prefix", "home/", "aws:sourceip", "10.0.0.1"), T},
	{`"StringEquals":{"s3:prefix":"home/"},"IpAddress":{"aws:sourceip":"10.0.0.0/8"}`, kv("s3:prefix", "home/", "aws:sourceip", "11.0.0.1"), F},
}

func condPolicy(cond string) string {
	return `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{` + cond + `}}}`
}

func TestConditions(t *testing.T) {
	for _, c := range condCases {
		req := Request{Action: "s3:GetObject", Resource: obj + "a.txt", Principal: alice, Context: c.ctx}
		check(t, condPolicy(c.cond), req, c.want)
	}
}

// check parses policy and evaluates req against it alone.
func check(t *testing.T, policy string, req Request, want Decision) {
	t.Helper()
	d, err := Parse([]byte(policy))
	if err != nil {
		t.Errorf("Parse(%s): %v", policy, err)
		return
	}
	if got := d.Evaluate(req); got != want {
		t.Errorf("%s\n  %s %s as %s ctx=%v: got %v, want %v",
			policy, req.Action, req.Resource, req.Principal.ARN, req.Context, got, want)
	}
}
