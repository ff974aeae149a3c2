package accesspoint

import (
	"encoding/xml"
	"net/http"
	"strconv"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awserr"
)

// The S3 Control shapes fsxd answers with, as the aws-sdk-go-v2 s3control
// deserializers read them.
const s3controlNS = "http://awss3control.amazonaws.com/doc/2018-08-20/"

// Values S3 Control reports for FSx-attached access points. AWS's values
// are UNCONFIRMED (docs/decisions.md, "S3 Control on FSx access points"); fsxd reports:
//
//	DataSourceType  FSX_OPENZFS | FSX_ONTAP (as the storage class S3 lists
//	                for their objects)
//	DataSourceId    the volume id
//	Bucket          the volume id too: the shape requires a bucket and the
//	                volume is what stands in for one
//	BucketAccountId this account
//	Endpoints       omitted: fsxd's endpoints are the operator's, not AWS's
//
// Block Public Access is always fully on for FSx-attached access points.
var dataSourceTypes = map[string]string{
	fsxd.TypeOpenZFS: "FSX_OPENZFS",
	fsxd.TypeONTAP:   "FSX_ONTAP",
}

type vpcConfigXML struct {
	VpcID string `xml:"VpcId"`
}

type publicAccessBlockXML struct {
	BlockPublicAcls       bool
	IgnorePublicAcls      bool
	BlockPublicPolicy     bool
	RestrictPublicBuckets bool
}

var blockAll = &publicAccessBlockXML{true, true, true, true}

// accessPointXML is both GetAccessPointResult's body and a ListAccessPoints
// entry (AccessPoint); the list leaves out what its shape lacks.
type accessPointXML struct {
	Name                           string
	Bucket                         string
	NetworkOrigin                  string
	VpcConfiguration               *vpcConfigXML         `xml:",omitempty"`
	PublicAccessBlockConfiguration *publicAccessBlockXML `xml:",omitempty"`
	CreationDate                   string                `xml:",omitempty"`
	Alias                          string
	AccessPointArn                 string
	BucketAccountID                string `xml:"BucketAccountId"`
	DataSourceID                   string `xml:"DataSourceId"`
	DataSourceType                 string
}

type getAccessPointResult struct {
	XMLName xml.Name `xml:"GetAccessPointResult"`
	Xmlns   string   `xml:"xmlns,attr"`
	accessPointXML
}

type listAccessPointsResult struct {
	XMLName         xml.Name         `xml:"ListAccessPointsResult"`
	Xmlns           string           `xml:"xmlns,attr"`
	AccessPointList []accessPointXML `xml:"AccessPointList>AccessPoint"`
	NextToken       string           `xml:",omitempty"`
}

type getPolicyResult struct {
	XMLName xml.Name `xml:"GetAccessPointPolicyResult"`
	Xmlns   string   `xml:"xmlns,attr"`
	Policy  string
}

type putPolicyRequest struct {
	XMLName xml.Name `xml:"PutAccessPointPolicyRequest"`
	Policy  string
}

type policyStatusResult struct {
	XMLName  xml.Name `xml:"GetAccessPointPolicyStatusResult"`
	Xmlns    string   `xml:"xmlns,attr"`
	IsPublic bool     `xml:"PolicyStatus>IsPublic"`
}

// toXML renders an attachment as S3 Control sees its access point.
func (s *Service) toXML(a *fsxd.Attachment, full bool) accessPointXML {
	x := accessPointXML{
		Name: a.Name, Bucket: a.VolumeID, NetworkOrigin: "Internet",
		Alias: a.Alias, AccessPointArn: s.acc.AccessPointARN(a.Name),
		BucketAccountID: s.acc.ID, DataSourceID: a.VolumeID, DataSourceType: dataSourceTypes[a.Type],
	}
	if a.VpcID != "" {
		x.NetworkOrigin, x.VpcConfiguration = "VPC", &vpcConfigXML{a.VpcID}
	}
	if full {
		x.PublicAccessBlockConfiguration = blockAll
		x.CreationDate = a.CreationTime.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	return x
}

// writeXML writes a 200 response with v as its XML body.
func writeXML(w http.ResponseWriter, v any) error {
	b, err := xml.Marshal(v)
	if err != nil {
		return err
	}
	b = append([]byte(xml.Header), b...)
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(b)
	return err
}

// writeEmpty writes a 200 without a body (S3 Control's answer to
// Put/Delete operations).
func writeEmpty(w http.ResponseWriter) error {
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
	return nil
}

// controlError is S3 Control's error document, which, unlike S3's, wraps
// the error: <ErrorResponse><Error><Code/><Message/></Error><RequestId/>.
// The SDK's s3control client reads exactly this shape.
type controlError struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	Code      string   `xml:"Error>Code"`
	Message   string   `xml:"Error>Message"`
	RequestID string   `xml:"RequestId"`
	HostID    string   `xml:"HostId"`
}

// writeControlError writes e as S3 Control does; HEAD gets no body.
func writeControlError(w http.ResponseWriter, r *http.Request, e *awserr.Error) {
	id := awserr.RequestID(r.Context())
	b, _ := xml.Marshal(controlError{Code: e.Code, Message: e.Message, RequestID: id, HostID: id})
	b = append([]byte(xml.Header), b...)
	if r.Method == http.MethodHead {
		w.WriteHeader(e.Status)
		return
	}
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(e.Status)
	w.Write(b)
}
