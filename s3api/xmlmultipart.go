package s3api

import "encoding/xml"

// The XML shapes of multipart uploads and GetObjectAttributes.

type initiateResult struct {
	XMLName  xml.Name `xml:"InitiateMultipartUploadResult"`
	NS       string   `xml:"xmlns,attr"`
	Bucket   string   `xml:"Bucket"`
	Key      string   `xml:"Key"`
	UploadID string   `xml:"UploadId"`
}

type completePart struct {
	PartNumber int    `xml:"PartNumber"`
	ETag       string `xml:"ETag"`
	checksumSet
}

type completeRequest struct {
	XMLName xml.Name       `xml:"CompleteMultipartUpload"`
	Parts   []completePart `xml:"Part"`
}

type completeResult struct {
	XMLName  xml.Name `xml:"CompleteMultipartUploadResult"`
	NS       string   `xml:"xmlns,attr"`
	Location string   `xml:"Location"`
	Bucket   string   `xml:"Bucket"`
	Key      string   `xml:"Key"`
	ETag     string   `xml:"ETag"`
	checksumSet
	ChecksumType string `xml:"ChecksumType,omitempty"`
}

type partEntry struct {
	PartNumber   int     `xml:"PartNumber"`
	LastModified xmlTime `xml:"LastModified"`
	ETag         string  `xml:"ETag"`
	Size         int64   `xml:"Size"`
	checksumSet
}

type listPartsResult struct {
	XMLName              xml.Name    `xml:"ListPartsResult"`
	NS                   string      `xml:"xmlns,attr"`
	Bucket               string      `xml:"Bucket"`
	Key                  string      `xml:"Key"`
	UploadID             string      `xml:"UploadId"`
	Initiator            owner       `xml:"Initiator"`
	Owner                owner       `xml:"Owner"`
	StorageClass         string      `xml:"StorageClass"`
	PartNumberMarker     int         `xml:"PartNumberMarker"`
	NextPartNumberMarker int         `xml:"NextPartNumberMarker"`
	MaxParts             int         `xml:"MaxParts"`
	IsTruncated          bool        `xml:"IsTruncated"`
	Parts                []partEntry `xml:"Part"`
	ChecksumAlgorithm    string      `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType         string      `xml:"ChecksumType,omitempty"`
}

type uploadEntry struct {
	Key               string  `xml:"Key"`
	UploadID          string  `xml:"UploadId"`
	Initiator         owner   `xml:"Initiator"`
	Owner             owner   `xml:"Owner"`
	StorageClass      string  `xml:"StorageClass"`
	Initiated         xmlTime `xml:"Initiated"`
	ChecksumAlgorithm string  `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType      string  `xml:"ChecksumType,omitempty"`
}

type listUploadsResult struct {
	XMLName            xml.Name       `xml:"ListMultipartUploadsResult"`
	NS                 string         `xml:"xmlns,attr"`
	Bucket             string         `xml:"Bucket"`
	KeyMarker          string         `xml:"KeyMarker"`
	UploadIDMarker     string         `xml:"UploadIdMarker"`
	NextKeyMarker      string         `xml:"NextKeyMarker,omitempty"`
	NextUploadIDMarker string         `xml:"NextUploadIdMarker,omitempty"`
	Delimiter          string         `xml:"Delimiter,omitempty"`
	Prefix             string         `xml:"Prefix"`
	MaxUploads         int            `xml:"MaxUploads"`
	EncodingType       string         `xml:"EncodingType,omitempty"`
	IsTruncated        bool           `xml:"IsTruncated"`
	Uploads            []uploadEntry  `xml:"Upload"`
	CommonPrefixes     []commonPrefix `xml:"CommonPrefixes"`
}

type objectPart struct {
	PartNumber int   `xml:"PartNumber"`
	Size       int64 `xml:"Size"`
	checksumSet
}

// objectParts is GetObjectAttributes' ObjectParts; of an object without
// a checksum S3 reports the count only (partsPage nil).
type objectParts struct {
	TotalPartsCount int `xml:"PartsCount"`
	*partsPage
}

type partsPage struct {
	PartNumberMarker     int          `xml:"PartNumberMarker"`
	NextPartNumberMarker int          `xml:"NextPartNumberMarker"`
	MaxParts             int          `xml:"MaxParts"`
	IsTruncated          bool         `xml:"IsTruncated"`
	Parts                []objectPart `xml:"Part"`
}

type attrChecksum struct {
	checksumSet
	ChecksumType string `xml:"ChecksumType,omitempty"`
}

// attributesResult is GetObjectAttributes' body. Its ETag, unlike every
// other ETag S3 sends, is not quoted.
type attributesResult struct {
	XMLName      xml.Name      `xml:"GetObjectAttributesResponse"`
	NS           string        `xml:"xmlns,attr"`
	ETag         string        `xml:"ETag,omitempty"`
	Checksum     *attrChecksum `xml:"Checksum,omitempty"`
	ObjectParts  *objectParts  `xml:"ObjectParts,omitempty"`
	StorageClass string        `xml:"StorageClass,omitempty"`
	ObjectSize   *int64        `xml:"ObjectSize,omitempty"`
}
