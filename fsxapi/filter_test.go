package fsxapi

import "testing"

func TestQueryDigestCoversFilters(t *testing.T) {
	a := queryDigest([]string(nil), []filter{{"file-system-id", []string{"fs-a"}}})
	for _, other := range []string{
		queryDigest([]string(nil), []filter{{"file-system-id", []string{"fs-b"}}}),
		queryDigest([]string(nil), []filter{{"volume-type", []string{"fs-a"}}}),
		queryDigest([]string(nil), []filter(nil)),
		queryDigest([]string{"fsvol-1"}, []filter{{"file-system-id", []string{"fs-a"}}}),
	} {
		if other == a {
			t.Errorf("digest %s shared by two queries", a)
		}
	}
	if b := queryDigest([]string(nil), []filter{{"file-system-id", []string{"fs-a"}}}); b != a {
		t.Errorf("same query, digests %s and %s", a, b)
	}
}
