package fsxd

// PosixIdentity is the file-system identity every data-plane file operation
// runs as: what an NFS client logged in as that user would present.
type PosixIdentity struct {
	UID    uint32   `json:"Uid"`
	GID    uint32   `json:"Gid"`
	Groups []uint32 `json:"SecondaryGids,omitempty"` // supplementary groups, at most 15 for OpenZFS
}

// IsRoot reports whether the identity is the superuser.
func (id PosixIdentity) IsRoot() bool { return id.UID == 0 }

// InGroup reports whether gid is the primary or a supplementary group.
func (id PosixIdentity) InGroup(gid uint32) bool {
	if id.GID == gid {
		return true
	}
	for _, g := range id.Groups {
		if g == gid {
			return true
		}
	}
	return false
}
