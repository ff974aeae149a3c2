package fsxapi

import (
	"context"
	"fmt"
	"slices"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/store"
)

// UpdateFileSystem changes a file system's bookkeeping: storage and
// throughput capacity (checked as AWS documents), backup and maintenance
// windows, disk IOPS, route tables. Nothing is provisioned, so the file
// system stays AVAILABLE.
func (s *Service) UpdateFileSystem(ctx context.Context, in *UpdateFileSystemRequest) (*UpdateFileSystemResponse, error) {
	return once(ctx, s, fsxd.OpUpdateFileSystem, in.ClientRequestToken, in, func(tx *store.Tx) (*UpdateFileSystemResponse, string, error) {
		return s.updateFileSystem(tx, in)
	})
}

func (s *Service) updateFileSystem(tx *store.Tx, in *UpdateFileSystemRequest) (*UpdateFileSystemResponse, string, error) {
	id := val(in.FileSystemId)
	rec, err := fileSystems(tx).Get(id)
	if err != nil {
		return nil, "", notFoundAs(err, fsNotFound(id))
	}
	if rec.Lifecycle != fsxd.Available {
		return nil, "", badRequest("File system %s is %s; it can be updated once AVAILABLE.", id, rec.Lifecycle)
	}
	if in.WindowsConfiguration != nil || in.LustreConfiguration != nil ||
		(in.OpenZFSConfiguration != nil && rec.Type != fsxd.TypeOpenZFS) ||
		(in.OntapConfiguration != nil && rec.Type != fsxd.TypeONTAP) {
		return nil, "", badRequest("The configuration does not match the %s file system %s.", rec.Type, id)
	}
	fs, err := unwire[FileSystem](rec.Wire)
	if err != nil {
		return nil, "", err
	}
	if in.StorageType != nil && *in.StorageType != val(fs.StorageType) {
		return nil, "", badRequest("Changing StorageType is not supported.")
	}
	if err := updateCapacity(fs, in.StorageCapacity); err != nil {
		return nil, "", err
	}
	if c := in.OpenZFSConfiguration; c != nil {
		err = updateOpenZFSConfig(fs.OpenZFSConfiguration, c)
	}
	if c := in.OntapConfiguration; c != nil {
		err = updateOntapConfig(fs.OntapConfiguration, c)
	}
	if err != nil {
		return nil, "", err
	}
	if rec.Wire, err = wire(fs); err != nil {
		return nil, "", err
	}
	if err := fileSystems(tx).Put(id, rec); err != nil {
		return nil, "", err
	}
	shape, err := renderFS(rec)
	return &UpdateFileSystemResponse{FileSystem: shape}, id, err
}

// updateCapacity: OpenZFS grows by at least 10%; ONTAP stays within its
// HA pairs' range.
func updateCapacity(fs *FileSystem, want *int64) error {
	if want == nil {
		return nil
	}
	cur := val(fs.StorageCapacity)
	if c := fs.OntapConfiguration; c != nil {
		pairs := or(c.HAPairs, 1)
		if err := checkCapacity(fmt.Sprintf("ONTAP with %d HA pair(s)", pairs), *want, ontapMinGiBPerPair*pairs, ontapMaxGiBPerPair*pairs); err != nil {
			return err
		}
	} else {
		if least := (cur*11 + 9) / 10; *want < least {
			return badRequest("StorageCapacity must be at least 10%% greater than the current %d GiB (at least %d GiB).", cur, least)
		}
		if err := checkCapacity("OpenZFS", *want, openZFSMinGiB, openZFSMaxGiB); err != nil {
			return err
		}
	}
	fs.StorageCapacity = want
	return nil
}

func updateOpenZFSConfig(cur *OpenZFSFileSystemConfiguration, c *UpdateFileSystemOpenZFSConfiguration) error {
	if c.ThroughputCapacity != nil {
		if err := checkOpenZFSThroughput(val(cur.DeploymentType), *c.ThroughputCapacity); err != nil {
			return err
		}
		cur.ThroughputCapacity = c.ThroughputCapacity
	}
	set(&cur.AutomaticBackupRetentionDays, c.AutomaticBackupRetentionDays)
	set(&cur.CopyTagsToBackups, c.CopyTagsToBackups)
	set(&cur.CopyTagsToVolumes, c.CopyTagsToVolumes)
	set(&cur.DailyAutomaticBackupStartTime, c.DailyAutomaticBackupStartTime)
	set(&cur.WeeklyMaintenanceStartTime, c.WeeklyMaintenanceStartTime)
	set(&cur.DiskIopsConfiguration, c.DiskIopsConfiguration)
	set(&cur.ReadCacheConfiguration, c.ReadCacheConfiguration)
	return updateRouteTables(&cur.RouteTableIds, val(cur.DeploymentType), c.AddRouteTableIds, c.RemoveRouteTableIds)
}

func updateOntapConfig(cur *OntapFileSystemConfiguration, c *UpdateFileSystemOntapConfiguration) error {
	deployment := val(cur.DeploymentType)
	pairs := or(cur.HAPairs, 1)
	if c.HAPairs != nil {
		if *c.HAPairs < pairs {
			return badRequest("HAPairs can only be increased (current %d).", pairs)
		}
		if _, err := ontapHAPairs(deployment, c.HAPairs); err != nil {
			return err
		}
		pairs = *c.HAPairs
	}
	total, perPair := c.ThroughputCapacity, c.ThroughputCapacityPerHAPair
	if total == nil && perPair == nil {
		perPair = cur.ThroughputCapacityPerHAPair
	}
	per, err := ontapThroughput(deployment, pairs, total, perPair)
	if err != nil {
		return err
	}
	cur.HAPairs, cur.ThroughputCapacityPerHAPair, cur.ThroughputCapacity = ptr(pairs), ptr(per), ptr(per*pairs)
	set(&cur.AutomaticBackupRetentionDays, c.AutomaticBackupRetentionDays)
	set(&cur.DailyAutomaticBackupStartTime, c.DailyAutomaticBackupStartTime)
	set(&cur.WeeklyMaintenanceStartTime, c.WeeklyMaintenanceStartTime)
	set(&cur.DiskIopsConfiguration, c.DiskIopsConfiguration)
	return updateRouteTables(&cur.RouteTableIds, deployment, c.AddRouteTableIds, c.RemoveRouteTableIds)
}

// set overwrites *dst when the request carries a value.
func set[T any](dst **T, v *T) {
	if v != nil {
		*dst = v
	}
}

// updateRouteTables adds and removes route tables (Multi-AZ only).
func updateRouteTables(cur *[]string, deployment string, add, remove []string) error {
	if len(add)+len(remove) == 0 {
		return nil
	}
	if !multiAZ(deployment) {
		return badRequest("Route tables apply to Multi-AZ file systems only.")
	}
	for _, r := range remove {
		if !slices.Contains(*cur, r) {
			return badRequest("Route table %s is not associated with the file system.", r)
		}
	}
	*cur = slices.DeleteFunc(*cur, func(r string) bool { return slices.Contains(remove, r) })
	for _, a := range add {
		if !slices.Contains(*cur, a) {
			*cur = append(*cur, a)
		}
	}
	return nil
}
