package iamapi

import (
	"maps"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

var formSeeds = []string{
	"",
	"Action=CreateUser&Version=2010-05-08&UserName=alice",
	"Tags.member.1.Key=a&Tags.member.1.Value=b&Tags.member.2.Key=c",
	"PolicyDocument=%7B%22a%22%3A+%22b%22%7D",
	"a=1&a=2",
	"a=%zz",
	"%zz=1",
	"&&a&b=&=c",
	"a;b=c",
	"k=v%",
	"x=" + strings.Repeat("%41", 100),
}

func TestParseForm(t *testing.T) {
	f, err := parseForm("Action=GetUser", "Version=2010-05-08&UserName=a+b%2Fc&Empty=")
	if err != nil {
		t.Fatal(err)
	}
	want := form{"Action": "GetUser", "Version": "2010-05-08", "UserName": "a b/c", "Empty": ""}
	if !maps.Equal(f, want) {
		t.Errorf("parseForm = %v, want %v", f, want)
	}
	for _, bad := range [][2]string{{"a=1", "a=2"}, {"", "a=1&a=1"}, {"", "a=%zz"}, {"%g0=1", ""}} {
		if _, err := parseForm(bad[0], bad[1]); err == nil {
			t.Errorf("parseForm(%q, %q) accepted", bad[0], bad[1])
		}
	}
}

func TestMembers(t *testing.T) {
	f := form{"T.member.1.Key": "a", "T.member.1.Value": "1", "T.member.2.Key": "b", "T.member.4.Key": "gap",
		"N.member.1": "x", "N.member.2": "y"}
	got := f.members("T", "Key", "Value")
	want := []map[string]string{{"Key": "a", "Value": "1"}, {"Key": "b"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("members = %v, want %v", got, want)
	}
	if got := f.members("N"); len(got) != 2 || got[1][""] != "y" {
		t.Errorf("string members = %v", got)
	}
}

// FuzzParseForm checks the decoder against net/url's: wherever the
// reference decodes a form without repeated names, parseForm must agree;
// whatever parseForm accepts must survive re-encoding.
func FuzzParseForm(f *testing.F) {
	for _, s := range formSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseForm("", s)
		ref, rerr := url.ParseQuery(s)
		single := rerr == nil
		for _, vs := range ref {
			single = single && len(vs) == 1
		}
		if single {
			if err != nil {
				t.Fatalf("parseForm(%q) = %v; net/url decodes it as %v", s, err, ref)
			}
			if !reflect.DeepEqual(formValues(got), ref) && len(ref) > 0 {
				t.Fatalf("parseForm(%q) = %v, net/url %v", s, got, ref)
			}
		}
		if err != nil {
			return
		}
		again, err := parseForm("", formValues(got).Encode())
		if err != nil || !maps.Equal(again, got) {
			t.Fatalf("re-encoded %v decodes as %v, %v", got, again, err)
		}
	})
}
