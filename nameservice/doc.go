// Package nameservice resolves an S3 access point attachment's file-system
// identity to the POSIX identity every data-plane file operation runs as.
//
// OpenZFS attachments carry a POSIX identity (Uid, Gid, SecondaryGids); it is
// used as given.
//
// ONTAP attachments name a user, and the user is resolved through the SVM's
// name service, the way an ONTAP SVM without LDAP/NIS resolves it:
//
//   - UNIX user name: the SVM's local users (the per-SVM file below), then
//     the host's passwd database (Resolver.Passwd, default /etc/passwd),
//     then the local users ONTAP creates in every SVM (root 0:1,
//     pcuser 65534:65534, nobody 65535:65535), which only apply when neither
//     of the others knows the name. Supplementary groups are every group,
//     in the per-SVM file or the host's group database (Resolver.Group,
//     default /etc/group), that lists the user as a member, in ascending
//     order; the primary GID is the user's own and is not repeated among
//     them. Names are case-sensitive.
//
//   - WINDOWS user name: mapped to a UNIX user name, then resolved as above.
//     The mapping is ONTAP's win-unix name mapping: (1) the SVM's
//     NameMappings, in order, first match wins; a Pattern is a regular
//     expression (Go RE2 syntax) matched case-insensitively against the
//     whole Windows name, and the Replacement is a UNIX user name in which
//     \1..\9 stand for the pattern's groups; a rule whose Replacement is
//     empty or names an unknown UNIX user makes the name unresolvable, as
//     ONTAP stops at the first matching rule. (2) Implicit mapping: a name
//     without a domain maps to the UNIX user of the same name, if there is
//     one. (3) The default UNIX user (DefaultUnixUser, ONTAP's default
//     "pcuser"), again only for a name without a domain.
//
//     A name with a domain prefix ("CORP\alice"): the SVM is not joined to
//     any domain, so only an explicit rule can map it (e.g. Pattern
//     `CORP\\(.+)`, Replacement `\1`); neither implicit mapping nor the
//     default user apply. AWS reportedly creates such an access point and
//     then fails its data operations (docs/decisions.md, "Volumes that can host an access point"); fsxd likewise accepts
//     the name at creation, and the attachment then ends FAILED (or
//     MISCONFIGURED later) with the reason from ErrUnresolved, so no data
//     operation is ever served with a guessed identity.
//
// # Per-SVM file
//
// Operators manage an SVM's local users, groups and name mappings in
// <DataDir>/nameservice/<svm-id>.json. The file is re-read whenever its
// modification time or size changes, so edits apply without a restart; a
// missing file means "no local entries". If an edit is malformed, the last
// version that parsed stays in force (an operator saving a half-written file
// must not turn every identity away); with no good version, Resolve returns
// a plain error (not ErrUnresolved), which callers treat as transient.
//
//	{
//	  "Users":  [{"Name": "alice", "Uid": 1001, "Gid": 2001}],
//	  "Groups": [{"Name": "eng", "Gid": 3001, "Members": ["alice"]}],
//	  "NameMappings": [
//	    {"Pattern": "CORP\\\\(.+)", "Replacement": "\\1"},
//	    {"Pattern": "guest", "Replacement": "nobody"}
//	  ],
//	  "DefaultUnixUser": "pcuser"
//	}
//
// DefaultUnixUser omitted means "pcuser" (ONTAP's default); "" means no
// default user, so unmapped Windows names do not resolve.
package nameservice
