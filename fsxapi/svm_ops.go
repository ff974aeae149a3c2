package fsxapi

import (
	"context"
	"strings"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/store"
)

// DescribeStorageVirtualMachines lists SVMs by id or filter
// (file-system-id), a page at a time.
func (s *Service) DescribeStorageVirtualMachines(ctx context.Context, in *DescribeStorageVirtualMachinesRequest) (*DescribeStorageVirtualMachinesResponse, error) {
	ids, filters := sortedUnique(in.StorageVirtualMachineIds), svmFilters(in.Filters)
	recs, err := getOrList(ctx, s, svms, ids, svmNotFound)
	if err != nil {
		return nil, err
	}
	recs = keep(recs, func(r *fsxd.SVM) bool {
		return matches(filters, func(string) string { return r.FileSystemID }) // the only filter name
	})
	pg, err := paginate(fsxd.OpDescribeStorageVirtualMachines, queryDigest(ids, filters), recs, func(r *fsxd.SVM) string { return r.ID }, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	vms, err := renderAll(pg.Items, renderSVM)
	if err != nil {
		return nil, err
	}
	return &DescribeStorageVirtualMachinesResponse{StorageVirtualMachines: vms, NextToken: pg.Next}, nil
}

// DeleteStorageVirtualMachine starts deleting an SVM and its root volume;
// its other volumes must be deleted first.
func (s *Service) DeleteStorageVirtualMachine(ctx context.Context, in *DeleteStorageVirtualMachineRequest) (*DeleteStorageVirtualMachineResponse, error) {
	return once(ctx, s, fsxd.OpDeleteStorageVirtualMachine, in.ClientRequestToken, in, func(tx *store.Tx) (*DeleteStorageVirtualMachineResponse, string, error) {
		return s.deleteSVM(tx, val(in.StorageVirtualMachineId))
	})
}

func (s *Service) deleteSVM(tx *store.Tx, id string) (*DeleteStorageVirtualMachineResponse, string, error) {
	rec, err := svms(tx).Get(id)
	if err != nil {
		return nil, "", notFoundAs(err, svmNotFound(id))
	}
	out := &DeleteStorageVirtualMachineResponse{StorageVirtualMachineId: ptr(id), Lifecycle: ptr(fsxd.Deleting)}
	if rec.Lifecycle == fsxd.Deleting {
		return out, id, nil
	}
	vols, _, err := volumes(tx).List("", 0, func(v *fsxd.Volume) bool { return v.SVMID == id })
	if err != nil {
		return nil, "", err
	}
	var others []string
	for _, v := range vols {
		if v.JunctionPath != "/" {
			others = append(others, v.ID)
		}
	}
	if len(others) > 0 {
		return nil, "", badRequest("Storage virtual machine %s still has volumes (%s); delete them first.", id, strings.Join(others, ", "))
	}
	if err := noAttachments(tx, "storage virtual machine "+id, vols); err != nil {
		return nil, "", err
	}
	if err := startDeleting(tx, vols, s.now()); err != nil {
		return nil, "", err
	}
	rec.Lifecycle, rec.DeletionTime = fsxd.Deleting, s.now()
	return out, id, svms(tx).Put(id, rec)
}

// UpdateStorageVirtualMachine records Active Directory changes; the admin
// password is accepted and not kept (a token's record holds only its keyed
// digest: idempotency.Mask).
func (s *Service) UpdateStorageVirtualMachine(ctx context.Context, in *UpdateStorageVirtualMachineRequest) (*UpdateStorageVirtualMachineResponse, error) {
	return once(ctx, s, fsxd.OpUpdateStorageVirtualMachine, in.ClientRequestToken, in, func(tx *store.Tx) (*UpdateStorageVirtualMachineResponse, string, error) {
		return s.updateSVM(tx, in)
	})
}

func (s *Service) updateSVM(tx *store.Tx, in *UpdateStorageVirtualMachineRequest) (*UpdateStorageVirtualMachineResponse, string, error) {
	id := val(in.StorageVirtualMachineId)
	rec, err := svms(tx).Get(id)
	if err != nil {
		return nil, "", notFoundAs(err, svmNotFound(id))
	}
	if rec.Lifecycle != fsxd.Created {
		return nil, "", badRequest("Storage virtual machine %s is %s; it can be updated once CREATED.", id, rec.Lifecycle)
	}
	shape, err := unwire[StorageVirtualMachine](rec.Wire)
	if err != nil {
		return nil, "", err
	}
	if c := in.ActiveDirectoryConfiguration; c != nil {
		shape.ActiveDirectoryConfiguration = mergeAD(shape.ActiveDirectoryConfiguration, c)
	}
	if rec.Wire, err = wire(shape); err != nil {
		return nil, "", err
	}
	if err := svms(tx).Put(id, rec); err != nil {
		return nil, "", err
	}
	out, err := renderSVM(rec)
	return &UpdateStorageVirtualMachineResponse{StorageVirtualMachine: out}, id, err
}

func mergeAD(cur *SvmActiveDirectoryConfiguration, c *UpdateSvmActiveDirectoryConfiguration) *SvmActiveDirectoryConfiguration {
	if cur == nil {
		cur = &SvmActiveDirectoryConfiguration{}
	}
	set(&cur.NetBiosName, c.NetBiosName)
	if u := c.SelfManagedActiveDirectoryConfiguration; u != nil {
		if cur.SelfManagedActiveDirectoryConfiguration == nil {
			cur.SelfManagedActiveDirectoryConfiguration = &SelfManagedActiveDirectoryAttributes{}
		}
		m := cur.SelfManagedActiveDirectoryConfiguration
		set(&m.DomainName, u.DomainName)
		set(&m.OrganizationalUnitDistinguishedName, u.OrganizationalUnitDistinguishedName)
		set(&m.FileSystemAdministratorsGroup, u.FileSystemAdministratorsGroup)
		set(&m.UserName, u.UserName)
		set(&m.DomainJoinServiceAccountSecret, u.DomainJoinServiceAccountSecret)
		if u.DnsIps != nil {
			m.DnsIps = u.DnsIps
		}
	}
	return cur
}
