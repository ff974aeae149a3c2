package fsxapi

import (
	"encoding/json"
	"sort"
	"testing"

	"github.com/fsxd/fsxd/awsjson"
)

// FuzzDecode feeds arbitrary bodies to every generated input shape: the
// JSON decoding and the generated validation must never panic, and a body
// that validates must survive a round trip.
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		`{}`, `null`, `[]`, `{"FileSystemType":"OPENZFS","SubnetIds":["subnet-01234567"]}`,
		`{"Tags":[{"Key":"k","Value":"v"},{}],"MaxResults":-1}`,
		`{"Filters":[{"Name":"file-system-id","Values":["fs-0123456789abcdef0"]}]}`,
		`{"OpenZFSConfiguration":{"Options":["DELETE_CHILD_VOLUMES_AND_SNAPSHOTS"],"NfsExports":[{"ClientConfigurations":[{}]}]}}`,
		`{"ResourceARN":"arn:aws:fsx:us-east-1:123456789012:file-system/fs-0123456789abcdef0"}`,
		`{"Name":"\u00e9\u0000","ClientRequestToken":"` + string(make([]byte, 70)) + `"}`,
	} {
		f.Add(seed)
	}
	ops := make([]string, 0, len(operationInputs))
	for op := range operationInputs {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	f.Fuzz(func(t *testing.T, body string) {
		for _, op := range ops {
			in := operationInputs[op]()
			if awsjson.Decode([]byte(body), in) != nil {
				continue
			}
			if in.Validate() != nil {
				continue
			}
			b, err := json.Marshal(in)
			if err != nil {
				t.Fatalf("%s: marshal: %v", op, err)
			}
			again := operationInputs[op]()
			if err := json.Unmarshal(b, again); err != nil || again.Validate() != nil {
				t.Fatalf("%s: valid input %s does not survive a round trip: %v", op, b, err)
			}
		}
	})
}
