package s3api

import (
	"net/http"
	"net/url"

	"github.com/fsxd/fsxd/awserr"
)

// Operation names, as S3 names them in its API reference and CloudTrail.
const (
	opListBuckets             = "ListBuckets"
	opHeadBucket              = "HeadBucket"
	opGetBucketLocation       = "GetBucketLocation"
	opListObjects             = "ListObjects"
	opListObjectsV2           = "ListObjectsV2"
	opListMultipartUploads    = "ListMultipartUploads"
	opDeleteObjects           = "DeleteObjects"
	opGetObject               = "GetObject"
	opHeadObject              = "HeadObject"
	opPutObject               = "PutObject"
	opCopyObject              = "CopyObject"
	opDeleteObject            = "DeleteObject"
	opGetObjectAttributes     = "GetObjectAttributes"
	opGetObjectTagging        = "GetObjectTagging"
	opPutObjectTagging        = "PutObjectTagging"
	opDeleteObjectTagging     = "DeleteObjectTagging"
	opCreateMultipartUpload   = "CreateMultipartUpload"
	opUploadPart              = "UploadPart"
	opUploadPartCopy          = "UploadPartCopy"
	opCompleteMultipartUpload = "CompleteMultipartUpload"
	opAbortMultipartUpload    = "AbortMultipartUpload"
	opListParts               = "ListParts"
	opCreateBucket            = "CreateBucket"
	opPostObject              = "PostObject"
)

// route is the outcome of routing: an operation to serve, or an error to
// refuse it with once the access point is known to exist.
type route struct {
	name   string
	action string // IAM action; "" when the operation authorizes itself
	serve  func(*request) error
	refuse error
	// early refuses before authentication: browser form uploads carry no
	// Authorization header, and the answer names no access point.
	early error
	addr  addr
	query url.Values
}

// selfAuthorized are the IAM actions of the object operations that
// authorize themselves (after reading the object's tags).
var selfAuthorized = map[string]string{
	opGetObject: "s3:GetObject", opHeadObject: "s3:GetObject", opGetObjectTagging: "s3:GetObjectTagging",
	opPutObjectTagging: "s3:PutObjectTagging", opDeleteObjectTagging: "s3:DeleteObjectTagging",
}

// objectAction is the IAM action the operation asks for on its key.
func (rt *route) objectAction() string {
	if rt.action != "" {
		return rt.action
	}
	return selfAuthorized[rt.name]
}

// route reads top to bottom like S3's own dispatch: the bucket or object
// level, the method, then which subresource is in the query.
func (h *Handler) route(r *http.Request) route {
	a := address(r, h.cfg.Domains)
	q := r.URL.Query()
	var rt route
	switch {
	case a.bucket == "":
		rt = route{name: opListBuckets}
	case a.key == "":
		rt = bucketRoute(r.Method, q)
	default:
		rt = objectRoute(r.Method, q, r.Header)
	}
	rt.addr, rt.query = a, q
	return rt
}

func bucketRoute(method string, q url.Values) route {
	if sub := unsupportedSub(q, bucketSubresources); sub != "" {
		return notImplemented(method, sub, "Bucket", bucketSubresources)
	}
	switch method {
	case http.MethodHead:
		return route{name: opHeadBucket, action: "s3:ListBucket", serve: (*request).headBucket}
	case http.MethodGet:
		switch {
		case q.Has("location"):
			return route{name: opGetBucketLocation, action: "s3:GetBucketLocation", serve: (*request).getBucketLocation}
		case q.Has("uploads"):
			return route{name: opListMultipartUploads, action: "s3:ListBucketMultipartUploads", serve: (*request).listUploads}
		case q.Get("list-type") == "2":
			return route{name: opListObjectsV2, action: "s3:ListBucket", serve: (*request).listObjectsV2}
		case q.Has("list-type"):
			return refused("ListObjects", awserr.InvalidArgument.Err("Invalid List Type specified").
				With("ArgumentName", "list-type").With("ArgumentValue", q.Get("list-type")))
		}
		return route{name: opListObjects, action: "s3:ListBucket", serve: (*request).listObjects}
	case http.MethodPost:
		if q.Has("delete") {
			return route{name: opDeleteObjects, action: "", serve: (*request).deleteObjects}
		}
		return route{name: opPostObject, early: awserr.PostObjectNotSupported.Err("")}
	case http.MethodPut:
		if len(q) > 0 {
			return methodNotAllowed(method, "ACCESSPOINT")
		}
		// Clients "make sure the bucket exists" before they write (rclone).
		return route{name: opCreateBucket, action: "s3:ListBucket", serve: (*request).createBucket}
	case http.MethodDelete:
		return refused("DeleteBucket", awserr.MethodNotAllowed.Err("DeleteBucket is not allowed against an access point.").With("Method", method).With("ResourceType", "ACCESSPOINT"))
	}
	return methodNotAllowed(method, "ACCESSPOINT")
}

func objectRoute(method string, q url.Values, hdr http.Header) route {
	if sub := unsupportedSub(q, objectSubresources); sub != "" {
		return notImplemented(method, sub, "Object", objectSubresources)
	}
	switch method {
	case http.MethodGet:
		switch {
		case q.Has("uploadId"):
			return route{name: opListParts, action: "s3:ListMultipartUploadParts", serve: (*request).listParts}
		case q.Has("tagging"):
			return route{name: opGetObjectTagging, action: "", serve: (*request).getObjectTagging}
		case q.Has("attributes"):
			return route{name: opGetObjectAttributes, action: "s3:GetObjectAttributes", serve: (*request).getObjectAttributes}
		}
		return route{name: opGetObject, action: "", serve: (*request).getObject}
	case http.MethodHead:
		return route{name: opHeadObject, action: "", serve: (*request).headObject}
	case http.MethodPut:
		copying := hdr.Get("X-Amz-Copy-Source") != ""
		switch {
		case q.Has("tagging"):
			return route{name: opPutObjectTagging, action: "", serve: (*request).putObjectTagging}
		case (q.Has("partNumber") || q.Has("uploadId")) && copying:
			return route{name: opUploadPartCopy, action: "s3:PutObject", serve: (*request).uploadPartCopy}
		case q.Has("partNumber") || q.Has("uploadId"):
			return route{name: opUploadPart, action: "s3:PutObject", serve: (*request).uploadPart}
		case copying:
			return route{name: opCopyObject, action: "s3:PutObject", serve: (*request).copyObject}
		}
		return route{name: opPutObject, action: "s3:PutObject", serve: (*request).putObject}
	case http.MethodPost:
		switch {
		case q.Has("uploads"):
			return route{name: opCreateMultipartUpload, action: "s3:PutObject", serve: (*request).createUpload}
		case q.Has("uploadId"):
			return route{name: opCompleteMultipartUpload, action: "s3:PutObject", serve: (*request).completeUpload}
		}
	case http.MethodDelete:
		switch {
		case q.Has("uploadId"):
			return route{name: opAbortMultipartUpload, action: "s3:AbortMultipartUpload", serve: (*request).abortUpload}
		case q.Has("tagging"):
			return route{name: opDeleteObjectTagging, action: "", serve: (*request).deleteObjectTagging}
		}
		return route{name: opDeleteObject, action: "s3:DeleteObject", serve: (*request).deleteObject}
	}
	return methodNotAllowed(method, "OBJECT")
}

func refused(name string, err error) route { return route{name: name, refuse: err} }

func methodNotAllowed(method, resource string) route {
	return refused("MethodNotAllowed", awserr.MethodNotAllowed.Err("").
		With("Method", method).With("ResourceType", resource))
}

// notImplemented answers the operations AWS does not support on FSx access
// points (docs/decisions.md, "S3 operations and limits on FSx access points") with AWS's own 501.
func notImplemented(method, sub, level string, subs map[string]string) route {
	return refused(opName(method, sub, level, subs), awserr.NotImplemented.Err(""))
}

// unsupportedSub returns the first query parameter of q that names a
// subresource AWS does not serve on FSx access points.
func unsupportedSub(q url.Values, subs map[string]string) string {
	for k := range q {
		if _, ok := subs[k]; ok {
			return k
		}
	}
	return ""
}

// opName names a refused operation for logs: "Put" + "Bucket" + "Acl".
func opName(method, sub, level string, subs map[string]string) string {
	verb := map[string]string{http.MethodGet: "Get", http.MethodHead: "Head", http.MethodPut: "Put",
		http.MethodPost: "Post", http.MethodDelete: "Delete"}[method]
	if special, ok := specialOpNames[method+" "+sub]; ok {
		return special
	}
	return verb + level + subs[sub]
}

var specialOpNames = map[string]string{
	"GET versions":      "ListObjectVersions",
	"POST restore":      "RestoreObject",
	"POST select":       "SelectObjectContent",
	"GET torrent":       "GetObjectTorrent",
	"POST renameObject": "RenameObject",
}

// Subresources S3 has and FSx access points refuse, with the name they
// take in the operation's name.
var bucketSubresources = map[string]string{
	"acl": "Acl", "policy": "Policy", "policyStatus": "PolicyStatus", "cors": "Cors",
	"versioning": "Versioning", "versions": "Versions", "lifecycle": "LifecycleConfiguration",
	"notification": "NotificationConfiguration", "object-lock": "ObjectLockConfiguration",
	"replication": "Replication", "website": "Website", "logging": "Logging",
	"tagging": "Tagging", "encryption": "Encryption", "requestPayment": "RequestPayment",
	"accelerate": "AccelerateConfiguration", "analytics": "AnalyticsConfiguration",
	"inventory": "InventoryConfiguration", "metrics": "MetricsConfiguration",
	"intelligent-tiering": "IntelligentTieringConfiguration", "ownershipControls": "OwnershipControls",
	"publicAccessBlock": "PublicAccessBlock", "metadataTable": "MetadataTableConfiguration",
	"session": "Session", "abac": "Abac",
}

var objectSubresources = map[string]string{
	"acl": "Acl", "retention": "Retention", "legal-hold": "LegalHold", "torrent": "Torrent",
	"restore": "Restore", "select": "Select", "renameObject": "Rename",
}
