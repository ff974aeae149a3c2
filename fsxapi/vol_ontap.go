package fsxapi

import (
	"path"
	"regexp"
	"strings"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/store"
)

// ontapName is ONTAP's volume name rule: a letter or underscore, then
// letters, digits and underscores.
var ontapName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,202}$`)

const mib = 1 << 20

// newOntapVolume checks an ONTAP CreateVolume and builds the volume in its
// SVM's namespace.
func (s *Service) newOntapVolume(tx *store.Tx, in *CreateVolumeRequest) (*fsxd.Volume, error) {
	c := in.OntapConfiguration
	if c.SnaplockConfiguration != nil {
		return nil, awserr.UnsupportedOperation.Err("SnapLock volumes are not supported by fsxd.")
	}
	if !ontapName.MatchString(val(in.Name)) {
		return nil, badRequest("Volume name %q is not valid for ONTAP: start with a letter or '_', then letters, digits and '_'.", val(in.Name))
	}
	sizeBytes, err := ontapSize(c.SizeInMegabytes, c.SizeInBytes)
	if err != nil {
		return nil, err
	}
	volType := or(c.OntapVolumeType, "RW")
	if volType == "RW" && c.StorageEfficiencyEnabled == nil {
		return nil, badRequest("StorageEfficiencyEnabled is required for RW volumes.")
	}
	svm, err := liveSVM(tx, val(c.StorageVirtualMachineId))
	if err != nil {
		return nil, err
	}
	siblings, _, err := volumes(tx).List("", 0, func(v *fsxd.Volume) bool { return v.SVMID == svm.ID })
	if err != nil {
		return nil, err
	}
	for _, v := range siblings {
		if v.Name == val(in.Name) {
			return nil, badRequest("Storage virtual machine %s already has a volume named %s.", svm.ID, v.Name)
		}
	}
	junction := val(c.JunctionPath)
	if err := checkJunction(svm, siblings, junction, ""); err != nil {
		return nil, err
	}
	rec, shape, err := s.newVolume(in, svm.FileSystemID, "")
	if err != nil {
		return nil, err
	}
	if !rec.Imported {
		rec.Dir = ontapVolumeDir(svm.Dir, junction, rec.ID)
	}
	rec.SVMID, rec.JunctionPath = svm.ID, junction
	rec.SecurityStyle = or(c.SecurityStyle, svm.RootVolumeSecurityStyle)
	rec.ReadOnly = volType == "DP" // data-protection volumes are read-only
	shape.OntapConfiguration = s.ontapVolumeShape(svm.ID, c, sizeBytes)
	rec.Wire, err = wire(shape)
	return rec, err
}

func liveSVM(tx *store.Tx, id string) (*fsxd.SVM, error) {
	svm, err := svms(tx).Get(id)
	if err != nil {
		return nil, notFoundAs(err, svmNotFound(id))
	}
	if svm.Lifecycle == fsxd.Deleting {
		return nil, badRequest("Storage virtual machine %s is being deleted.", id)
	}
	return svm, nil
}

// ontapSize resolves SizeInMegabytes / SizeInBytes (at least one; equal
// when both are given) to bytes.
func ontapSize(mb, bytes *int64) (int64, error) {
	switch {
	case mb == nil && bytes == nil:
		return 0, badRequest("SizeInMegabytes or SizeInBytes is required for ONTAP volumes.")
	case mb != nil && bytes != nil && *mb*mib != *bytes:
		return 0, badRequest("SizeInMegabytes (%d) and SizeInBytes (%d) disagree.", *mb, *bytes)
	case bytes != nil:
		return *bytes, nil
	}
	return *mb * mib, nil
}

// checkJunction validates a junction path for volume self ("" = new) in
// svm: absolute and clean, not the root, not used by another volume, and
// mounted below "/" or another volume's junction. "" means unmounted.
func checkJunction(svm *fsxd.SVM, siblings []*fsxd.Volume, junction, self string) error {
	if junction == "" {
		return nil
	}
	if !strings.HasPrefix(junction, "/") || path.Clean(junction) != junction || junction == "/" || strings.Contains(junction, "/.unmounted") {
		return badRequest("JunctionPath %q is not valid: it must be an absolute path below \"/\", like /vol1.", junction)
	}
	parentOK := path.Dir(junction) == "/"
	for _, v := range siblings {
		if v.ID == self {
			continue
		}
		if v.JunctionPath == junction {
			return badRequest("JunctionPath %s is already used by volume %s.", junction, v.ID)
		}
		parentOK = parentOK || v.JunctionPath == path.Dir(junction)
	}
	// A parent that is not a volume must be a directory inside one,
	// reached without a symlink: fsxd makes the volume's directory there
	// as root.
	if !parentOK && !isDirBeneath(svm.Dir, strings.TrimPrefix(path.Dir(junction), "/")) {
		return badRequest("JunctionPath %s: its parent %s is not mounted in storage virtual machine %s.", junction, path.Dir(junction), svm.ID)
	}
	if pathTaken(ontapVolumeDir(svm.Dir, junction, "")) {
		return badRequest("JunctionPath %s: a file or directory already exists there.", junction)
	}
	return nil
}

// ontapVolumeShape is the OntapConfiguration of a new volume with the
// defaults FSx reports.
func (s *Service) ontapVolumeShape(svmID string, c *CreateOntapVolumeConfiguration, sizeBytes int64) *OntapVolumeConfiguration {
	tiering := c.TieringPolicy
	if tiering == nil {
		tiering = &TieringPolicy{Name: ptr("SNAPSHOT_ONLY"), CoolingPeriod: ptr(int64(31))}
	}
	return &OntapVolumeConfiguration{
		FlexCacheEndpointType:     ptr("NONE"),
		SizeInMegabytes:           ptr(sizeBytes / mib),
		SizeInBytes:               ptr(sizeBytes),
		StorageEfficiencyEnabled:  ptr(or(c.StorageEfficiencyEnabled, false)),
		StorageVirtualMachineId:   ptr(svmID),
		StorageVirtualMachineRoot: ptr(false),
		TieringPolicy:             tiering,
		UUID:                      ptr(s.newUUID()),
		OntapVolumeType:           ptr(or(c.OntapVolumeType, "RW")),
		SnapshotPolicy:            ptr(or(c.SnapshotPolicy, "default")),
		CopyTagsToBackups:         ptr(or(c.CopyTagsToBackups, false)),
		VolumeStyle:               ptr(or(c.VolumeStyle, "FLEXVOL")),
	}
}
