package fsxapi

import (
	"encoding/json"

	"github.com/fsxd/fsxd"
)

// Each record keeps the full wire shape as created or last updated (Wire);
// the fields other packages read or that change on their own (lifecycle,
// name, tags, junction path, ...) live in the record proper and override
// the stored shape when rendering. The record is the truth for those.

func unwire[T any](raw json.RawMessage) (*T, error) {
	v := new(T)
	if len(raw) == 0 {
		return v, nil
	}
	return v, json.Unmarshal(raw, v)
}

func wire(v any) (json.RawMessage, error) { return json.Marshal(v) }

func renderFS(rec *fsxd.FileSystem) (*FileSystem, error) {
	fs, err := unwire[FileSystem](rec.Wire)
	if err != nil {
		return nil, err
	}
	fs.Lifecycle = ptr(rec.Lifecycle)
	fs.Tags = toWireTags(rec.Tags)
	if rec.Lifecycle == fsxd.Failed && rec.FailureReason != "" {
		fs.FailureDetails = &FileSystemFailureDetails{Message: ptr(rec.FailureReason)}
	}
	return fs, nil
}

func renderSVM(rec *fsxd.SVM) (*StorageVirtualMachine, error) {
	svm, err := unwire[StorageVirtualMachine](rec.Wire)
	if err != nil {
		return nil, err
	}
	svm.Lifecycle = ptr(rec.Lifecycle)
	svm.Name = ptr(rec.Name)
	svm.Tags = toWireTags(rec.Tags)
	return svm, nil
}

func renderVolume(rec *fsxd.Volume) (*Volume, error) {
	v, err := unwire[Volume](rec.Wire)
	if err != nil {
		return nil, err
	}
	v.Lifecycle = ptr(rec.Lifecycle)
	v.Name = ptr(rec.Name)
	v.Tags = toWireTags(rec.Tags)
	if rec.Restoring != "" {
		action := rec.RestoreAction
		if action == "" {
			action = "VOLUME_RESTORE"
		}
		v.AdministrativeActions = []AdministrativeAction{{
			AdministrativeActionType: ptr(action),
			Status:                   ptr("IN_PROGRESS"),
			Message:                  ptr("Restoring from snapshot " + rec.Restoring + "."),
		}}
	}
	if rec.Restoring == "" && rec.RestoreFailure != "" {
		v.AdministrativeActions = []AdministrativeAction{{
			AdministrativeActionType: ptr(rec.RestoreAction),
			Status:                   ptr("FAILED"),
			FailureDetails:           &AdministrativeActionFailureDetails{Message: ptr(rec.RestoreFailure)},
		}}
	}
	if rec.Lifecycle == fsxd.Failed && rec.FailureReason != "" {
		v.LifecycleTransitionReason = &LifecycleTransitionReason{Message: ptr(rec.FailureReason)}
	}
	if c := v.OpenZFSConfiguration; c != nil {
		c.ReadOnly = ptr(rec.ReadOnly)
	}
	if c := v.OntapConfiguration; c != nil {
		c.JunctionPath = nil
		if rec.JunctionPath != "" {
			c.JunctionPath = ptr(rec.JunctionPath)
		}
		c.SecurityStyle = ptr(rec.SecurityStyle)
	}
	return v, nil
}
