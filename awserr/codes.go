package awserr

import "net/http"

// FSx (AWS JSON 1.1) errors. Every FSx client error is 400; the only fault is
// InternalServerError (docs/decisions.md, "FSx error statuses"). The JSON front end's own errors carry
// the status AWS's front end uses.
var (
	BadRequest                      = Code{"BadRequest", 400, "The request is invalid."}
	IncompatibleParameterError      = Code{"IncompatibleParameterError", 400, "The parameters are incompatible."}
	InternalServerError             = Code{"InternalServerError", 500, "An internal server error occurred."}
	UnsupportedOperation            = Code{"UnsupportedOperation", 400, "The requested operation is not supported."}
	FileSystemNotFound              = Code{"FileSystemNotFound", 400, "No file system found."}
	VolumeNotFound                  = Code{"VolumeNotFound", 400, "No volume found."}
	StorageVirtualMachineNotFound   = Code{"StorageVirtualMachineNotFound", 400, "No storage virtual machine found."}
	ResourceNotFound                = Code{"ResourceNotFound", 400, "The resource was not found."}
	NotServiceResourceError         = Code{"NotServiceResourceError", 400, "The resource is not an FSx resource."}
	ResourceDoesNotSupportTagging   = Code{"ResourceDoesNotSupportTagging", 400, "The resource does not support tagging."}
	ServiceLimitExceeded            = Code{"ServiceLimitExceeded", 400, "A service limit was exceeded."}
	MissingFileSystemConfiguration  = Code{"MissingFileSystemConfiguration", 400, "A file system configuration is required."}
	MissingVolumeConfiguration      = Code{"MissingVolumeConfiguration", 400, "A volume configuration is required."}
	InvalidNetworkSettings          = Code{"InvalidNetworkSettings", 400, "The network settings are invalid."}
	S3AccessPointAttachmentNotFound = Code{"S3AccessPointAttachmentNotFound", 400, "The access point specified was not found."}
	InvalidAccessPoint              = Code{"InvalidAccessPoint", 400, "The access point specified doesn't exist."}
	InvalidRequest                  = Code{"InvalidRequest", 400, "The action or operation requested is invalid."}
	AccessPointAlreadyOwnedByYou    = Code{"AccessPointAlreadyOwnedByYou", 400, "An access point with that name already exists in this account and Region."}
	SnapshotNotFound                = Code{"SnapshotNotFound", 400, "No snapshot found."}
	BackupNotFound                  = Code{"BackupNotFound", 400, "No backup found."}
	BackupInProgress                = Code{"BackupInProgress", 400, "Another backup is already under way."}
	BackupRestoring                 = Code{"BackupRestoring", 400, "The backup is being restored."}
	BackupBeingCopied               = Code{"BackupBeingCopied", 400, "The backup is being copied."}
	InvalidRegion                   = Code{"InvalidRegion", 400, "The Region is not valid."}
	TooManyAccessPoints             = Code{"TooManyAccessPoints", 400, "You have reached the maximum number of access points."}

	// AWS JSON front end.
	UnknownOperationException   = Code{"UnknownOperationException", 400, ""}
	SerializationException      = Code{"SerializationException", 400, "Start of structure or map found where not expected."}
	UnrecognizedClientException = Code{"UnrecognizedClientException", 400, "The security token included in the request is invalid."}
	InvalidSignatureException   = Code{"InvalidSignatureException", 400, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}
	MissingAuthenticationToken  = Code{"MissingAuthenticationTokenException", 400, "Missing Authentication Token"}
	IncompleteSignature         = Code{"IncompleteSignatureException", 400, "The request signature does not conform to AWS standards."}
	JSONAccessDenied            = Code{"AccessDeniedException", 400, "User is not authorized to perform this action."}
	ThrottlingException         = Code{"ThrottlingException", 400, "Rate exceeded."}
	ServiceUnavailableJSON      = Code{"ServiceUnavailableException", 503, "The service is unavailable. Try again later."}
	SignatureSkewedJSON         = Code{"InvalidSignatureException", 400, "Signature expired: the request time is too far from the server time."}
	SignatureExpiredJSON        = Code{"InvalidSignatureException", 400, "Signature expired."}
	UnsignedHeadersJSON         = Code{"AccessDeniedException", 400, "There were headers present in the request which were not signed"}
)

// S3 and S3 Control (REST-XML) errors, with the statuses S3 uses.
var (
	AccessDenied               = Code{"AccessDenied", http.StatusForbidden, "Access Denied"}
	NoSuchBucket               = Code{"NoSuchBucket", http.StatusNotFound, "The specified bucket does not exist"}
	NoSuchKey                  = Code{"NoSuchKey", http.StatusNotFound, "The specified key does not exist."}
	NoSuchUpload               = Code{"NoSuchUpload", http.StatusNotFound, "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed."}
	NoSuchTagSet               = Code{"NoSuchTagSet", http.StatusNotFound, "The TagSet does not exist"}
	NoSuchAccessPoint          = Code{"NoSuchAccessPoint", http.StatusNotFound, "The specified accesspoint does not exist"}
	NoSuchAccessPointPolicy    = Code{"NoSuchAccessPointPolicy", http.StatusNotFound, "The specified accesspoint policy does not exist"}
	MalformedPolicy            = Code{"MalformedPolicy", http.StatusBadRequest, "Policies must be valid JSON and the first byte must be '{'"}
	InvalidArgument            = Code{"InvalidArgument", http.StatusBadRequest, "Invalid Argument"}
	InvalidRequestS3           = Code{"InvalidRequest", http.StatusBadRequest, "Invalid Request"}
	InvalidBucketName          = Code{"InvalidBucketName", http.StatusBadRequest, "The specified bucket is not valid."}
	KeyTooLongError            = Code{"KeyTooLongError", http.StatusBadRequest, "Your key is too long"}
	MalformedXML               = Code{"MalformedXML", http.StatusBadRequest, "The XML you provided was not well-formed or did not validate against our published schema"}
	InvalidDigest              = Code{"InvalidDigest", http.StatusBadRequest, "The Content-MD5 you specified is not valid."}
	BadDigest                  = Code{"BadDigest", http.StatusBadRequest, "The Content-MD5 you specified did not match what we received."}
	XAmzContentSHA256Mismatch  = Code{"XAmzContentSHA256Mismatch", http.StatusBadRequest, "The provided 'x-amz-content-sha256' header does not match what was computed."}
	SignatureDoesNotMatch      = Code{"SignatureDoesNotMatch", http.StatusForbidden, "The request signature we calculated does not match the signature you provided. Check your key and signing method."}
	InvalidAccessKeyID         = Code{"InvalidAccessKeyId", http.StatusForbidden, "The AWS Access Key Id you provided does not exist in our records."}
	RequestTimeTooSkewed       = Code{"RequestTimeTooSkewed", http.StatusForbidden, "The difference between the request time and the current time is too large."}
	AuthorizationHeaderMalform = Code{"AuthorizationHeaderMalformed", http.StatusBadRequest, "The authorization header is malformed."}
	AuthorizationQueryError    = Code{"AuthorizationQueryParametersError", http.StatusBadRequest, "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters"}
	MissingSecurityHeader      = Code{"MissingSecurityHeader", http.StatusBadRequest, "Your request was missing a required header."}
	InvalidRange               = Code{"InvalidRange", http.StatusRequestedRangeNotSatisfiable, "The requested range is not satisfiable"}
	PreconditionFailed         = Code{"PreconditionFailed", http.StatusPreconditionFailed, "At least one of the pre-conditions you specified did not hold"}
	NotModified                = Code{"NotModified", http.StatusNotModified, "Not Modified"}
	EntityTooLarge             = Code{"EntityTooLarge", http.StatusBadRequest, "Your proposed upload exceeds the maximum allowed object size."}
	EntityTooSmall             = Code{"EntityTooSmall", http.StatusBadRequest, "Your proposed upload is smaller than the minimum allowed object size."}
	IncompleteBody             = Code{"IncompleteBody", http.StatusBadRequest, "You did not provide the number of bytes specified by the Content-Length HTTP header."}
	MissingContentLength       = Code{"MissingContentLength", http.StatusLengthRequired, "You must provide the Content-Length HTTP header."}
	InvalidPart                = Code{"InvalidPart", http.StatusBadRequest, "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag."}
	InvalidPartOrder           = Code{"InvalidPartOrder", http.StatusBadRequest, "The list of parts was not in ascending order. Parts must be ordered by part number."}
	InvalidTag                 = Code{"InvalidTag", http.StatusBadRequest, "The TagValue you have provided is invalid"}
	MethodNotAllowed           = Code{"MethodNotAllowed", http.StatusMethodNotAllowed, "The specified method is not allowed against this resource."}
	NotImplemented             = Code{"NotImplemented", http.StatusNotImplemented, "An access point you provided implies functionality that is not implemented"}
	PresignExpired             = Code{"AccessDenied", http.StatusForbidden, "Request has expired"}
	UnsignedHeaders            = Code{"AccessDenied", http.StatusForbidden, "There were headers present in the request which were not signed"}
	InternalError              = Code{"InternalError", http.StatusInternalServerError, "We encountered an internal error. Please try again."}
	ServiceUnavailable         = Code{"ServiceUnavailable", http.StatusServiceUnavailable, "Please reduce your request rate."}
	SlowDown                   = Code{"SlowDown", http.StatusServiceUnavailable, "Please reduce your request rate."}
	InsufficientStorage        = Code{"InsufficientStorage", http.StatusInsufficientStorage, "Insufficient storage space to complete the request."}
	InvalidObjectState         = Code{"InvalidObjectState", http.StatusForbidden, "The operation is not valid for the object's state."}
	MissingRequestBodyError    = Code{"MissingRequestBodyError", http.StatusBadRequest, "Request Body is empty"}
	InvalidEncryptionAlgorithm = Code{"InvalidEncryptionAlgorithmError", http.StatusBadRequest, "The encryption request you specified is not valid."}
	MetadataTooLarge           = Code{"MetadataTooLarge", http.StatusBadRequest, "Your metadata headers exceed the maximum allowed metadata size."}
	InvalidPartNumber          = Code{"InvalidPartNumber", http.StatusRequestedRangeNotSatisfiable, "The requested partnumber is not satisfiable"}
	InvalidStorageClass        = Code{"InvalidStorageClass", http.StatusBadRequest, "The storage class you specified is not valid"}
	NoSuchVersion              = Code{"NoSuchVersion", http.StatusNotFound, "The specified version does not exist."}
	// RequestTimeout is what S3 answers when a client stops sending.
	RequestTimeout = Code{"RequestTimeout", http.StatusBadRequest, "Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed."}
)

// IAM and STS (Query protocol) errors, with the statuses IAM uses. The
// renderer is iamapi's (the Query XML error shape); AccessDenied shares its
// name with S3's but is its own Code so the two can't be confused.
var (
	NoSuchEntity            = Code{"NoSuchEntity", http.StatusNotFound, "The request was rejected because it referenced a resource entity that does not exist."}
	EntityAlreadyExists     = Code{"EntityAlreadyExists", http.StatusConflict, "The request was rejected because it attempted to create a resource that already exists."}
	MalformedPolicyDocument = Code{"MalformedPolicyDocument", http.StatusBadRequest, "The policy document is malformed."}
	LimitExceeded           = Code{"LimitExceeded", http.StatusConflict, "The request was rejected because it attempted to create resources beyond the current AWS account limits."}
	DeleteConflict          = Code{"DeleteConflict", http.StatusConflict, "The request was rejected because it attempted to delete a resource that has attached subordinate entities."}
	ValidationError         = Code{"ValidationError", http.StatusBadRequest, "The input fails to satisfy the constraints specified by an AWS service."}
	InvalidInput            = Code{"InvalidInput", http.StatusBadRequest, "The request was rejected because an invalid or out-of-range value was supplied for an input parameter."}
	InvalidAction           = Code{"InvalidAction", http.StatusBadRequest, "The action or operation requested is invalid."}
	MissingAction           = Code{"MissingAction", http.StatusBadRequest, "Missing Action"}
	MalformedQueryString    = Code{"MalformedQueryString", http.StatusBadRequest, "The query string is malformed."}
	IAMAccessDenied         = Code{"AccessDenied", http.StatusForbidden, "User is not authorized to perform this action."}
	ServiceFailure          = Code{"ServiceFailure", http.StatusInternalServerError, "The request processing has failed because of an unknown error, exception or failure."}
	QueryServiceUnavailable = Code{"ServiceUnavailable", http.StatusServiceUnavailable, "The request has failed due to a temporary failure of the server."}
)

// IAM and STS (Query) authentication errors.
var (
	InvalidClientTokenID            = Code{"InvalidClientTokenId", http.StatusForbidden, "The security token included in the request is invalid."}
	QueryMissingAuthenticationToken = Code{"MissingAuthenticationToken", http.StatusForbidden, "Request is missing Authentication Token"}
	QueryIncompleteSignature        = Code{"IncompleteSignature", http.StatusBadRequest, "The request signature does not conform to AWS standards."}
	RequestExpired                  = Code{"RequestExpired", http.StatusBadRequest, "Request has expired."}
	QuerySignatureDoesNotMatch      = Code{"SignatureDoesNotMatch", http.StatusForbidden, "The request signature we calculated does not match the signature you provided."}
	UnsignedHeadersQuery            = Code{"AccessDenied", http.StatusForbidden, "There were headers present in the request which were not signed"}
)

// Temporary credentials: a session token that is missing, wrong or not
// the key's, and one past its expiry, in each protocol's words.
var (
	ExpiredTokenQuery = Code{"ExpiredToken", http.StatusForbidden, "The security token included in the request is expired"}
	ExpiredTokenJSON  = Code{"ExpiredTokenException", 400, "The security token included in the request is expired"}
	InvalidTokenS3    = Code{"InvalidToken", http.StatusBadRequest, "The provided token is malformed or otherwise invalid."}
	ExpiredTokenS3    = Code{"ExpiredToken", http.StatusBadRequest, "The provided token has expired."}
)

// SigV2NotSupported is S3's answer to Signature Version 2 in regions that
// never had it; the second sentence is fsxd's hint.
var SigV2NotSupported = Code{"InvalidRequest", http.StatusBadRequest, "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256. " +
	"fsxd does not accept Signature Version 2: use s3v4 (boto3: Config(signature_version='s3v4'); AWS CLI v1: aws configure set default.s3.signature_version s3v4; s3cmd: signature_v2 = False)."}

// Codes of S3 requests fsxd has no counterpart for.
var (
	// BucketAlreadyOwnedByYou answers CreateBucket on an access point the
	// caller may use: every client reads it as "the bucket exists".
	BucketAlreadyOwnedByYou = Code{"BucketAlreadyOwnedByYou", http.StatusConflict, "Your previous request to create the named bucket succeeded and you already own it."}
	// NoBuckets answers CreateBucket on a name that is no access point.
	NoBuckets = Code{"NotImplemented", http.StatusNotImplemented, "fsxd has no buckets; create an access point with CreateAndAttachS3AccessPoint and use its alias."}
	// PostObjectNotSupported answers browser-based (HTML form) uploads,
	// which FSx access points do not list among their operations.
	PostObjectNotSupported = Code{"NotImplemented", http.StatusNotImplemented, "POST Object (browser-based upload with a policy document) is not supported by FSx access points; use a presigned PUT URL."}
)

// DryRunOperation answers a request the console asked about, not for
// (authz.WithDryRun): every check passed and nothing was done. EC2's code
// and words; only in-process callers can ask (docs/decisions.md, "Console:
// disabled controls").
var DryRunOperation = Code{"DryRunOperation", http.StatusPreconditionFailed, "Request would have succeeded, but DryRun flag is set."}
