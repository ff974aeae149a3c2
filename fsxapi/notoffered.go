package fsxapi

import (
	"context"

	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/awsjson"
)

// notOffered are the operations of FSx's model that concern what fsxd
// does not serve: Lustre data repositories and file caches, Windows DNS
// aliases and misconfigured-state recovery, shared VPCs, NFSv3 locks.
// An SDK knows them, so they are answered with BadRequest, an error each
// of them models, after the caller's permission to call them is checked
// like any other's; a name outside the model stays an
// UnknownOperationException.
var notOffered = []string{
	"AssociateFileSystemAliases", "CancelDataRepositoryTask", "CreateDataRepositoryAssociation",
	"CreateDataRepositoryTask", "CreateFileCache", "DeleteDataRepositoryAssociation", "DeleteFileCache",
	"DescribeDataRepositoryAssociations", "DescribeDataRepositoryTasks", "DescribeFileCaches",
	"DescribeFileSystemAliases", "DescribeSharedVpcConfiguration", "DisassociateFileSystemAliases",
	"ReleaseFileSystemNfsV3Locks", "StartMisconfiguredStateRecovery", "UpdateDataRepositoryAssociation",
	"UpdateFileCache", "UpdateSharedVpcConfiguration",
}

// notOfferedRequest is any of their inputs: nothing in it is read.
type notOfferedRequest struct{}

// Target names no resource: the permission is checked on "*".
func (*notOfferedRequest) Target() Target { return Target{} }

func registerNotOffered(m *awsjson.Mux) {
	for _, op := range notOffered {
		m.Handle(op, awsjson.Op(func(context.Context, *notOfferedRequest) (*struct{}, error) {
			return nil, awserr.BadRequest.Err("fsxd does not offer %s: it serves FSx for OpenZFS and FSx for NetApp ONTAP file systems, without Lustre data repositories, file caches, Windows aliases or shared VPCs.", op)
		}))
	}
}
