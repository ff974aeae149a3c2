package fsxd

import (
	"strings"
	"testing"
)

var arnCases = []struct {
	in   string
	ok   bool
	want ARN
}{
	{"arn:aws:s3:us-east-1:123456789012:accesspoint/ap/object/a:b", true,
		ARN{"aws", "s3", "us-east-1", "123456789012", "accesspoint/ap/object/a:b"}},
	{"arn:aws:fsx:us-east-1:123456789012:volume/fs-1/fsvol-2", true,
		ARN{"aws", "fsx", "us-east-1", "123456789012", "volume/fs-1/fsvol-2"}},
	{"arn:aws:iam::123456789012:root", true, ARN{"aws", "iam", "", "123456789012", "root"}},
	{"arn:::::", true, ARN{}},
	{"arn:aws:iam::123456789012", false, ARN{}}, // five fields
	{"ARN:aws:s3:r:123456789012:x", false, ARN{}},
	{"aws:s3:r:123456789012:x", false, ARN{}},
	{"", false, ARN{}},
}

func TestParseARN(t *testing.T) {
	for _, c := range arnCases {
		got, ok := ParseARN(c.in)
		if ok != c.ok || got != c.want {
			t.Errorf("ParseARN(%q) = %+v, %v; want %+v, %v", c.in, got, ok, c.want, c.ok)
		}
		if ok && got.String() != c.in {
			t.Errorf("ParseARN(%q).String() = %q", c.in, got.String())
		}
	}
}

func TestARNResource(t *testing.T) {
	for _, c := range []struct {
		resource, typ, asType, id string
		ok                        bool
	}{
		{"volume/fs-1/fsvol-2", "volume", "volume", "fs-1/fsvol-2", true},
		{"accesspoint/ap", "accesspoint", "accesspoint", "ap", true},
		{"accesspoint/", "accesspoint", "accesspoint", "", true},
		{"accesspoint", "accesspoint", "accesspoint", "", false}, // no '/'
		{"root", "root", "root", "", false},
		{"volume/fs-1", "volume", "file-system", "", false}, // another type
		{"", "", "", "", false},
	} {
		a := ARN{Resource: c.resource}
		if got := a.ResourceType(); got != c.typ {
			t.Errorf("%q: ResourceType() = %q, want %q", c.resource, got, c.typ)
		}
		if id, ok := a.ResourceID(c.asType); id != c.id || ok != c.ok {
			t.Errorf("%q: ResourceID(%q) = %q, %v; want %q, %v", c.resource, c.asType, id, ok, c.id, c.ok)
		}
	}
}

func TestValidAccountID(t *testing.T) {
	for id, want := range map[string]bool{
		"123456789012": true, "000000000000": true,
		"12345678901": false, "1234567890123": false, "12345678901a": false,
		"": false, "١٢٣٤٥٦٧٨٩٠١٢": false, "+12345678901": false,
	} {
		if got := ValidAccountID(id); got != want {
			t.Errorf("ValidAccountID(%q) = %v, want %v", id, got, want)
		}
	}
}

// naiveParseARN is the reference: the split every ARN parser here did by hand.
func naiveParseARN(s string) (ARN, bool) {
	f := strings.SplitN(s, ":", 6)
	if len(f) != 6 || f[0] != "arn" {
		return ARN{}, false
	}
	return ARN{f[1], f[2], f[3], f[4], f[5]}, true
}

func FuzzParseARN(f *testing.F) {
	for _, c := range arnCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := ParseARN(s)
		want, wantOK := naiveParseARN(s)
		if got != want || ok != wantOK {
			t.Fatalf("ParseARN(%q) = %+v, %v; reference %+v, %v", s, got, ok, want, wantOK)
		}
		if ok && got.String() != s {
			t.Fatalf("ParseARN(%q).String() = %q", s, got.String())
		}
		if again, _ := ParseARN(got.String()); ok && again != got {
			t.Fatalf("round trip of %q: %+v", s, again)
		}
	})
}
