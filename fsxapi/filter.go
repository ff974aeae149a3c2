package fsxapi

import (
	"encoding/json"
	"slices"
)

// filter is a Describe filter: a record matches when its value for Name is
// one of Values. Filters combine with AND, values with OR.
type filter struct {
	name   string
	values []string
}

// MarshalJSON makes a filter part of queryDigest: a NextToken made for
// one set of filters is refused with another.
func (f filter) MarshalJSON() ([]byte, error) { return json.Marshal([]any{f.name, f.values}) }

func volumeFilters(in []VolumeFilter) []filter {
	out := make([]filter, len(in))
	for i, f := range in {
		out[i] = filter{val(f.Name), f.Values}
	}
	return out
}

func svmFilters(in []StorageVirtualMachineFilter) []filter {
	out := make([]filter, len(in))
	for i, f := range in {
		out[i] = filter{val(f.Name), f.Values}
	}
	return out
}

// matches reports whether every filter accepts the record, whose value
// for a filter name field returns.
func matches(filters []filter, field func(name string) string) bool {
	for _, f := range filters {
		if !slices.Contains(f.values, field(f.name)) {
			return false
		}
	}
	return true
}
