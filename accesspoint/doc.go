// Package accesspoint serves S3 access points attached to FSx volumes: the
// FSx operations CreateAndAttachS3AccessPoint,
// DescribeS3AccessPointAttachments and DetachAndDeleteS3AccessPoint (AWS
// JSON 1.1, shapes from package fsxapi), the S3 Control view of the same
// access points (REST-XML), their lifecycle (Reconcile, HealthCheck), and
// the data plane's lookup of them (Resolver).
//
// Where AWS's behaviour is UNCONFIRMED (docs/decisions.md), this package
// decides as follows; the file named holds the code and the details.
//
// CreateAndAttachS3AccessPoint (request.go, volumecheck.go, create.go):
//   - names ending in -s3alias or -ext-s3alias, Type without its
//     configuration or with both configurations, an identity type without
//     its user block (or UNIX and Windows users together): BadRequest;
//   - OpenZFS volume on SINGLE_AZ_1/SINGLE_AZ_2: UnsupportedOperation;
//     volume type ≠ Type, volume not AVAILABLE/CREATED, SVM not CREATED,
//     ONTAP volume without junction path, UNIX identity on an NTFS volume
//     or Windows identity on a UNIX one (MIXED takes both): BadRequest;
//   - name taken (DELETING attachments included): AccessPointAlreadyOwnedByYou,
//     ErrorCode "AccessPointAlreadyOwnedByYou"; quotas (Config.MaxPerAccount,
//     default 10,000; Config.MaxPerFileSystem, default 1,000):
//     TooManyAccessPoints, ErrorCode "TooManyAccessPoints";
//   - a policy S3 would refuse: InvalidRequest, ErrorCode "MalformedPolicy"
//     (policy.go); a VpcId not in Config.VPCs: InvalidRequest, ErrorCode
//     "InvalidVpcConfiguration";
//   - token reuse with other parameters: IncompatibleParameterError whose
//     Parameter names the first differing member (package idempotency);
//   - a DOMAIN\user Windows name is accepted; it resolves only through an
//     explicit name mapping, else the attachment ends FAILED (package
//     nameservice).
//
// Aliases are <name, cut to 40>-<10 random [a-z0-9]>-ext-s3alias, at most
// 63 characters, unique (alias.go).
//
// Describe (describe.go, pagetoken.go): name order; Names and Filters
// both apply; NextToken is base64 of the last name with a check, so it is
// stable under concurrent change and tampering is BadRequest.
//
// Lifecycle (lifecycle.go, health.go): CREATING and DELETING last
// Config.LifecycleDelay; CREATING ends AVAILABLE, or FAILED with the
// reason; AVAILABLE ↔ MISCONFIGURED on health checks and checks on use;
// UPDATING is never entered. The data plane answers 503 ServiceUnavailable
// for CREATING and MISCONFIGURED, 404 NoSuchBucket for FAILED, DELETING and
// unknown access points (resolver.go).
//
// S3 Control (s3control*.go): DataSourceType FSX_OPENZFS/FSX_ONTAP,
// DataSourceId and Bucket the volume id, block public access all on;
// ListAccessPoints shows them only for dataSourceType ALL or their type;
// DeleteAccessPoint turns the attachment FAILED; CreateAccessPoint is
// NotImplemented; errors use S3 Control's <ErrorResponse> document.
package accesspoint
