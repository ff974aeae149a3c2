package main

import (
	"fmt"
	"sort"
)

// defaultOps are the operations fsxd serves; their shapes are generated.
var defaultOps = []string{
	"CreateFileSystem", "DescribeFileSystems", "DeleteFileSystem", "UpdateFileSystem",
	"CreateStorageVirtualMachine", "DescribeStorageVirtualMachines",
	"DeleteStorageVirtualMachine", "UpdateStorageVirtualMachine",
	"CreateVolume", "DescribeVolumes", "DeleteVolume", "UpdateVolume",
	"TagResource", "UntagResource", "ListTagsForResource",
	"CreateAndAttachS3AccessPoint", "DescribeS3AccessPointAttachments", "DetachAndDeleteS3AccessPoint",
	"CreateSnapshot", "DescribeSnapshots", "UpdateSnapshot", "DeleteSnapshot",
	"RestoreVolumeFromSnapshot", "CopySnapshotAndUpdateVolume",
	"CreateBackup", "DescribeBackups", "DeleteBackup", "CopyBackup",
	"CreateVolumeFromBackup", "CreateFileSystemFromBackup",
}

// closure returns the names of every shape reachable from roots.
func (m *model) closure(roots []string) (map[string]bool, error) {
	seen := map[string]bool{}
	var walk func(string) error
	walk = func(name string) error {
		if seen[name] {
			return nil
		}
		s, ok := m.Shapes[name]
		if !ok {
			return fmt.Errorf("shape %q not in the model", name)
		}
		seen[name] = true
		for _, r := range []*ref{s.Member, s.Key, s.Value} {
			if r != nil {
				if err := walk(r.Shape); err != nil {
					return err
				}
			}
		}
		for _, mem := range s.Members {
			if err := walk(mem.Shape); err != nil {
				return err
			}
		}
		return nil
	}
	for _, r := range roots {
		if err := walk(r); err != nil {
			return nil, err
		}
	}
	return seen, nil
}

// selection is what gets generated for a set of operations.
type selection struct {
	ops    []string        // in the order given
	all    map[string]bool // every reachable shape
	inputs map[string]bool // shapes reachable from an operation's input: these validate
}

func (m *model) selectOps(ops []string) (*selection, error) {
	var ins, all []string
	for _, name := range ops {
		op, ok := m.Operations[name]
		if !ok {
			return nil, fmt.Errorf("operation %q not in the model", name)
		}
		if op.Input != nil {
			ins = append(ins, op.Input.Shape)
			all = append(all, op.Input.Shape)
		}
		if op.Output != nil {
			all = append(all, op.Output.Shape)
		}
		for _, e := range op.Errors {
			all = append(all, e.Shape)
		}
	}
	sel := &selection{ops: ops}
	var err error
	if sel.inputs, err = m.closure(ins); err != nil {
		return nil, err
	}
	if sel.all, err = m.closure(all); err != nil {
		return nil, err
	}
	return sel, nil
}

func sortedKeys(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
