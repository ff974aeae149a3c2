package store

import "time"

// Records that only one front end reads, kept here so that the whole
// persisted format is declared in this package (schema.go). The JSON names
// are those the first version wrote (the Go field names): they are the
// format, and a field may be renamed in Go but never in its tag.

// Alias is the value stored under an access point alias: the attachment's
// name. Inserting it claims the alias.
type Alias struct {
	Name string `json:"Name"`
}

// PendingAttachment records when an attachment entered CREATING or
// DELETING, so the lifecycle delay survives restarts.
type PendingAttachment struct {
	Name      string    `json:"Name"`
	Lifecycle string    `json:"Lifecycle"`
	Since     time.Time `json:"Since"`
}

// AttachmentCount is a number of attachments (schema.go, AttachmentCounts).
type AttachmentCount struct {
	N int `json:"N"`
}

// IAMTag is an IAM user tag.
type IAMTag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// IAMUser is an IAM user. Inline policies and group memberships live in
// the record so one read answers "what may this user do", the hot path of
// every request.
type IAMUser struct {
	Name     string            `json:"Name"` // as created
	Path     string            `json:"Path"`
	ID       string            `json:"ID"` // AIDA...
	Created  time.Time         `json:"Created"`
	Tags     []IAMTag          `json:"Tags,omitempty"`
	Policies map[string]string `json:"Policies,omitempty"` // inline: name -> document as sent
	Groups   []string          `json:"Groups,omitempty"`   // group names, as created
	Keys     []string          `json:"Keys,omitempty"`     // access key ids
	// ManagedPolicies are the ARNs of the managed policies attached.
	ManagedPolicies []string `json:"ManagedPolicies,omitempty"`
}

// IAMGroup is an IAM group with its inline policies.
type IAMGroup struct {
	Name     string            `json:"Name"` // as created
	Path     string            `json:"Path"`
	ID       string            `json:"ID"` // AGPA...
	Created  time.Time         `json:"Created"`
	Policies map[string]string `json:"Policies,omitempty"`
	// ManagedPolicies are the ARNs of the managed policies attached.
	ManagedPolicies []string `json:"ManagedPolicies,omitempty"`
}

// IAMKey is an access key. The secret is sealed (package secret) with the
// key id as associated data, so a stolen store file holds no usable
// secret and a sealed secret moved onto another key's record won't open.
type IAMKey struct {
	ID      string    `json:"ID"`
	User    string    `json:"User"` // user name, as created
	Sealed  string    `json:"Sealed"`
	Status  string    `json:"Status"` // Active | Inactive
	Created time.Time `json:"Created"`
}
