// Package s3api is the S3 data plane: it serves a volume's files through
// its access points. Every file operation runs through package volume as
// the access point's POSIX identity, so what an S3 client sees is exactly
// the directory tree on disk, including changes made beside S3.
//
// A request is addressed (address.go), routed to one operation (route.go),
// authenticated, resolved and authorized (handler.go), and served by one
// func(*request) error; errors are rendered once, as S3 XML.
//
// # Decisions
//
// Keys and files. Key "a/b/c" is the file <volume>/a/b/c; a PUT makes the
// missing directories (volume prunes them again with their last key). A
// key ending in "/" with an empty body is a directory object: the
// directory, marked as an object; it is listed as "dir/" and GET/HEAD
// answer an empty object with the MD5 of nothing as its ETag. A body on
// such a key is InvalidRequest. Directories that were not PUT are not
// objects: listings without a delimiter show only the keys below them,
// with delimiter "/" every subdirectory (empty or not) is a common prefix,
// and GET "dir/" is NoSuchKey. Keys are bytes (no Unicode normalisation).
// A key over 1024 bytes is KeyTooLongError; one that cannot be a path
// (".", "..", empty segments, NUL, a segment over 255 bytes) is
// InvalidArgument naming the reason.
//
// ETags. A single-part write's ETag is its content MD5, a multipart
// object's "<md5 of part md5s>-N"; both live in the file's metadata with
// the file's stamp. A file changed or written beside S3 has no valid
// metadata and reports volume.SyntheticETag, which changes whenever the
// file does, so an ETag is never stale.
//
// Errors from the file system (see volumeErr): not found, FIFOs, sockets
// and devices are NoSuchKey; refusals, a read-only volume and escaping
// symlinks AccessDenied (as AWS reports the file-system layer); a full
// volume or quota 507 InsufficientStorage (not retried by SDKs); a key
// that is a directory, or below a file, NoSuchKey on reads and
// InvalidRequest on writes (a file system cannot hold both "a" and "a/b").
// Deleting a directory object that still holds keys is InvalidRequest.
//
// Encryption and storage class. AWS documents "aws:fsx" as the only
// server-side encryption of FSx access points (S3 API reference,
// ServerSideEncryption), so every object reports
// x-amz-server-side-encryption: aws:fsx; requests asking for another
// (AES256, aws:kms, customer keys) are InvalidArgument. Objects report the
// storage class FSX_OPENZFS or FSX_ONTAP, in listings and in
// x-amz-storage-class; any other requested class is InvalidStorageClass.
//
// Unsupported. What AWS does not offer on FSx access points (ACLs other
// than private, versioning, object lock, retention, legal hold, restore,
// select, bucket policy, CORS, lifecycle, notifications, conditional
// writes) answers 501 NotImplemented with AWS's message. Create and
// delete of the bucket itself are 405 MethodNotAllowed. With
// Config.Extensions, conditional writes (If-None-Match: * and If-Match on
// PutObject and CompleteMultipartUpload) are honoured, checked under the
// key's lock as the file is put in place.
//
// Checksums. The client's x-amz-checksum-* (header or aws-chunked trailer)
// is verified while the body streams and stored; none is invented when the
// client sent none (S3 adds CRC64NVME; fsxd saves the CPU). Multipart
// uploads combine part checksums as COMPOSITE or FULL_OBJECT.
package s3api
