package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
)

// botocoreModel returns a botocore service-2.json that holds only the
// operations ops and the shapes they reach, for AWS_DATA_PATH: an AWS CLI
// whose own model predates an operation fsxd serves (Debian's awscli 2.9
// lacks the S3 access point ones) learns it from this file. Operation and
// member documentation is dropped to keep the file small; shape
// documentation and member order stay because the Go generator reads them,
// so fsxapi/zz_shapes.go regenerates identically from this file alone
// (which is how a test proves the two agree).
//
// Operations lose the {AccountId}. host prefix and RequiresAccountId (S3
// Control): with them, a CLI given --endpoint-url http://127.0.0.1:9000
// sends to 123456789012.127.0.0.1, a host name that does not resolve; fsxd
// takes the account from the x-amz-account-id header instead.
func botocoreModel(path string, ops []string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	v, err := decodeOrdered(b)
	root, ok := v.(object)
	if err != nil || !ok {
		return nil, fmt.Errorf("%s: not a JSON object: %v", path, err)
	}
	m, err := loadModel(path)
	if err != nil {
		return nil, err
	}
	sel, err := m.selectOps(ops)
	if err != nil {
		return nil, err
	}
	allOps, _ := root.get("operations").(object)
	var outOps object
	for _, name := range ops {
		op, _ := allOps.get(name).(object)
		outOps = append(outOps, field{name, trimOperation(op)})
	}
	allShapes, _ := root.get("shapes").(object)
	var outShapes object
	for _, f := range allShapes { // model order, which is stable
		if sel.all[f.Key] {
			outShapes = append(outShapes, field{f.Key, trimShape(f.Value.(object))})
		}
	}
	out := object{
		{"version", root.get("version")},
		{"metadata", root.get("metadata")},
		{"operations", outOps},
		{"shapes", outShapes},
	}
	js, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, js, "", " "); err != nil {
		return nil, err
	}
	pretty.WriteByte('\n')
	return pretty.Bytes(), nil
}

func trimOperation(op object) object {
	op = op.without("documentation", "endpoint", "documentationUrl")
	for i, f := range op {
		if p, ok := f.Value.(object); ok && f.Key == "staticContextParams" {
			op[i].Value = p.without("RequiresAccountId")
		}
	}
	return op
}

func trimShape(s object) object {
	for i, f := range s {
		mems, ok := f.Value.(object)
		if f.Key != "members" || !ok {
			continue
		}
		out := make(object, len(mems))
		for j, m := range mems {
			mo, _ := m.Value.(object)
			out[j] = field{m.Key, mo.without("documentation")}
		}
		s[i].Value = out
	}
	return s
}
