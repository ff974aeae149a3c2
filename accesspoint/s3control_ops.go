package accesspoint

import (
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/store"
)

// reasonS3Deleted is the FAILED reason after S3 Control's DeleteAccessPoint
// on an FSx-attached access point: on AWS that leaves the attachment
// FAILED (docs/decisions.md, "Attachment lifecycle and the data plane"). It also marks the S3 side as gone: S3 Control
// answers NoSuchAccessPoint for it from then on.
const reasonS3Deleted = "The S3 access point was deleted through S3 Control (DeleteAccessPoint). Detach and delete the attachment, then create it again."

// s3Visible reports whether S3 Control still sees a's access point: not
// once it is DELETING, nor after DeleteAccessPoint.
func s3Visible(a *fsxd.Attachment) bool {
	return a.Lifecycle != fsxd.Deleting && !(a.Lifecycle == fsxd.Failed && a.Reason == reasonS3Deleted)
}

// lookupAP reads name's attachment as S3 Control sees it.
func lookupAP(tx *store.Tx, name string) (*fsxd.Attachment, error) {
	a, err := attachments(tx).Get(name)
	if errors.Is(err, store.ErrNotFound) || err == nil && !s3Visible(a) {
		return nil, awserr.NoSuchAccessPoint.Err("")
	}
	return a, err
}

func (s *Service) viewAP(r *http.Request, name string) (*fsxd.Attachment, error) {
	var a *fsxd.Attachment
	err := s.st.View(r.Context(), func(tx *store.Tx) error {
		var err error
		a, err = lookupAP(tx, name)
		return err
	})
	return a, err
}

// updateAP applies fn to name's attachment in one transaction.
func (s *Service) updateAP(r *http.Request, name string, fn func(tx *store.Tx, a *fsxd.Attachment) error) error {
	return s.st.Update(r.Context(), func(tx *store.Tx) error {
		a, err := lookupAP(tx, name)
		if err != nil {
			return err
		}
		if err := fn(tx, a); err != nil {
			return err
		}
		return attachments(tx).Put(name, a)
	})
}

func (s *Service) getAccessPoint(w http.ResponseWriter, r *http.Request, name string) error {
	a, err := s.viewAP(r, name)
	if err != nil {
		return err
	}
	return writeXML(w, getAccessPointResult{Xmlns: s3controlNS, accessPointXML: s.toXML(a, true)})
}

// createAccessPoint: fsxd has no buckets, so there is nothing to create an
// access point for here; FSx-attached ones come from
// fsx:CreateAndAttachS3AccessPoint.
func (s *Service) createAccessPoint(w http.ResponseWriter, r *http.Request, name string) error {
	return awserr.NotImplemented.Err("CreateAccessPoint is not supported: fsxd has no buckets. Create access points with fsx:CreateAndAttachS3AccessPoint.")
}

// deleteAccessPoint deletes the S3 side only: the attachment turns FAILED,
// as on AWS, and stays until DetachAndDeleteS3AccessPoint.
func (s *Service) deleteAccessPoint(w http.ResponseWriter, r *http.Request, name string) error {
	err := s.updateAP(r, name, func(tx *store.Tx, a *fsxd.Attachment) error {
		a.Lifecycle, a.Reason = fsxd.Failed, reasonS3Deleted
		a.Policy, a.PolicyTime, a.PolicyIDs = "", s.now(), nil
		return clearPending(tx, name) // a CREATING one must not turn AVAILABLE
	})
	if err != nil {
		return err
	}
	return writeEmpty(w)
}

func (s *Service) getPolicy(w http.ResponseWriter, r *http.Request, name string) error {
	a, err := s.viewAP(r, name)
	if err != nil {
		return err
	}
	if a.Policy == "" {
		return awserr.NoSuchAccessPointPolicy.Err("")
	}
	return writeXML(w, getPolicyResult{Xmlns: s3controlNS, Policy: a.Policy})
}

// maxPolicyBody bounds a PutAccessPointPolicy body: a 20 KB policy grows
// when XML-escaped, but not past this.
const maxPolicyBody = 1 << 20

func (s *Service) putPolicy(w http.ResponseWriter, r *http.Request, name string) error {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxPolicyBody+1))
	if err != nil {
		return awserr.IncompleteBody.Err("").Wrap(err)
	}
	var in putPolicyRequest
	if len(b) > maxPolicyBody || xml.Unmarshal(b, &in) != nil {
		return awserr.MalformedXML.Err("")
	}
	if err := checkPolicy(in.Policy); err != nil {
		return err
	}
	err = s.updateAP(r, name, func(tx *store.Tx, a *fsxd.Attachment) (err error) {
		if a.PolicyIDs, err = s.bindPolicy(tx, in.Policy); err != nil {
			return err
		}
		a.Policy, a.PolicyTime = in.Policy, s.now()
		return nil
	})
	if err != nil {
		return err
	}
	return writeEmpty(w)
}

func (s *Service) deletePolicy(w http.ResponseWriter, r *http.Request, name string) error {
	err := s.updateAP(r, name, func(_ *store.Tx, a *fsxd.Attachment) error {
		a.Policy, a.PolicyTime = "", s.now()
		return nil
	})
	if err != nil {
		return err
	}
	return writeEmpty(w)
}

// getPolicyStatus answers NoSuchAccessPointPolicy without a policy, as
// GetBucketPolicyStatus does for a bucket without one.
func (s *Service) getPolicyStatus(w http.ResponseWriter, r *http.Request, name string) error {
	a, err := s.viewAP(r, name)
	if err != nil {
		return err
	}
	if a.Policy == "" {
		return awserr.NoSuchAccessPointPolicy.Err("")
	}
	return writeXML(w, policyStatusResult{Xmlns: s3controlNS, IsPublic: isPublic(a.Policy)})
}

// listAccessPoints lists FSx-attached access points when dataSourceType is
// ALL or their FSX_* type; by default S3 lists only bucket access points,
// of which fsxd has none (docs/decisions.md, "S3 Control on FSx access points"). bucket and dataSourceId filter
// by volume id (see dataSourceTypes).
func (s *Service) listAccessPoints(w http.ResponseWriter, r *http.Request, _ string) error {
	q := r.URL.Query()
	limit := maxPage
	if v := q.Get("maxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return awserr.InvalidArgument.Err("maxResults must be an integer from 1 to 1000.")
		}
		limit = min(n, maxPage)
	}
	after := ""
	if tok := q.Get("nextToken"); tok != "" {
		var err error
		if after, err = s.decodeToken(tok); err != nil {
			return awserr.InvalidArgument.Err("The continuation token provided is incorrect")
		}
	}
	keep := listFilter(q.Get("dataSourceType"), q.Get("dataSourceId"), q.Get("bucket"))
	var page []*fsxd.Attachment
	err := s.st.View(r.Context(), func(tx *store.Tx) error {
		var err error
		page, _, err = attachments(tx).List(after, limit+1, keep)
		return err
	})
	if err != nil {
		return err
	}
	out := listAccessPointsResult{Xmlns: s3controlNS, AccessPointList: []accessPointXML{}}
	if len(page) > limit {
		page = page[:limit]
		out.NextToken = s.encodeToken(page[limit-1].Name)
	}
	for _, a := range page {
		out.AccessPointList = append(out.AccessPointList, s.toXML(a, false))
	}
	return writeXML(w, out)
}

func listFilter(sourceType, sourceID, bucket string) func(*fsxd.Attachment) bool {
	return func(a *fsxd.Attachment) bool {
		switch {
		case !s3Visible(a):
			return false
		case sourceType != "ALL" && sourceType != dataSourceTypes[a.Type]:
			return false
		case sourceID != "" && sourceID != a.VolumeID:
			return false
		}
		return bucket == "" || bucket == a.VolumeID
	}
}
