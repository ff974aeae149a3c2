// Package fsxd names the vocabulary of the service: file systems, storage
// virtual machines, volumes, S3 access point attachments, identities and
// ARNs. It does no I/O; every other package depends inward on it.
package fsxd
